import type { Runtime } from 'octostate';
import { describe, expect, it } from 'vitest';
import type { LiveRig } from './support/liveRig.js';
import { expectSameView, onBoth, pbxPair } from './support/parity.js';

/**
 * The dialplan demos 401 (answer, hello-world, hang up) and 402 (answer, Dial the agent, bridge),
 * followed by the runtime's channel actors on the real Asterisk and on the embedded PBX.
 */
const pair = pbxPair();

/** Resolves once two channels share a bridge. */
function bridged(runtime: Runtime): Promise<void> {
  return new Promise((resolve) => {
    const onBridge = ({ action, members }: { action: string; members: readonly string[] }) => {
      if (action !== 'enter' || members.length !== 2) return;
      runtime.bus.off('bridge', onBridge);
      resolve();
    };
    runtime.bus.on('bridge', onBridge);
  });
}

/** Calls 402, waits until the caller and the agent are bridged, hangs up `who`, waits for the end. */
async function bridgeThenHangUp({ runtime, client }: LiveRig, who: 'agent' | 'caller') {
  const both = bridged(runtime);
  const caller = await runtime.originate({
    channel: 'Local/402@default',
    application: 'Wait',
    data: '30',
  });
  await both;
  const agent = runtime.channels
    .all()
    .find((ref) => /^Local\/agent@default-[0-9a-f]+;2$/.test(ref.getSnapshot().context.name));
  const target = who === 'caller' ? caller.name : agent?.getSnapshot().context.name;
  await client.action('Hangup', { Channel: target ?? 'no agent channel' });
  return { callerEnd: (await caller.waitForHangup()).cause };
}

const BRIDGED_CALLER = [
  'ringing',
  'answered',
  'answered+dialing',
  'answered',
  'answered+bridged',
  'answered',
  'hungUp',
];
const BRIDGED_AGENT = ['down', 'answered', 'answered+bridged', 'answered', 'hungUp'];

describe.skipIf(!pair.asteriskUrl)(`dialplan calls on a real Asterisk (${pair.reason})`, () => {
  it('401: should see both halves answer and hang up normally', async () => {
    const runs = await onBoth(pair, async ({ runtime }) => {
      const call = await runtime.originate({
        channel: 'Local/401@default',
        application: 'Wait',
        data: '10',
      });
      return { cause: (await call.waitForHangup()).cause };
    });
    expect(runs.asterisk.observation.channels).toEqual({
      'Local/401@default-#1;1': {
        states: ['down', 'answered', 'hungUp'],
        agi: [],
        hangup: '16 Normal Clearing',
      },
      'Local/401@default-#1;2': {
        states: ['ringing', 'answered', 'hungUp'],
        agi: [],
        hangup: '16 Normal Clearing',
      },
    });
    expectSameView(runs);
  });

  it('402: should bridge the caller with the agent, and end when the agent hangs up', async () => {
    const runs = await onBoth(pair, (rig) => bridgeThenHangUp(rig, 'agent'));
    const channels = runs.asterisk.observation.channels;
    expect(channels['Local/402@default-#1;2']?.states).toEqual(BRIDGED_CALLER);
    expect(channels['Local/agent@default-#2;1']?.states).toEqual(BRIDGED_AGENT);
    // The agent's half hung up by the Hangup action (no cause) ends with 0; the bridged half
    // leaves its bridge with Normal Clearing, which ends the caller's Dial.
    expect(channels['Local/agent@default-#2;2']?.hangup).toBe('0 Unknown');
    expect(channels['Local/agent@default-#2;1']?.hangup).toBe('16 Normal Clearing');
    expect(runs.asterisk.result).toEqual({ callerEnd: 16 });
    expectSameView(runs);
  });

  it('402: should bridge the caller with the agent, and end when the caller hangs up', async () => {
    const runs = await onBoth(pair, (rig) => bridgeThenHangUp(rig, 'caller'));
    const channels = runs.asterisk.observation.channels;
    expect(channels['Local/402@default-#1;2']?.states).toEqual(BRIDGED_CALLER);
    expect(channels['Local/agent@default-#2;1']?.states).toEqual(BRIDGED_AGENT);
    expect(channels['Local/402@default-#1;1']?.hangup).toBe('0 Unknown');
    for (const name of ['Local/402@default-#1;2', 'Local/agent@default-#2;1']) {
      expect(channels[name]?.hangup).toBe('16 Normal Clearing');
    }
    expectSameView(runs);
  });
});
