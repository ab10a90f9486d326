import { afterEach, describe, expect, it } from 'vitest';
import { type AnyActorRef, createActor, toPromise } from 'xstate';
import type { Call } from '../../src/calls/Call.js';
import { AmiConnectionClosedError } from '../../src/connection/errors.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { eventually, expectNothingLeft, ivrOf, startIvrRig } from './ivrRig.js';

/**
 * The IVR over FastAGI, end to end on the embedded PBX: a simulated phone calls extension 501
 * (`AGI(agi://${FASTAGI_HOST}:${FASTAGI_PORT}/ivr)`), the PBX connects to the runtime's FastAGI
 * server, and the same `ivrMachine` as over AsyncAGI runs for the call. The phone types its keys
 * when a second AMI session sees (`AGIExecStart`) the prompt waiting for them start.
 */

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the IVR on extension 501 over FastAGI, on the embedded PBX', () => {
  it('should run ivrMachine over FastAGI: right passcode, key 2, goodbye; the Call is the AMI channel', async () => {
    const setup = await startIvrRig(cleanups, (url) => ({ url, fastAgi: { port: 0 } }));
    const { pbx, runtime, commands } = setup;
    runtime.handle({ agiScript: 'ivr' }, ivrMachine);
    const flows: AnyActorRef[] = [];
    runtime.bus.on('flow', ({ ref }) => flows.push(ref));
    const phone = pbx.phoneCall('alice', '501');
    setup.pressWhen(phone, 'GET DATA', '12345#');
    setup.pressWhen(phone, 'STREAM FILE digits/1', '2');
    const ivr = await ivrOf(setup, phone);
    const uniqueid = pbx.channels().find((info) => info.name === phone)!.uniqueid;
    const call = runtime.call(uniqueid)!;
    // The FastAGI call joined the actor the AMI side made for the channel, and its IVR runs as
    // that actor's child, announced on the bus like any call logic.
    expect(call.fastAgi?.request).toMatchObject({ script: 'ivr', args: [] });
    const channel = runtime.channels.get(uniqueid)!;
    expect(call.actor).toBe(channel);
    expect((channel.getSnapshot().children as Record<string, unknown>).logic).toBe(ivr.actor);
    expect(flows).toEqual([ivr.actor]);
    expect(await ivr.output).toMatchObject({
      outcome: 'goodbye',
      passcode: { granted: true, attempts: 1 },
      menu: { choice: '2', tries: 1 },
    });
    expect(ivr.steps).toEqual(['answering', 'passcode', 'menu', 'farewell', 'hangingUp', 'done']);
    await setup.sync();
    expect(commands.get(phone)).toEqual([
      'ANSWER',
      'GET DATA agent-pass 5000 16',
      'STREAM FILE vm-press 12',
      'STREAM FILE digits/1 12',
      'STREAM FILE vm-goodbye ""',
      'HANGUP',
    ]);
    await expectNothingLeft(setup);
  }, 20_000);

  it('should connect a caller who presses 1 to the agent, and give it back when the agent hangs up', async () => {
    const setup = await startIvrRig(cleanups, (url) => ({ url, fastAgi: { port: 0 } }));
    const { pbx, runtime } = setup;
    runtime.handle({ agiScript: 'ivr' }, ivrMachine);
    const phone = pbx.phoneCall('alice', '501');
    setup.pressWhen(phone, 'GET DATA', '12345#');
    setup.pressWhen(phone, 'STREAM FILE vm-press', '1');
    const ivr = await ivrOf(setup, phone);
    await eventually(() => ivr.steps.includes('connecting') && pbx.channels().length >= 3);
    const agent = pbx.channels().find((info) => /^Local\/agent@default-.*;2$/.test(info.name));
    await eventually(() =>
      pbx.channels().some((info) => info.name === agent?.name && info.state === 'Up'),
    );
    pbx.hangup(agent!.name);
    expect(await ivr.output).toMatchObject({ outcome: 'connected', menu: { choice: '1' } });
    await expectNothingLeft(setup);
  }, 20_000);

  it('should end the IVR as gone when the caller hangs up during the menu, and keep nothing', async () => {
    const setup = await startIvrRig(cleanups, (url) => ({ url, fastAgi: { port: 0 } }));
    const { pbx, runtime } = setup;
    runtime.handle({ agiScript: 'ivr' }, ivrMachine);
    const phone = pbx.phoneCall('alice', '501');
    setup.pressWhen(phone, 'GET DATA', '12345#');
    setup.pressWhen(phone, 'STREAM FILE vm-press', '');
    const ivr = await ivrOf(setup, phone);
    await eventually(() => ivr.steps.includes('menu'));
    pbx.hangup(phone);
    expect(await ivr.output).toMatchObject({ outcome: 'gone' });
    await expectNothingLeft(setup);
  }, 20_000);

  it('should serve the IVR from a runtime with FastAGI only (no AMI), with what the environment says', async () => {
    const setup = await startIvrRig(cleanups, () => ({ fastAgi: { port: 0 } }));
    const { pbx, runtime } = setup;
    const calls: Call[] = [];
    runtime.handle({ agiScript: 'ivr' }, (call) => {
      calls.push(call);
      // A function handler: the runtime closes the connection once it returns.
      return toPromise(createActor(ivrMachine, { input: { call } }).start()).then(() => undefined);
    });
    const announced: string[] = [];
    runtime.bus.on('channel', ({ uniqueid }) => announced.push(uniqueid));
    const phone = pbx.phoneCall('alice', '501');
    setup.pressWhen(phone, 'GET DATA', '12345#');
    setup.pressWhen(phone, 'STREAM FILE digits/1', '2');
    await eventually(() => calls.length === 1);
    const call = calls[0]!;
    expect(call.name).toBe(phone);
    expect(call.context).toMatchObject({
      callerId: { name: 'Alice' },
      dialplan: { context: 'default', exten: '501', priority: 1 },
    });
    expect(call.inAgi).toBe(true);
    // Its channel actor is the supervisor's, made from the environment: on the bus, found by
    // Uniqueid and name (so the inspector shows it), removed after its hang-up like any.
    expect(announced).toEqual([call.uniqueid]);
    expect(runtime.channels.get(call.uniqueid)?.getSnapshot().context.name).toBe(phone);
    expect(runtime.channels.byName(phone)).toBe(runtime.channels.get(call.uniqueid));
    // No AMI: what needs it says so at once.
    await expect(call.playDtmf('1')).rejects.toBeInstanceOf(AmiConnectionClosedError);
    await eventually(() => call.hungUp);
    expect(runtime.channels.all()).toEqual([]);
    await expectNothingLeft(setup);
  }, 20_000);
});
