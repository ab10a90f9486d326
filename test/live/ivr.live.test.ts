import type { IvrOutput } from 'octostate';
import { describe, expect, it } from 'vitest';
import { serveIvr } from '../../examples/ivr.js';
import { type LiveRig, TALKING_CALLER } from './support/liveRig.js';
import { expectSameView, onBoth, pbxPair } from './support/parity.js';

/**
 * The IVR on 500 (`ivrMachine`, served by the example's `serveIvr`), on the real Asterisk and on
 * the embedded PBX. The caller is the `;1` half of `Local/500@default`: it types its keys with
 * `PlayDTMF` when the IVR asks (at the start of `GET DATA` for the passcode, of `WAIT FOR DIGIT`
 * for the menu), so what the IVR hears does not depend on how fast either PBX plays prompts.
 */
const pair = pbxPair();

/** What the caller does. */
interface CallerScript {
  /** Keys typed at each passcode prompt, in order; '' types nothing (the prompt times out). */
  readonly passcodes?: readonly string[];
  /** Keys pressed at each menu wait, in order; '' presses nothing. */
  readonly menuKeys?: readonly string[];
  /**
   * Hang up the caller once Asterisk has started the first AGI command that starts so, or once the
   * caller is bridged with the agent (`bridged`).
   */
  readonly hangUpAt?: string;
  /** What the caller's half runs (default {@link TALKING_CALLER}). */
  readonly caller?: { application: string; data: string };
}

/** What the application saw of one IVR call. */
interface IvrRun {
  readonly steps: string[];
  readonly outcome: Pick<IvrOutput, 'outcome'> & {
    passcode?: { granted: boolean; attempts: number; reason: string };
    menu?: { choice: string | undefined; tries: number; reason: string };
  };
}

/** Places one call to 500 and plays the caller's part; resolves with the IVR's steps and output. */
async function callIvr({ runtime, client }: LiveRig, script: CallerScript): Promise<IvrRun> {
  let caller: string | undefined;
  runtime.bus.on('channel', ({ ref }) => {
    const name = ref.getSnapshot().context.name;
    if (/^Local\/500@default-[0-9a-f]+;1$/.test(name)) caller = name;
  });
  const play = async (keys: string) => {
    for (const digit of keys) {
      await client.action('PlayDTMF', { Channel: caller ?? '', Digit: digit, Duration: '120' });
    }
  };
  const asked = { passcode: 0, menu: 0 };
  let hungUp = false;
  client.bus.on('event', (event) => {
    if (event.name !== 'AGIExecStart') return;
    const command = event.get('Command') ?? '';
    if (script.hangUpAt && !hungUp && command.startsWith(script.hangUpAt)) {
      hungUp = true;
      client.action('Hangup', { Channel: caller ?? '' }).catch(() => undefined);
      return;
    }
    const keys = command.startsWith('GET DATA')
      ? script.passcodes?.[asked.passcode++]
      : command.startsWith('WAIT FOR DIGIT')
        ? script.menuKeys?.[asked.menu++]
        : undefined;
    if (keys) void play(keys);
  });
  // Key 1 connects the caller to the agent: then the agent hangs up (or the caller, if asked to).
  runtime.bus.on('bridge', ({ action, members }) => {
    if (action !== 'enter' || members.length !== 2) return;
    if (script.hangUpAt === 'bridged') {
      client.action('Hangup', { Channel: caller ?? '' }).catch(() => undefined);
      return;
    }
    const agent = runtime.channels
      .all()
      .find((ref) => /^Local\/agent@default-[0-9a-f]+;2$/.test(ref.getSnapshot().context.name));
    if (!agent) return;
    client.action('Hangup', { Channel: agent.getSnapshot().context.name }).catch(() => undefined);
  });
  const steps: string[] = [];
  const done = new Promise<IvrOutput>((resolve) =>
    serveIvr(runtime, (step) => {
      steps.push(step.state);
      if (step.output) resolve(step.output);
    }),
  );
  runtime
    .originate({ channel: 'Local/500@default', ...(script.caller ?? TALKING_CALLER) })
    .catch(() => {});
  const output = await done;
  const { outcome, passcode, menu } = output;
  return {
    steps,
    outcome: {
      outcome,
      ...(passcode
        ? {
            passcode: {
              granted: passcode.granted,
              attempts: passcode.attempts,
              reason: passcode.reason,
            },
          }
        : {}),
      ...(menu ? { menu: { choice: menu.choice, tries: menu.tries, reason: menu.reason } } : {}),
    },
  };
}

const IVR = 'Local/500@default-#1;2';

describe.skipIf(!pair.asteriskUrl)(`the IVR on 500 on a real Asterisk (${pair.reason})`, () => {
  it('should let the right passcode in and connect key 1 to the agent', async () => {
    const runs = await onBoth(pair, (rig) =>
      callIvr(rig, { passcodes: ['12345#'], menuKeys: ['1'] }),
    );
    expect(runs.asterisk.result).toEqual({
      steps: ['answering', 'passcode', 'menu', 'connecting', 'hangingUp', 'done'],
      outcome: {
        outcome: 'connected',
        passcode: { granted: true, attempts: 1, reason: 'granted' },
        menu: { choice: '1', tries: 1, reason: 'chosen' },
      },
    });
    expect(runs.asterisk.observation.channels[IVR]?.states).toContain('answered+inAgi+bridged');
    expectSameView(runs);
  });

  it('should say goodbye on key 2', async () => {
    const runs = await onBoth(pair, (rig) =>
      callIvr(rig, { passcodes: ['12345#'], menuKeys: ['2'] }),
    );
    expect(runs.asterisk.result.outcome).toMatchObject({
      outcome: 'goodbye',
      menu: { choice: '2', tries: 1, reason: 'chosen' },
    });
    expect(runs.asterisk.observation.channels[IVR]?.agi.at(-2)).toMatch(
      /^STREAM FILE vm-goodbye "" -> 200 result=0 endpos=\d+$/,
    );
    expectSameView(runs);
  });

  it('should let a wrong passcode try again, then the right one in', async () => {
    const runs = await onBoth(pair, (rig) =>
      callIvr(rig, { passcodes: ['999#', '12345#'], menuKeys: ['2'] }),
    );
    expect(runs.asterisk.result.outcome.passcode).toEqual({
      granted: true,
      attempts: 2,
      reason: 'granted',
    });
    expect(runs.asterisk.observation.channels[IVR]?.agi.slice(1, 4)).toEqual([
      'GET DATA agent-pass 5000 16 -> 200 result=999',
      expect.stringMatching(/^STREAM FILE vm-incorrect "" -> 200 result=0 endpos=\d+$/),
      'GET DATA agent-pass 5000 16 -> 200 result=12345',
    ]);
    expectSameView(runs);
  });

  it('should turn the caller away after three wrong passcodes', async () => {
    const runs = await onBoth(pair, (rig) => callIvr(rig, { passcodes: ['1#', '2#', '3#'] }));
    expect(runs.asterisk.result.outcome).toEqual({
      outcome: 'denied',
      passcode: { granted: false, attempts: 3, reason: 'denied' },
    });
    expectSameView(runs);
  });

  it('should count silence as an attempt and a menu without a key as a try', async () => {
    const runs = await onBoth(pair, (rig) =>
      callIvr(rig, { passcodes: ['', '12345#'], menuKeys: ['', '9', '2'] }),
    );
    expect(runs.asterisk.result.outcome).toMatchObject({
      outcome: 'goodbye',
      passcode: { granted: true, attempts: 2 },
      menu: { choice: '2', tries: 3 },
    });
    const agi = runs.asterisk.observation.channels[IVR]?.agi ?? [];
    expect(agi[1]).toBe('GET DATA agent-pass 5000 16 -> 200 result= (timeout)');
    expect(agi.filter((line) => line.startsWith('WAIT FOR DIGIT'))).toEqual([
      'WAIT FOR DIGIT 5000 -> 200 result=0',
      'WAIT FOR DIGIT 5000 -> 200 result=57',
      'WAIT FOR DIGIT 5000 -> 200 result=50',
    ]);
    expectSameView(runs);
  }, 60_000);

  // Each state's first command, cut short by the caller hanging up once Asterisk has started it;
  // in connecting, the caller hangs up while talking to the agent.
  const HANG_UP_AT = {
    answering: 'ANSWER',
    passcode: 'GET DATA',
    menu: 'STREAM FILE vm-press',
    connecting: 'bridged',
    farewell: 'STREAM FILE vm-goodbye',
  };
  for (const [state, hangUpAt] of Object.entries(HANG_UP_AT)) {
    it(`should end in the right outcome when the caller hangs up during ${state}`, async () => {
      const runs = await onBoth(pair, (rig) =>
        callIvr(rig, {
          passcodes: ['12345#'],
          menuKeys: [state === 'farewell' ? '2' : '1'],
          hangUpAt,
          // ANSWER waits for the caller's first frame of media (at most 500 ms), which the
          // embedded PBX does not model: a caller without media makes both wait the 500 ms.
          ...(state === 'answering' ? { caller: { application: 'Wait', data: '60' } } : {}),
        }),
      );
      // Once Dial has returned or the goodbye plays, the outcome is known and a hang-up does not
      // change it; before that the IVR ends as gone.
      const outcome = { connecting: 'connected', farewell: 'goodbye' }[state] ?? 'gone';
      expect(runs.asterisk.result.outcome.outcome).toBe(outcome);
      expect(runs.asterisk.result.steps.at(-1)).toBe(outcome === 'gone' ? 'gone' : 'done');
      // The command running is cut short: `200 result=-1`.
      const command = state === 'connecting' ? 'EXEC Dial' : hangUpAt;
      expect(runs.asterisk.observation.channels[IVR]?.agi.at(-1)).toMatch(
        new RegExp(`^${command}.* -> 200 result=-1`),
      );
      expectSameView(runs);
    });
  }
});
