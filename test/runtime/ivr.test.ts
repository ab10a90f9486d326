import { afterEach, describe, expect, it } from 'vitest';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { eventually, expectNothingLeft, ivrOf, startIvrRig } from './ivrRig.js';

/**
 * The IVR end to end on the embedded PBX over TCP: a simulated phone calls extension 500
 * (`AGI(agi:async)`), the runtime runs `ivrMachine` for it, and the phone types its keys when the
 * PBX reports (`AGIExecStart`, seen by a second AMI session) that the prompt waiting for them
 * started. Checked: the AGI commands the PBX ran, the IVR's steps and output, the bridge with the
 * agent, and that nothing is left afterwards.
 */

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the IVR on extension 500 of the embedded PBX', () => {
  it('should connect a caller with the right passcode who presses 1 to the agent', async () => {
    const setup = await startIvrRig(cleanups);
    const { pbx, runtime, commands } = setup;
    runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
    const bridges: string[] = [];
    runtime.bus.on('bridge', ({ action, members }) => bridges.push(`${action} ${members.length}`));
    const phone = pbx.phoneCall('alice', '500');
    setup.pressWhen(phone, 'GET DATA', '12345#');
    setup.pressWhen(phone, 'STREAM FILE vm-press', '1');
    const ivr = await ivrOf(setup, phone);
    // The caller and the agent end up in one bridge.
    await eventually(() => {
      const caller = runtime.channels.byName(phone)?.getSnapshot().context;
      const agent = runtime.channels
        .all()
        .find((ref) => /^Local\/agent@default-[0-9a-f]{8};1$/.test(ref.getSnapshot().context.name));
      return (
        caller?.bridge !== undefined && caller.bridge.id === agent?.getSnapshot().context.bridge?.id
      );
    });
    expect(runtime.channels.byName(phone)?.getSnapshot().value).toMatchObject({
      live: { agi: 'inAgi', bridge: 'bridged' },
    });
    expect(ivr.actor.getSnapshot().value).toBe('connecting');
    expect(bridges).toContain('enter 2');
    // The agent hangs up: Dial returns, and the IVR hangs the caller up.
    const agentSide = pbx.channels().find((info) => /^Local\/agent@default-.*;2$/.test(info.name));
    pbx.hangup(agentSide!.name);
    expect(await ivr.output).toMatchObject({
      outcome: 'connected',
      passcode: { granted: true, attempts: 1, reason: 'granted' },
      menu: { choice: '1', tries: 1, reason: 'chosen' },
    });
    expect(ivr.steps).toEqual(['answering', 'passcode', 'menu', 'connecting', 'hangingUp', 'done']);
    await setup.sync();
    expect(commands.get(phone)).toEqual([
      'ANSWER',
      'GET DATA agent-pass 5000 16',
      'STREAM FILE vm-press 12',
      'EXEC Dial Local/agent@default',
      'HANGUP',
    ]);
    await expectNothingLeft(setup);
  }, 20_000);

  it('should say goodbye and hang up when a caller with the right passcode presses 2', async () => {
    const setup = await startIvrRig(cleanups);
    const { pbx, runtime, commands } = setup;
    runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
    const phone = pbx.phoneCall('alice', '500');
    setup.pressWhen(phone, 'GET DATA', '12345#');
    setup.pressWhen(phone, 'STREAM FILE digits/1', '2');
    const ivr = await ivrOf(setup, phone);
    const ended = new Promise<number>((resolve) =>
      runtime.bus.on('hangup', ({ output }) => output.name === phone && resolve(output.cause)),
    );
    expect(await ivr.output).toMatchObject({
      outcome: 'goodbye',
      menu: { choice: '2', tries: 1 },
    });
    expect(ivr.steps).toEqual(['answering', 'passcode', 'menu', 'farewell', 'hangingUp', 'done']);
    // Key 2 stopped the prompt during its second sound.
    await setup.sync();
    expect(commands.get(phone)).toEqual([
      'ANSWER',
      'GET DATA agent-pass 5000 16',
      'STREAM FILE vm-press 12',
      'STREAM FILE digits/1 12',
      'STREAM FILE vm-goodbye ""',
      'HANGUP',
    ]);
    expect(await ended).toBe(0); // hung up by AGI
    await expectNothingLeft(setup);
  }, 20_000);

  it('should say goodbye after three wrong passcodes', async () => {
    const setup = await startIvrRig(cleanups);
    const { pbx, runtime, commands } = setup;
    runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
    const phone = pbx.phoneCall('alice', '500');
    setup.pressWhen(phone, 'GET DATA', '54321#');
    const ivr = await ivrOf(setup, phone);
    expect(await ivr.output).toEqual({
      outcome: 'denied',
      passcode: { granted: false, attempts: 3, reason: 'denied' },
      menu: undefined,
    });
    expect(ivr.steps).toEqual(['answering', 'passcode', 'farewell', 'hangingUp', 'done']);
    const ask = 'GET DATA agent-pass 5000 16';
    const retry = 'STREAM FILE vm-incorrect ""';
    await setup.sync();
    expect(commands.get(phone)).toEqual([
      'ANSWER',
      ask,
      retry,
      ask,
      retry,
      ask,
      'STREAM FILE vm-goodbye ""',
      'HANGUP',
    ]);
    await expectNothingLeft(setup);
  }, 20_000);

  it('should end as gone when the caller hangs up during the menu', async () => {
    const setup = await startIvrRig(cleanups);
    const { pbx, runtime, commands } = setup;
    runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
    const phone = pbx.phoneCall('alice', '500');
    setup.pressWhen(phone, 'GET DATA', '12345#');
    setup.onCommand(
      (on, command) => on === phone && command === 'WAIT FOR DIGIT 5000' && pbx.hangup(phone),
    );
    const ivr = await ivrOf(setup, phone);
    expect(await ivr.output).toMatchObject({
      outcome: 'gone',
      passcode: { granted: true },
      menu: { choice: undefined, reason: 'gone' },
    });
    await setup.sync();
    expect(commands.get(phone)?.at(-1)).toBe('WAIT FOR DIGIT 5000');
    await expectNothingLeft(setup);
  }, 20_000);

  it('should serve 20 concurrent IVR calls and keep nothing afterwards', async () => {
    const setup = await startIvrRig(cleanups);
    const { runtime, commands } = setup;
    runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
    // Every caller types the passcode, then 2.
    setup.onCommand((channel, command) => {
      if (command.startsWith('GET DATA'))
        void setup.pbx.sendDigits(channel, '12345#', { receive: true }).catch(() => {});
      if (command.startsWith('STREAM FILE vm-press'))
        void setup.pbx.sendDigits(channel, '2', { receive: true }).catch(() => {});
    });
    const calls = await Promise.all(
      Array.from({ length: 20 }, () =>
        runtime.originate({ channel: 'Local/500@default', application: 'Wait', data: '30' }),
      ),
    );
    await Promise.all(calls.map((call) => call.waitForHangup()));
    await setup.sync();
    const served = [...commands.entries()].filter(([name]) => name.endsWith(';2'));
    expect(served).toHaveLength(20);
    for (const [, sent] of served) {
      expect(sent).toEqual([
        'ANSWER',
        'GET DATA agent-pass 5000 16',
        'STREAM FILE vm-press 12',
        'STREAM FILE vm-goodbye ""',
        'HANGUP',
      ]);
    }
    await expectNothingLeft(setup);
  }, 30_000);
});
