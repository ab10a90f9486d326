import { afterEach, describe, expect, it } from 'vitest';
import { localRole, TRACE_STATES } from '../actors/traceExpectations.js';
import { eventually, footprint, type PbxRig, type SeenChannel, startPbxRig } from './pbxRig.js';

/**
 * The recorded scenarios `hello`, `bridge` and `asyncagi-hello` re-enacted on the embedded PBX:
 * the same actions as the recordings (`<name>.tx.txt`), sent by a real runtime over TCP, and the
 * state sequence of every channel must be the one `traceReplay.test.ts` expects from the real
 * Asterisk recording (`TRACE_STATES`, written down from reading the traces).
 */
let rig: PbxRig | undefined;

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

async function start(): Promise<PbxRig> {
  rig = await startPbxRig({ lingerMs: 50, record: true });
  return rig;
}

function byRole(rig: PbxRig): Map<string, SeenChannel> {
  return new Map([...rig.channels.values()].map((seen) => [localRole(seen.name), seen]));
}

function statesByRole(rig: PbxRig): Record<string, string[]> {
  return Object.fromEntries([...byRole(rig)].map(([role, seen]) => [role, seen.states]));
}

/** A scenario's calls in flight: what its driver saw, and the actions that failed. */
interface Scenario {
  readonly channels: number;
  readonly failures: unknown[];
}

function originate(rig: PbxRig, exten: string, callerId: string, id: string, failures: unknown[]) {
  // As in the recordings: Wait on `;1`, caller ID, the AsyncOrigId variable, asynchronous.
  rig.connection
    .action('Originate', [
      ['Channel', `Local/${exten}@default`],
      ['Application', 'Wait'],
      ['Data', exten === '401' ? '5' : '60'],
      ['CallerID', callerId],
      ['Async', 'true'],
      ['Variable', `AsyncOrigId=${id}`],
    ])
    .catch((error: unknown) => failures.push(error));
}

/** hello.tx.txt: one Originate of `Local/401@default`; the dialplan does the rest. */
function hello(rig: PbxRig): Scenario {
  const failures: unknown[] = [];
  originate(rig, '401', '"Hello Test" <5550401>', 'hello-401', failures);
  return { channels: 2, failures };
}

/**
 * bridge.tx.txt: Originate `Local/402@default`, then, once `402;2` is bridged with the agent, a
 * `Hangup` (cause 16) of `402;1`: sent here by the runtime, through that channel's `Call`, one
 * second (PBX time) into the bridge. Records who shared the bridge at that moment.
 */
function bridge(rig: PbxRig): Scenario & { sharing: () => Record<string, unknown> } {
  const failures: unknown[] = [];
  let sharing: Record<string, unknown> = {};
  rig.runtime.bus.on('channelState', ({ name, state }) => {
    if (localRole(name) !== '402;2' || state !== 'answered+bridged') return;
    rig.clock.setTimer(() => {
      const roles = byRole(rig);
      sharing = Object.fromEntries(
        ['402;2', 'agent;1'].map((role) => [role, roles.get(role)?.context?.bridge]),
      );
      const caller = rig.runtime.channels.byName(name.replace(/;2$/, ';1'));
      if (!caller) failures.push(new Error(`no actor for ${name};1`));
      const call = caller && rig.runtime.call(caller.getSnapshot().context.uniqueid);
      call?.hangup(16).catch((error: unknown) => failures.push(error));
    }, 1000);
  });
  originate(rig, '402', '"Bridge Test" <5550402>', 'bridge-402', failures);
  return { channels: 4, failures, sharing: () => sharing };
}

/**
 * asyncagi-hello.tx.txt: Originate `Local/403@default`; once `403;2` is in AsyncAGI, the AGI
 * commands `ANSWER`, `EXEC Playback hello-world` and `HANGUP`, queued at once as the recording did.
 */
function asyncAgiHello(rig: PbxRig): Scenario {
  const failures: unknown[] = [];
  rig.runtime.bus.on('channelState', ({ name, state, previous }) => {
    if (localRole(name) !== '403;2' || !state.includes('inAgi') || previous.includes('inAgi'))
      return;
    for (const [command, id] of [
      ['ANSWER', 'cmd-answer'],
      ['EXEC Playback hello-world', 'cmd-playback'],
      ['HANGUP', 'cmd-hangup'],
    ] as const) {
      rig.connection
        .action('AGI', [
          ['Channel', name],
          ['Command', command],
          ['CommandID', id],
        ])
        .catch((error: unknown) => failures.push(error));
    }
  });
  originate(rig, '403', '"AGI Test" <5550403>', 'agi-403', failures);
  return { channels: 2, failures };
}

/** Runs the PBX until every channel of the scenarios has hung up, as the runtime saw it. */
async function untilAllHungUp(rig: PbxRig, scenarios: Scenario[]): Promise<void> {
  const channels = scenarios.reduce((sum, s) => sum + s.channels, 0);
  await rig.run(() => rig.counts.hangups === channels, 'every hang-up', { stepMs: 250 });
  expect(rig.counts.channels).toBe(channels);
  expect(scenarios.flatMap((s) => s.failures)).toEqual([]);
}

describe('recorded scenarios re-enacted on the embedded PBX through the runtime', () => {
  it('should follow both halves of a 401 call as in hello', async () => {
    const rig = await start();
    await untilAllHungUp(rig, [hello(rig)]);
    expect(statesByRole(rig)).toEqual(TRACE_STATES.hello);
    const one = byRole(rig).get('401;1')!;
    const two = byRole(rig).get('401;2')!;
    expect(one.output).toMatchObject({ cause: 16, causeText: 'Normal Clearing', lost: false });
    expect(two.output).toMatchObject({ cause: 16, causeText: 'Normal Clearing', lost: false });
    expect(one.context?.localPeer).toBe(two.uniqueid);
    expect(two.context?.localPeer).toBe(one.uniqueid);
    expect(one.context?.callerId).toEqual({ num: '5550401', name: 'Hello Test' });
    expect(one.context?.variables.AsyncOrigId).toBe('hello-401');
    expect(two.context?.history.map((step) => step.application)).toEqual([
      'Answer',
      'Playback',
      'Hangup',
    ]);
    expect(two.context?.variables.PLAYBACKSTATUS).toBe('SUCCESS');
  });

  it('should see the dial and the bridge on both sides of a 402 call as in bridge', async () => {
    const rig = await start();
    const scenario = bridge(rig);
    await untilAllHungUp(rig, [scenario]);
    expect(statesByRole(rig)).toEqual(TRACE_STATES.bridge);
    const roles = byRole(rig);
    const caller = roles.get('402;2')!;
    const agent = roles.get('agent;1')!;
    const bridgeId = (scenario.sharing()['402;2'] as { id: string } | undefined)?.id;
    expect(bridgeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(scenario.sharing()).toEqual({
      '402;2': { id: bridgeId, peers: [agent.uniqueid] },
      'agent;1': { id: bridgeId, peers: [caller.uniqueid] },
    });
    expect(agent.context?.dial.dialedBy).toBe(caller.uniqueid);
    expect(caller.context?.dial.lastStatus).toBe('ANSWER');
    expect(roles.get('402;1')!.output).toMatchObject({ cause: 16, causeText: 'Normal Clearing' });
  });

  it('should see AsyncAGI start while ringing and end before the hang-up of a 403 call as in asyncagi-hello', async () => {
    const rig = await start();
    await untilAllHungUp(rig, [asyncAgiHello(rig)]);
    expect(statesByRole(rig)).toEqual(TRACE_STATES['asyncagi-hello']);
    const agi = byRole(rig).get('403;2')!;
    expect(agi.context?.agi.env).toMatchObject({
      agi_request: 'async',
      agi_channel: agi.name,
      agi_uniqueid: agi.uniqueid,
      agi_calleridname: 'AGI Test',
      agi_extension: '403',
      agi_accountcode: '',
    });
    expect(agi.output).toMatchObject({ cause: 0, causeText: 'Unknown' });
    expect(agi.context?.variables.AGISTATUS).toBe('HANGUP');
  });

  it('should keep every sequence when the three calls run at the same time, and leave nothing', async () => {
    const rig = await start();
    const idle = footprint(rig);
    const scenarios = [hello(rig), bridge(rig), asyncAgiHello(rig)];
    await untilAllHungUp(rig, scenarios);
    expect(statesByRole(rig)).toEqual({
      ...TRACE_STATES.hello,
      ...TRACE_STATES.bridge,
      ...TRACE_STATES['asyncagi-hello'],
    });
    await eventually(() => rig.counts.removed === 8, 'every channel removed');
    await eventually(() => footprint(rig).runtime.timers === 0, 'the linger timer to go');
    // The scenario drivers' own bus listeners are the only difference.
    expect({ ...footprint(rig), runtimeBusListeners: 0 }).toEqual({
      ...idle,
      runtimeBusListeners: 0,
    });
  });
});
