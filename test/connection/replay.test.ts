import { describe, expect, it } from 'vitest';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import type { AmiList } from '../../src/connection/actionTracker.js';
import { AmiActionError, AmiAuthenticationError } from '../../src/connection/errors.js';
import type { AmiMessage } from '../../src/protocol/message.js';
import { readTrace } from '../support/traces.js';
import { ReplayTransport } from './replayTransport.js';
import { next, type Settled, settle, silent } from './support.js';

/** A recorded message as plain fields. */
type Block = Array<[string, string]>;

function blocks(trace: string, dir: 'rx' | 'tx'): Block[] {
  let text = readTrace(trace, dir).toString('utf8');
  if (dir === 'rx') text = text.slice(text.indexOf('\r\n') + 2); // the banner line
  return text
    .split('\r\n\r\n')
    .filter((block) => block.length > 0)
    .map((block) =>
      block.split('\r\n').map((line): [string, string] => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
      }),
    );
}

const value = (block: Block, key: string): string | undefined =>
  block.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];

/** What the recording says about one session: the actions, their answers, the events. */
function recording(trace: string) {
  const sent = blocks(trace, 'tx');
  const received = blocks(trace, 'rx');
  const responseTo = (id: string) =>
    received.find((b) => b[0]?.[0] === 'Response' && value(b, 'ActionID') === id);
  const listIds = new Set(
    sent
      .map((b) => value(b, 'ActionID') ?? '')
      .filter((id) => value(responseTo(id) ?? [], 'EventList') === 'start'),
  );
  const actions = sent
    .filter((b) => value(b, 'Action') !== undefined)
    .map((b) => {
      const id = value(b, 'ActionID') ?? '';
      const name = value(b, 'Action') ?? '';
      const items = received.filter(
        (e) =>
          e[0]?.[0] === 'Event' &&
          value(e, 'ActionID') === id &&
          value(e, 'EventList') !== 'Complete',
      ).length;
      return {
        name,
        fields: b.filter(([k]) => k !== 'Action' && k !== 'ActionID'),
        failed: value(responseTo(id) ?? [], 'Response') === 'Error',
        list: listIds.has(id),
        items,
      };
    });
  const events = received.filter(
    (b) => b[0]?.[0] === 'Event' && !listIds.has(value(b, 'ActionID') ?? ''),
  );
  return { actions, events };
}

/** Replays one recorded session (and the session that followed it, if any) through a client. */
async function replay(traces: string[]) {
  const sessions = traces.map(recording);
  const login = sessions[0]?.actions.find((a) => a.name === 'Login');
  const transports: ReplayTransport[] = [];
  const ami = new AmiConnection({
    host: 'replay.invalid',
    port: 5038,
    username: value(login?.fields ?? [], 'Username') ?? '',
    secret: value(login?.fields ?? [], 'Secret') ?? 'secret',
    authType: value(login?.fields ?? [], 'AuthType') === 'MD5' ? 'md5' : 'plain',
    // Not the recorded prefix: the replay must map IDs, never match them by accident.
    actionIdPrefix: 'replayed',
    keepaliveIntervalMs: false,
    reconnect: { initialDelayMs: 1, jitter: 0, maxAttempts: 1 },
    logger: silent,
    transport: async () => {
      const trace = traces[transports.length];
      if (trace === undefined) throw new Error('no more recorded sessions');
      // The one recorded message without an Action line cannot be sent through the API.
      const transport = new ReplayTransport(trace, (chunk) => !/^Action:/m.test(chunk.data));
      transports.push(transport);
      return transport;
    },
  });
  const events: AmiMessage[] = [];
  ami.bus.on('event', (event) => events.push(event));
  const protocolErrors: Error[] = [];
  ami.bus.on('protocolError', (error) => protocolErrors.push(error));
  const unsolicited: AmiMessage[] = [];
  ami.bus.on('unsolicited', (message) => unsolicited.push(message));
  const notices: string[] = [];
  for (const type of ['connected', 'disconnected', 'reconnecting', 'closed'] as const) {
    ami.bus.on(type, () => notices.push(type));
  }

  const connected = await settle(ami.connect());
  const results: Array<Array<Settled<AmiMessage | AmiList>>> = [];
  for (const [index, session] of sessions.entries()) {
    if (index > 0) await next(ami, 'connected');
    const issued = session.actions
      .filter((a) => !['Login', 'Challenge', 'Logoff'].includes(a.name))
      .map((a) =>
        settle<AmiMessage | AmiList>(
          a.list ? ami.listAction(a.name, a.fields) : ami.action(a.name, a.fields),
        ),
      );
    results.push(await Promise.all(issued));
  }
  await ami.close();
  return {
    ami,
    sessions,
    transports,
    connected,
    results,
    events,
    protocolErrors,
    unsolicited,
    notices,
  };
}

const SINGLE_SESSIONS = [
  'login-plain',
  'login-md5',
  'hello',
  'asyncagi-hello',
  'asyncagi-dtmf',
  'originate-variants',
  'bridge',
  'load',
  'actions',
  'actions.limited',
];

describe('replaying real Asterisk recordings', () => {
  it.each(SINGLE_SESSIONS)(
    'should send exactly what the recorded client sent: %s',
    async (trace) => {
      const run = await replay([trace]);
      expect(run.connected.ok).toBe(true);
      const [transport] = run.transports;
      expect(transport?.mismatches).toEqual([]);
      expect(transport?.finished).toBe(true);
      const recordedTx = readTrace(trace, 'tx').toString('utf8');
      const skipped = recordedTx.split(/(?<=\r\n\r\n)/).filter((m) => !/^Action:/m.test(m));
      expect(transport?.sent.join('')).toBe(
        skipped.reduce((text, message) => text.replace(message, ''), recordedTx),
      );
      expect(run.protocolErrors).toEqual([]);
    },
  );

  it.each(SINGLE_SESSIONS)(
    'should settle every action as Asterisk answered it: %s',
    async (trace) => {
      const run = await replay([trace]);
      const expected = run.sessions[0]?.actions.filter(
        (a) => !['Login', 'Challenge', 'Logoff'].includes(a.name),
      );
      const results = run.results[0] ?? [];
      expect(results).toHaveLength(expected?.length ?? -1);
      for (const [index, action] of (expected ?? []).entries()) {
        const result = results[index];
        expect(result?.ok, `${action.name} #${index}`).toBe(!action.failed);
        if (result && !result.ok) expect(result.error).toBeInstanceOf(AmiActionError);
        if (result?.ok && action.list) {
          const list = result.value as AmiList;
          expect(list.items).toHaveLength(action.items);
          expect(list.complete.get('ListItems')).toBe(String(action.items));
        }
      }
      // Every event reaches the bus except the items of the lists.
      expect(run.events).toHaveLength(run.sessions[0]?.events.length ?? -1);
      expect(run.events.map((e) => e.name)).toEqual(
        run.sessions[0]?.events.map((e) => value(e, 'Event')),
      );
    },
  );

  it('should report the answer to an action-less request as unsolicited: actions', async () => {
    const run = await replay(['actions']);
    expect(run.unsolicited.map((m) => m.get('Message'))).toContain('Missing action in request');
  });

  it('should fail the login of login-fail with AmiAuthenticationError', async () => {
    const run = await replay(['login-fail']);
    expect(run.connected.ok).toBe(false);
    expect((run.connected as { error: Error }).error).toBeInstanceOf(AmiAuthenticationError);
    expect(run.transports).toHaveLength(1);
    expect(run.transports[0]?.mismatches).toEqual([]);
    expect(run.transports[0]?.sent.join('')).toBe(readTrace('login-fail', 'tx').toString('utf8'));
    expect(run.ami.state).toBe('closed');
  });

  it('should survive an Asterisk restart and log in again: shutdown, shutdown.reconnect', async () => {
    const run = await replay(['shutdown', 'shutdown.reconnect']);
    for (const transport of run.transports) expect(transport.mismatches).toEqual([]);
    expect(run.transports).toHaveLength(2);
    expect(run.transports.every((t) => t.finished)).toBe(true);
    expect(run.results.map((session) => session.map((r) => r.ok))).toEqual([[true], [true]]);
    expect(run.events.some((e) => e.name === 'Shutdown')).toBe(true);
    expect(run.notices).toEqual([
      'connected',
      'disconnected',
      'reconnecting',
      'connected',
      'disconnected',
      'closed',
    ]);
  });
});
