import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { describeChannel } from '../../src/machines/channel/describeChannel.js';
import { eventually, footprint, type PbxRig, startPbxRig } from '../runtime/pbxRig.js';
import { IDLE_STATS } from '../support/idleStats.js';

/**
 * Issue 4's leak tests on the embedded PBX: a real `createRuntime` over TCP, thousands of calls of
 * the three recorded kinds (401 hello, 402 bridged with the agent, 403 AsyncAGI hung up by an AGI
 * command), then nothing per call may remain: no channel actor, held event, bridge, bus
 * listener, pending action or timer, on either side. The PBX runs on fake time (a `ManualClock`),
 * so a 402 call's 30 s agent wait costs nothing; the runtime's linger is real (50 ms).
 */
const LINGER_MS = 50;
/** These are leak tests, not speed tests: a busy machine may answer a thousand Originates slowly. */
const ORIGINATE_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 60_000;
const KINDS = ['401', '402', '403'] as const;
type Kind = (typeof KINDS)[number];
/** Channels per call: each Local call is a `;1`/`;2` pair; 402 adds the agent's pair. */
const CHANNELS: Record<Kind, number> = { '401': 2, '402': 4, '403': 2 };

let rig: PbxRig | undefined;

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

/** Originates a call to an extension as the recordings did (`;1` runs `Wait(60)`). */
function originate(rig: PbxRig, kind: Kind, n: number) {
  return rig.connection.action(
    'Originate',
    [
      ['Channel', `Local/${kind}@default`],
      ['Application', 'Wait'],
      ['Data', '60'],
      ['CallerID', `"Load ${n}" <${5550000 + n}>`],
      ['Async', 'true'],
      ['Variable', `AsyncOrigId=scale-${n}`],
    ],
    { timeoutMs: ORIGINATE_TIMEOUT_MS },
  );
}

/**
 * Ends every 403 call: once its `;2` is in AsyncAGI, sends `AGI HANGUP` (while `armed()`).
 * Returns the AGI channels it could not serve yet and the failures, for the test to check.
 */
function agiHanger(rig: PbxRig, armed: () => boolean = () => true) {
  const waiting = new Set<string>();
  const failures: unknown[] = [];
  const hangUp = (name: string) => {
    waiting.delete(name);
    rig.connection
      .action('AGI', [
        ['Channel', name],
        ['Command', 'HANGUP'],
        ['CommandID', `hangup-${name}`],
      ])
      .catch((error: unknown) => failures.push(error));
  };
  rig.runtime.bus.on('channelState', ({ name, state, previous }) => {
    if (!name.startsWith('Local/403@') || !state.includes('inAgi') || previous.includes('inAgi'))
      return;
    if (armed()) hangUp(name);
    else waiting.add(name);
  });
  return {
    failures,
    release: () => {
      for (const name of [...waiting]) hangUp(name);
    },
  };
}

async function expectNothingLeft(rig: PbxRig, before: ReturnType<typeof footprint>) {
  await eventually(
    () => rig.counts.removed === rig.counts.channels,
    'every channel removed',
    SETTLE_TIMEOUT_MS,
  );
  // The sweep that removed the last ones has no successor to schedule.
  await eventually(
    () => footprint(rig).runtime.timers === before.runtime.timers,
    'the linger timer to go',
    SETTLE_TIMEOUT_MS,
  );
  expect(footprint(rig)).toEqual(before);
}

describe('the runtime on the embedded PBX at scale', () => {
  it('should start from nothing', async () => {
    rig = await startPbxRig({ lingerMs: LINGER_MS });
    const idle = footprint(rig);
    expect(idle.runtime).toEqual(IDLE_STATS);
    expect(idle).toMatchObject({
      liveChannelActors: 0,
      trackedActors: 0,
      pendingActions: 0,
      pbxChannels: 0,
      pbxTimers: 0,
    });
  });

  it('should hold 1,000 concurrent calls and leak nothing once they hang up', async () => {
    const calls = 1000;
    rig = await startPbxRig({ lingerMs: LINGER_MS });
    let peak = false;
    const agi = agiHanger(rig, () => peak);
    const before = footprint(rig);
    const kinds = Array.from({ length: calls }, (_, n) => KINDS[n % KINDS.length]!);
    const responses = await Promise.all(kinds.map((kind, n) => originate(rig!, kind, n)));
    expect(responses.every((r) => r.get('Response') === 'Success')).toBe(true);
    const channels = kinds.reduce((sum, kind) => sum + CHANNELS[kind], 0);

    // Two seconds in, every call is up at once: 401 playing, 402 bridged with its agent (who
    // waits 30 s), 403 in AsyncAGI waiting for a command (its `;1` still down: nobody answered).
    for (let t = 0; t < 2000; t += 250) await rig.clock.advance(250);
    const per = (kind: Kind) => kinds.filter((k) => k === kind).length;
    const expected = {
      answered: 2 * per('401') + 2 * per('402'),
      'answered+bridged': 2 * per('402'),
      down: per('403'),
      'ringing+inAgi': per('403'),
    };
    const labels = () => {
      const histogram: Record<string, number> = {};
      for (const ref of rig!.runtime.channels.all()) {
        const label = describeChannel(ref.getSnapshot());
        histogram[label] = (histogram[label] ?? 0) + 1;
      }
      return histogram;
    };
    await eventually(
      () => isDeepStrictEqual(labels(), expected),
      'every call up at once',
      SETTLE_TIMEOUT_MS,
    );
    expect(rig.pbx.channels()).toHaveLength(channels);
    // Each measure of the footprint sees the calls (so that it would see them left behind).
    const atPeak = footprint(rig);
    expect(atPeak.runtime).toMatchObject({
      channels,
      bridges: per('402'),
      inBridges: 2 * per('402'),
    });
    expect(atPeak).toMatchObject({
      liveChannelActors: channels,
      trackedActors: channels,
      pbxChannels: channels,
    });
    expect(atPeak.runningActors).toBe(before.runningActors + channels);
    expect(atPeak.pbxTimers).toBeGreaterThan(0);

    peak = true;
    agi.release();
    await rig.run(() => rig!.counts.hangups === channels, 'every hang-up', { stepMs: 1000 });
    expect(rig.counts).toMatchObject({ channels, hangups: channels, lost: 0 });
    expect(agi.failures).toEqual([]);
    await expectNothingLeft(rig, before);
    expect(rig.runningAfterRemoval).toEqual([]);
  }, 180_000);

  it('should run 10,000 calls one after the other and leak nothing', async () => {
    const calls = 10_000;
    rig = await startPbxRig({ lingerMs: LINGER_MS });
    const agi = agiHanger(rig);
    const before = footprint(rig);
    let channels = 0;
    for (let n = 0; n < calls; n++) {
      const kind = KINDS[n % KINDS.length]!;
      channels += CHANNELS[kind];
      await originate(rig, kind, n);
      // Each call ends (every channel hung up, as the runtime sees it) before the next starts.
      await rig.run(() => rig!.counts.hangups === channels, `call ${n} (${kind})`, {
        stepMs: 1000,
      });
    }
    expect(rig.counts).toMatchObject({ channels, hangups: channels, lost: 0 });
    expect(channels).toBe(26_666);
    expect(agi.failures).toEqual([]);
    await expectNothingLeft(rig, before);
    expect(rig.runningAfterRemoval).toEqual([]);
  }, 300_000);
});
