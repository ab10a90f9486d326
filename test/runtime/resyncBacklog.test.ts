import { createRuntime } from 'octostate';
import { AmiConnection } from 'octostate/connection';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { isAnswered } from '../../src/machines/channel/channelSnapshot.js';
import {
  type ReceivedAction,
  type ScriptedAmiServer,
  type ScriptedClient,
  startScriptedAmiServer,
} from '../support/scriptedAmiServer.js';
import { until } from './relayedRig.js';

const silentLogger = pino({ level: 'silent' });

/** Calls that start and end while the runtime lists the channels after its reconnect. */
const CALLS = 300;
/** Of those, the last ones are still up when the list is taken. */
const SURVIVORS = 10;
/** Newchannel, VarSet and Newstate for each call, and a Hangup for each call that ended. */
const FLOOD_EVENTS = 3 * CALLS + (CALLS - SURVIVORS);

let target: ScriptedAmiServer | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

function channel(n: number): { Channel: string; Uniqueid: string; Linkedid: string } {
  const uniqueid = `1700000000.${n}`;
  return {
    Channel: `PJSIP/caller-${String(n).padStart(8, '0')}`,
    Uniqueid: uniqueid,
    Linkedid: uniqueid,
  };
}

function up(n: number): Record<string, string> {
  return {
    ...channel(n),
    ChannelState: '6',
    ChannelStateDesc: 'Up',
    CallerIDNum: String(n),
    CallerIDName: '',
    ConnectedLineNum: '',
    ConnectedLineName: '',
    Context: 'default',
    Exten: '403',
    Priority: '1',
  };
}

/** Answers a CoreShowChannels with one item per channel of `listed`. */
function list(action: ReceivedAction, client: ScriptedClient, listed: number[]): void {
  const id = action.id ?? '';
  client.respond(action, 'Success', { EventList: 'start', Message: 'Channels will follow' });
  for (const n of listed) {
    client.event('CoreShowChannel', {
      ActionID: id,
      ...up(n),
      Application: 'Wait',
      ApplicationData: '60',
      BridgeId: '',
    });
  }
  client.event('CoreShowChannelsComplete', {
    ActionID: id,
    EventList: 'Complete',
    ListItems: String(listed.length),
  });
}

/**
 * Two sessions. The first lists channels 1 (P) and 2 (Q). The second (after a cut) writes, before
 * its list, {@link CALLS} calls that start and end, the last {@link SURVIVORS} still up; P has
 * gone meanwhile, Q is still up, and channel 9999 (X), never seen, is up too.
 */
async function reconnectUnderFlood(maxResyncBacklog: number | undefined) {
  const calls = Array.from({ length: CALLS }, (_, i) => 100 + i);
  const survivors = calls.slice(-SURVIVORS);
  let lists = 0;
  target = await startScriptedAmiServer({
    handlers: {
      CoreShowChannels: (action, client) => {
        lists += 1;
        if (lists === 1) return list(action, client, [1, 2]);
        for (const n of calls) {
          client.event('Newchannel', { ...up(n), ChannelState: '4', ChannelStateDesc: 'Ring' });
          client.event('VarSet', { ...channel(n), Variable: 'N', Value: String(n) });
          client.event('Newstate', up(n));
          if (!survivors.includes(n)) {
            client.event('Hangup', { ...up(n), Cause: '16', 'Cause-txt': 'Normal Clearing' });
          }
        }
        list(action, client, [2, ...survivors, 9999]);
      },
    },
  });
  const server = target;
  const client = new AmiConnection({
    host: server.host,
    port: server.port,
    username: 'manager',
    secret: 'secret',
    logger: silentLogger,
    keepaliveIntervalMs: false,
    reconnect: { initialDelayMs: 1, maxDelayMs: 20 },
  });
  const runtime = createRuntime({
    client,
    logger: silentLogger,
    lingerMs: 60_000,
    ...(maxResyncBacklog === undefined ? {} : { maxResyncBacklog }),
  });
  const hangups = new Map<string, { cause: number; lost: boolean }>();
  runtime.bus.on('hangup', ({ uniqueid, output }) =>
    hangups.set(uniqueid, { cause: output.cause, lost: output.lost }),
  );
  let peakBacklog = 0;
  client.bus.on('event', () => {
    peakBacklog = Math.max(peakBacklog, runtime.stats().resyncBacklog);
  });
  const reports: unknown[] = [];
  runtime.bus.on('resync', (report) => reports.push(report));
  try {
    await client.connect();
    await runtime.ready();
    server.clients[0]?.cut();
    await until(
      () => reports.length === 2,
      () => 'the second resync',
    );
    await until(
      () => hangups.size === CALLS - SURVIVORS + 1,
      () => `every hang-up (${hangups.size})`,
    );
    const live = runtime.channels
      .all()
      .map((ref) => {
        const snapshot = ref.getSnapshot();
        const { uniqueid, variables } = snapshot.context;
        return `${uniqueid} ${isAnswered(snapshot) ? 'up' : 'not up'} N=${variables.N ?? ''}`;
      })
      .sort();
    const ended = [...hangups].map(
      ([id, { cause, lost }]) => `${id} ${cause}${lost ? ' lost' : ''}`,
    );
    return { report: reports[1], peakBacklog, live, ended: ended.sort() };
  } finally {
    await runtime.close();
    await client.close();
  }
}

describe('events held while a reconnect lists the channels', () => {
  it('should hold at most maxResyncBacklog, then route the rest as it comes and end in the same state', async () => {
    const bounded = await reconnectUnderFlood(100);
    const unbounded = await reconnectUnderFlood(undefined);
    // Held, the flood's channels are created by the list (11 of them); routed, by their events.
    expect(unbounded.report).toEqual({ listed: SURVIVORS + 2, created: SURVIVORS + 1, lost: 1 });
    expect(bounded.report).toEqual({
      listed: SURVIVORS + 2,
      created: 1,
      lost: 1,
      routedBeforeList: FLOOD_EVENTS,
    });
    expect(unbounded.peakBacklog).toBe(FLOOD_EVENTS);
    expect(bounded.peakBacklog).toBe(100);
    // P lost, the ended calls ended, Q, X and the survivors up, each with what its events said.
    expect(bounded.ended).toContain('1700000000.1 0 lost');
    expect(bounded.live).toHaveLength(SURVIVORS + 2);
    expect(bounded.live).toContain('1700000000.2 up N=');
    expect(bounded.live).toContain('1700000000.9999 up N=');
    expect(bounded.live).toContain(`1700000000.${100 + CALLS - 1} up N=${100 + CALLS - 1}`);
    expect({ live: bounded.live, ended: bounded.ended }).toEqual({
      live: unbounded.live,
      ended: unbounded.ended,
    });
  });
});
