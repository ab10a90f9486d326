import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { type SupervisorNotice, supervisorMachine } from '../../src/actors/supervisorMachine.js';
import { channelActorOf, supervisorHoldings } from '../../src/actors/supervisorQueries.js';
import { describeChannel } from '../../src/machines/channel/describeChannel.js';
import { advanceClock } from '../support/simulatedTime.js';
import { FakeAmiClient } from './fakeAmiClient.js';
import { channelEvent, interleavedCalls, syntheticCall } from './syntheticCalls.js';
import { traceMessages } from './traceMessages.js';

const LINGER = 1000;

function setup() {
  const client = new FakeAmiClient();
  const clock = new SimulatedClock();
  const emitted: SupervisorNotice[] = [];
  const supervisor = createActor(supervisorMachine, {
    input: { client, lingerMs: LINGER, notify: (notice) => emitted.push(notice) },
    systemId: 'ami',
    clock,
  });
  supervisor.start();
  const live = () => waitFor(supervisor, (s) => s.matches({ session: 'live' }));
  const label = (uniqueid: string) => {
    const ref = channelActorOf(supervisor, uniqueid);
    return ref ? describeChannel(ref.getSnapshot()) : undefined;
  };
  const actor = (uniqueid: string) => channelActorOf(supervisor, uniqueid);
  /** `live`, `done` (hung up and lingering), or undefined once removed. */
  const status = (uniqueid: string) => {
    const ref = actor(uniqueid);
    return ref && (ref.getSnapshot().status === 'active' ? 'live' : 'done');
  };
  const holdings = () => supervisorHoldings(supervisor);
  const scheduled = () => holdings().timers;
  return { client, clock, supervisor, emitted, live, label, actor, status, holdings, scheduled };
}

describe('supervisorMachine', () => {
  it('should follow the connection’s session: offline, resyncing, live, closed', async () => {
    const { client, supervisor, live } = setup();
    expect(supervisor.getSnapshot().value).toEqual({ session: 'offline', linger: 'idle' });
    client.connect();
    await live();
    client.drop();
    expect(supervisor.getSnapshot().matches({ session: 'offline' })).toBe(true);
    client.connect();
    await live();
    client.close();
    expect(supervisor.getSnapshot().status).toBe('done');
    expect(client.listenerCount()).toBe(0);
  });

  it('should wait for FullyBooted before it resyncs a new session', async () => {
    const { client, supervisor, live } = setup();
    client.connect('Asterisk Call Manager/11.0.0', false);
    expect(supervisor.getSnapshot().matches({ session: 'booting' })).toBe(true);
    expect(client.sent).toEqual([]);
    client.event([
      ['Event', 'FullyBooted'],
      ['Status', 'Fully Booted'],
    ]);
    await live();
    expect(client.sent.map((action) => action.name)).toEqual(['CoreShowChannels']);
    // After a core restart: a new session, and the core not up yet.
    client.drop();
    client.connect('Asterisk Call Manager/11.0.0', false);
    expect(supervisor.getSnapshot().matches({ session: 'booting' })).toBe(true);
    client.event([
      ['Event', 'FullyBooted'],
      ['Status', 'Fully Booted'],
    ]);
    await live();
    expect(client.sent.map((action) => action.name)).toEqual([
      'CoreShowChannels',
      'CoreShowChannels',
    ]);
  });

  it('should resync after bootWaitMs when FullyBooted never comes (no system read class)', async () => {
    const { client, clock, supervisor, live } = setup();
    client.connect('Asterisk Call Manager/11.0.0', false);
    clock.increment(2999);
    expect(supervisor.getSnapshot().matches({ session: 'booting' })).toBe(true);
    clock.increment(1);
    await live();
    expect(client.sent.map((action) => action.name)).toEqual(['CoreShowChannels']);
    // A session lost while booting goes back offline, its wait cancelled.
    client.drop();
    client.connect('Asterisk Call Manager/11.0.0', false);
    client.drop();
    expect(supervisor.getSnapshot().matches({ session: 'offline' })).toBe(true);
    expect(supervisorHoldings(supervisor).timers).toBe(0);
  });

  it('should go live at once when the client is already connected', async () => {
    const client = new FakeAmiClient();
    client.connect();
    const supervisor = createActor(supervisorMachine, { input: { client } }).start();
    await waitFor(supervisor, (s) => s.matches({ session: 'live' }));
    supervisor.stop();
  });

  it('should keep a hung-up channel reachable for the linger, then remove it', async () => {
    const { client, clock, live, status, actor, emitted, scheduled } = setup();
    client.connect();
    await live();
    const call = syntheticCall(0);
    client.emit(...call);
    const agent = '2000000000.2';
    expect(status(agent)).toBe('done');
    expect(emitted.find((e) => e.type === 'hangup' && e.uniqueid === agent)).toMatchObject({
      output: { cause: 16, causeText: 'Normal Clearing' },
    });
    // The VarSet after the Hangup did not resurrect the channel, and is not applied.
    expect(actor(agent)?.getSnapshot().context.variables.LATE).toBeUndefined();
    // Removal: at least a whole linger after the hang-up, at most 100 ms more.
    advanceClock(clock, LINGER - 1);
    expect(status(agent)).toBe('done');
    clock.increment(1);
    expect(status(agent)).toBe('done');
    advanceClock(clock, 100);
    expect(status(agent)).toBeUndefined();
    expect(emitted.filter((e) => e.type === 'removed')).toHaveLength(3);
    expect(scheduled()).toBe(0);
  });

  it('should remove each hung-up channel within lingerMs + 100 ms of its hang-up', async () => {
    const { client, clock, live, emitted } = setup();
    client.connect();
    await live();
    // Hang-ups spread over time, so that they fall at every point between two sweeps.
    const hungUpAt = new Map<string, number>();
    const removedAt = new Map<string, number>();
    let now = 0;
    const seen = { notices: 0 };
    const record = () => {
      for (const notice of emitted.slice(seen.notices)) {
        if (notice.type === 'hangup') hungUpAt.set(notice.uniqueid, now);
        if (notice.type === 'removed') removedAt.set(notice.uniqueid, now);
      }
      seen.notices = emitted.length;
    };
    for (let i = 0; i < 40; i += 1) {
      client.emit(...syntheticCall(i));
      record();
      for (let step = 0; step < 7; step += 1) {
        clock.increment(1);
        now += 1;
        record();
      }
    }
    for (let step = 0; step < LINGER + 200; step += 1) {
      clock.increment(1);
      now += 1;
      record();
    }
    expect(hungUpAt.size).toBe(120);
    const lingered = [...hungUpAt].map(([uniqueid, at]) => (removedAt.get(uniqueid) ?? -1) - at);
    expect(Math.min(...lingered)).toBeGreaterThanOrEqual(LINGER);
    expect(Math.max(...lingered)).toBeLessThanOrEqual(LINGER + 100);
  });

  it('should leave nothing behind after thousands of calls', async () => {
    const { client, clock, live, holdings, emitted, supervisor } = setup();
    client.connect();
    await live();
    const listeners = client.listenerCount();
    const calls = 3000;
    const stream = interleavedCalls(calls, 300);
    // Not a multiple of the 22 events of a call: calls start and end in waves of 300.
    const half = Math.floor(stream.length / 2) + 1234;
    client.emit(...stream.slice(0, half));
    // Mid-stream, hundreds of calls are up at once.
    expect(holdings().channels - holdings().lingering).toBeGreaterThan(500);
    advanceClock(clock, LINGER);
    client.emit(...stream.slice(half));
    expect(emitted.filter((e) => e.type === 'hangup')).toHaveLength(3 * calls);
    advanceClock(clock, LINGER);
    advanceClock(clock, LINGER);
    expect(holdings()).toEqual({
      channels: 0,
      names: 0,
      early: 0,
      lingering: 0,
      bridges: 0,
      inBridges: 0,
      timers: 0,
    });
    expect(client.listenerCount()).toBe(listeners);
    expect(Object.keys(supervisor.getSnapshot().children)).toEqual(['connection']);
    expect(emitted.filter((e) => e.type === 'removed')).toHaveLength(3 * calls);
    // Every channel actor ever created has finished: none is left running in the system.
    const refs = emitted.flatMap((e) => (e.type === 'channel' ? [e.ref] : []));
    expect(refs).toHaveLength(3 * calls);
    expect(refs.filter((ref) => ref.getSnapshot().status === 'active')).toEqual([]);
  });

  it('should deliver an OriginateResponse that comes before its Newchannel', async () => {
    const { client, live, actor, holdings } = setup();
    client.connect();
    await live();
    const [newchannel, , , , , response] = syntheticCall(1);
    client.emit(response!, newchannel!);
    expect(actor('2000000000.3')?.getSnapshot().context.originate).toEqual({
      actionId: 'orig-1',
      response: 'Success',
    });
    expect(holdings().early).toBe(0);
  });

  it('should create an actor for a channel first met mid-call, in its current state', async () => {
    const { client, live, label } = setup();
    client.connect();
    await live();
    client.emit(
      channelEvent('Newexten', '3.1', 'PJSIP/old-00000001', 6, [
        ['Extension', '401'],
        ['Application', 'Wait'],
      ]),
    );
    expect(label('3.1')).toBe('answered');
  });

  it('should follow a Rename and route by the new name', async () => {
    const { client, live, actor } = setup();
    client.connect();
    await live();
    client.emit(channelEvent('Newchannel', '4.1', 'PJSIP/a-00000001', 4));
    client.event([
      ['Event', 'Rename'],
      ['Channel', 'PJSIP/a-00000001'],
      ['Newname', 'PJSIP/b-00000001'],
      ['Uniqueid', '4.1'],
    ]);
    expect(actor('4.1')?.getSnapshot().context.name).toBe('PJSIP/b-00000001');
    // An event that names its channel only by name reaches it by the new name, not the old one.
    const varSet = (channel: string, variable: string): Array<[string, string]> => [
      ['Event', 'VarSet'],
      ['Channel', channel],
      ['Variable', variable],
      ['Value', '1'],
    ];
    client.event(varSet('PJSIP/b-00000001', 'BY_NEW_NAME'));
    client.event(varSet('PJSIP/a-00000001', 'BY_OLD_NAME'));
    // Facts (VarSet) are folded into the channel at the end of the burst.
    await Promise.resolve();
    expect(actor('4.1')?.getSnapshot().context.variables).toMatchObject({ BY_NEW_NAME: '1' });
    expect(actor('4.1')?.getSnapshot().context.variables.BY_OLD_NAME).toBeUndefined();
  });

  it('should never act on Asterisk for a channel: channel actors are a read model', async () => {
    const { client, live } = setup();
    client.connect();
    await live();
    const before = client.sent.length;
    client.emit(...syntheticCall(5));
    expect(client.sent.slice(before)).toEqual([]);
  });

  it('should rebuild channels that were up before it connected', async () => {
    const { client, live, label, emitted } = setup();
    // The `actions` trace lists two Local halves parked in Wait(60), both Up.
    client.channels = traceMessages('actions').filter((m) => m.name === 'CoreShowChannel');
    client.connect();
    await live();
    expect(label('1795808436.20')).toBe('answered');
    expect(label('1795808436.21')).toBe('answered');
    expect(emitted.find((e) => e.type === 'resync')).toEqual({
      type: 'resync',
      listed: 2,
      created: 2,
      lost: 0,
    });
  });

  it('should resync after a reconnect: keep, create, lose, and apply held events once', async () => {
    const { client, live, label, actor, emitted, supervisor } = setup();
    client.connect();
    await live();
    client.emit(
      channelEvent('Newchannel', '6.1', 'PJSIP/keep-1', 6),
      channelEvent('Newchannel', '6.2', 'PJSIP/gone-1', 6),
      channelEvent('Newchannel', '6.3', 'PJSIP/hungup-1', 6),
    );
    client.drop();
    client.channels = [
      channelEvent('CoreShowChannel', '6.1', 'PJSIP/keep-1', 6, [['BridgeId', 'b-9']]),
      channelEvent('CoreShowChannel', '6.4', 'PJSIP/new-1', 6, [['BridgeId', 'b-9']]),
    ];
    client.holdLists = true;
    client.connect();
    expect(supervisor.getSnapshot().matches({ session: 'resyncing' })).toBe(true);
    // While the list is being fetched: a digit, a repeated state, a hang-up, a new channel.
    client.emit(
      channelEvent('DTMFEnd', '6.1', 'PJSIP/keep-1', 6, [
        ['Digit', '7'],
        ['Direction', 'Received'],
      ]),
      channelEvent('Newstate', '6.1', 'PJSIP/keep-1', 6),
      channelEvent('Hangup', '6.3', 'PJSIP/hungup-1', 6, [
        ['Cause', '17'],
        ['Cause-txt', 'User busy'],
      ]),
      channelEvent('Newchannel', '6.5', 'PJSIP/during-1', 4),
    );
    expect(label('6.5')).toBeUndefined();
    client.releaseLists();
    await live();
    expect(label('6.1')).toBe('answered+bridged');
    expect(actor('6.1')?.getSnapshot().context.dtmf).toBe('7');
    expect(actor('6.1')?.getSnapshot().context.bridge).toEqual({
      id: 'b-9',
      peers: ['6.4'],
    });
    expect(label('6.4')).toBe('answered+bridged');
    expect(label('6.5')).toBe('ringing');
    const hangups = Object.fromEntries(
      emitted.flatMap((e) => (e.type === 'hangup' ? [[e.uniqueid, e.output]] : [])),
    );
    expect(hangups['6.2']).toMatchObject({ lost: true, causeText: 'Lost' });
    expect(hangups['6.3']).toMatchObject({ lost: false, cause: 17 });
    expect(emitted.filter((e) => e.type === 'resync').at(-1)).toEqual({
      type: 'resync',
      listed: 2,
      created: 1,
      lost: 1,
    });
  });

  it('should apply held events when the resync is refused', async () => {
    const { client, live, label, emitted } = setup();
    client.listError = new Error('Permission denied');
    client.holdLists = true;
    client.connect();
    client.emit(channelEvent('Newchannel', '7.1', 'PJSIP/x-1', 4));
    expect(label('7.1')).toBeUndefined();
    client.releaseLists();
    await live();
    expect(label('7.1')).toBe('ringing');
    expect(emitted.find((e) => e.type === 'error')).toMatchObject({ during: 'resync' });
  });

  it('should end nothing as lost when the shutdown hung everything up before the reconnect', async () => {
    const { client, clock, live, emitted, holdings, scheduled } = setup();
    client.connect();
    await live();
    client.emit(...traceMessages('shutdown'));
    client.drop();
    client.connect();
    client.emit(...traceMessages('shutdown.reconnect'));
    await live();
    expect(
      emitted.filter((e) => e.type === 'hangup').map((e) => 'output' in e && e.output.lost),
    ).toEqual([false, false]);
    advanceClock(clock, LINGER);
    advanceClock(clock, LINGER);
    expect(holdings().channels).toBe(0);
    expect(scheduled()).toBe(0);
  });

  it('should leave no timer and no listener when closed', async () => {
    const { client, live, scheduled, supervisor } = setup();
    client.connect();
    await live();
    client.emit(...syntheticCall(2));
    expect(scheduled()).toBe(1);
    client.close();
    expect(supervisor.getSnapshot().status).toBe('done');
    expect(scheduled()).toBe(0);
    expect(client.listenerCount()).toBe(0);
  });
});
