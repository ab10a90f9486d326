import { afterEach, describe, expect, it, vi } from 'vitest';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import {
  AmiActionError,
  AmiConnectionClosedError,
  AmiListTooLongError,
  AmiTimeoutError,
} from '../../src/connection/errors.js';
import { isAmiEvent } from '../../src/protocol/amiEvent.js';
import { AmiProtocolError } from '../../src/protocol/errors.js';
import type { AmiMessage } from '../../src/protocol/message.js';
import {
  cleanUp,
  connection,
  next,
  pause,
  recordBus,
  recordedAnswer,
  rejectionOf,
  server,
  settle,
  silent,
} from './support.js';

afterEach(cleanUp);

describe('AmiConnection actions', () => {
  it('should resolve an action with its response and give each action its own ActionID', async () => {
    const target = await server();
    const ami = connection(target);
    await ami.connect();
    const [a, b, c] = await Promise.all([
      ami.action('Ping'),
      ami.action('Ping'),
      ami.action('Ping'),
    ]);
    expect(a.get('Ping')).toBe('Pong');
    expect(a.kind).toBe('response');
    const ids = target.actions.map((action) => action.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([a, b, c].map((m) => m.get('ActionID'))).toEqual(
      target.received('Ping').map((action) => action.id),
    );
  });

  it('should tell onActionId the ActionID before the action is sent', async () => {
    const target = await server({
      handlers: { Originate: (action, client) => client.respond(action, 'Success') },
    });
    const ami = connection(target);
    await ami.connect();
    const told: Array<{ id: string; sentBefore: number }> = [];
    const response = await ami.action(
      'Originate',
      { Channel: 'Local/401@default', Async: true },
      { onActionId: (id) => told.push({ id, sentBefore: target.received('Originate').length }) },
    );
    expect(told).toEqual([{ id: response.get('ActionID'), sentBefore: 0 }]);
    expect(target.received('Originate').map((a) => a.id)).toEqual([told[0]!.id]);
  });

  it('should send object fields in order, arrays as repeated keys, and skip undefined', async () => {
    const target = await server({
      handlers: { Originate: (action, client) => client.respond(action, 'Success') },
    });
    const ami = connection(target);
    await ami.connect();
    await ami.action('Originate', {
      Channel: 'Local/401@default',
      Async: true,
      Timeout: 30000,
      Account: undefined,
      Variable: ['A=1', 'B=two words'],
    });
    const [originate] = target.received('Originate');
    expect(originate?.fields.slice(2)).toEqual([
      ['Channel', 'Local/401@default'],
      ['Async', 'true'],
      ['Timeout', '30000'],
      ['Variable', 'A=1'],
      ['Variable', 'B=two words'],
    ]);
  });

  it('should refuse fields that would inject lines, without sending anything', async () => {
    const target = await server();
    const ami = connection(target);
    await ami.connect();
    const before = target.actions.length;
    const error = await rejectionOf(
      ami.action('Setvar', { Variable: 'A', Value: 'x\r\nAction: Originate' }),
    );
    expect(error.message).toMatch(/line break/);
    // @ts-expect-error: the connection sets ActionID; the types refuse it too.
    expect(await rejectionOf(ami.action('Ping', { ActionID: 'mine' }))).toBeInstanceOf(Error);
    await ami.action('Ping');
    expect(target.actions.length).toBe(before + 1);
  });

  it('should reject Response: Error with an AmiActionError carrying the response', async () => {
    const target = await server({
      handlers: {
        Getvar: (action, client) => client.respond(action, 'Error', { Message: 'No such channel' }),
      },
    });
    const ami = connection(target);
    await ami.connect();
    const error = await rejectionOf(ami.action('Getvar', { Channel: 'nope', Variable: 'X' }));
    expect(error).toBeInstanceOf(AmiActionError);
    expect((error as AmiActionError).response.get('Message')).toBe('No such channel');
    expect(error.stack).toContain('connection.test.ts');
    expect(ami.state).toBe('connected');
  });

  it('should time out an unanswered action, with a stack pointing at the caller', async () => {
    const target = await server({ handlers: { Status: () => undefined } });
    const ami = connection(target, { actionTimeoutMs: 60 });
    await ami.connect();
    const unsolicited = next(ami, 'unsolicited');
    const error = await rejectionOf(ami.action('Status'));
    expect(error).toBeInstanceOf(AmiTimeoutError);
    expect((error as AmiTimeoutError).timeoutMs).toBe(60);
    expect(error.stack).toContain('connection.test.ts');
    // The connection is still usable, and the late answer goes out as unsolicited.
    const [status] = target.received('Status');
    status?.client.respond(status, 'Success', { Message: 'late' });
    expect((await unsolicited).get('Message')).toBe('late');
    expect((await ami.action('Ping')).get('Ping')).toBe('Pong');
  });

  it('should let one action override the default timeout', async () => {
    const target = await server({ handlers: { Status: () => undefined } });
    const ami = connection(target, { actionTimeoutMs: 10_000 });
    await ami.connect();
    const error = await rejectionOf(ami.action('Status', {}, { timeoutMs: 30 }));
    expect(error).toBeInstanceOf(AmiTimeoutError);
    expect((error as AmiTimeoutError).timeoutMs).toBe(30);
  });

  it('should collect a CoreShowChannels list as recorded from Asterisk', async () => {
    const target = await server({
      handlers: {
        CoreShowChannels: (action, client) => {
          const answer = recordedAnswer('actions', 'actions-3', action.id ?? '');
          // An unrelated event in the middle of the list, as happens on a live system.
          const [first, ...rest] = answer.split(/(?<=\r\n\r\n)/);
          client.sendRaw(first ?? '');
          client.event('Newexten', { Channel: 'Local/park@default-0000000a;2' });
          client.sendRaw(rest.join(''));
        },
      },
    });
    const ami = connection(target);
    await ami.connect();
    const events: string[] = [];
    ami.bus.on('event', (event) => events.push(event.name));
    const list = await ami.listAction('CoreShowChannels');
    expect(list.response.get('EventList')).toBe('start');
    expect(list.response.get('Message')).toBe('Channels will follow');
    expect(list.items.map((item) => item.name)).toEqual(['CoreShowChannel', 'CoreShowChannel']);
    expect(list.items.map((item) => item.get('Channel'))).toEqual([
      'Local/park@default-0000000a;2',
      'Local/park@default-0000000a;1',
    ]);
    expect(list.complete.name).toBe('CoreShowChannelsComplete');
    expect(list.complete.get('ListItems')).toBe(String(list.items.length));
    // The list's own events stay out of the bus; the unrelated one goes through.
    expect(events).toEqual(['Newexten']);
  });

  it('should reject a list over the item cap and stay in sync', async () => {
    const target = await server({
      handlers: {
        CoreShowChannels: (action, client) =>
          client.sendRaw(recordedAnswer('actions', 'actions-3', action.id ?? '')),
      },
    });
    const ami = connection(target, { maxListItems: 1 });
    await ami.connect();
    const events: string[] = [];
    ami.bus.on('event', (event) => events.push(event.name));
    const error = await rejectionOf(ami.listAction('CoreShowChannels'));
    expect(error).toBeInstanceOf(AmiListTooLongError);
    expect((await ami.action('Ping')).get('Ping')).toBe('Pong');
    expect(events).toEqual([]);
  });

  it('should read Command output in the Output: form (Asterisk 14+)', async () => {
    const target = await server({
      handlers: {
        Command: (action, client) =>
          client.sendRaw(recordedAnswer('actions', 'actions-5', action.id ?? '')),
      },
    });
    const ami = connection(target);
    await ami.connect();
    const response = await ami.action('Command', { Command: 'core show channels' });
    expect(response.get('Message')).toBe('Command output follows');
    const output = response.getAll('Output');
    expect(output).toHaveLength(6);
    expect(output[3]).toBe('2 active channels');
  });

  it('should read Command output in the Response: Follows form (before Asterisk 14)', async () => {
    const target = await server({
      handlers: {
        Command: (action, client) =>
          client.sendRaw(
            `Response: Follows\r\nPrivilege: Command\r\nActionID: ${action.id}\r\n` +
              'Asterisk 13.38.3 built by mockbuild\n2 active channels\n--END COMMAND--\r\n\r\n',
          ),
      },
    });
    const ami = connection(target);
    await ami.connect();
    const response = await ami.action('Command', { Command: 'core show version' });
    expect(response.name).toBe('Follows');
    expect(response.body).toContain('Asterisk 13.38.3 built by mockbuild');
    expect(response.body).toContain('2 active channels');
    expect(response.body).not.toContain('--END COMMAND--');
  });

  it('should not let a Response: Follows without --END COMMAND-- swallow later messages', async () => {
    const target = await server({
      handlers: {
        Command: (action, client) => {
          client.sendRaw(
            `Response: Follows\r\nPrivilege: Command\r\nActionID: ${action.id}\r\n2 active channels\r\n\r\n`,
          );
          client.event('Newchannel', { Uniqueid: '1.1' });
        },
      },
    });
    const ami = connection(target, { actionTimeoutMs: 60_000 });
    await ami.connect();
    const reported = next(ami, 'protocolError');
    const event = next(ami, 'event', (e) => e.name === 'Newchannel');
    const response = await ami.action('Command', { Command: 'core show channels' });
    expect(response.body).toBe('2 active channels\r\n');
    expect((await reported).code).toBe('unterminated-follows');
    expect((await event).get('Uniqueid')).toBe('1.1');
    // The session is in step: the next answer is matched at once, long before any timeout.
    expect((await ami.action('Ping', {}, { timeoutMs: 2000 })).get('Ping')).toBe('Pong');
  });

  it('should reject a failed Command (Response: Error with Output) with its output', async () => {
    const target = await server({
      handlers: {
        Command: (action, client) =>
          client.sendRaw(recordedAnswer('actions', 'actions-6', action.id ?? '')),
      },
    });
    const ami = connection(target);
    await ami.connect();
    const error = await rejectionOf(ami.action('Command', { Command: 'no such cli command' }));
    expect(error).toBeInstanceOf(AmiActionError);
    expect((error as AmiActionError).response.get('Output')).toMatch(/^No such command/);
  });
});

describe('AmiConnection bus', () => {
  it('should emit events and unsolicited responses', async () => {
    const target = await server();
    const ami = connection(target);
    const firstEvent = next(ami, 'event');
    await ami.connect();
    expect((await firstEvent).name).toBe('FullyBooted');
    const hangup = next(ami, 'event', (event) => event.name === 'Hangup');
    const unsolicited = next(ami, 'unsolicited');
    target.broadcast('Hangup', { Channel: 'PJSIP/100-00000001', Cause: '16' });
    target.clients[0]?.send({ Response: 'Success', ActionID: 'someone-else-1' });
    expect((await hangup).get('cause')).toBe('16');
    expect((await unsolicited).get('ActionID')).toBe('someone-else-1');
  });

  it('should announce connected before the events that came with the login response', async () => {
    const target = await server({
      handlers: {
        Login: (action, client) =>
          client.sendRaw(
            `Response: Success\r\nActionID: ${action.id}\r\nMessage: Authentication accepted\r\n\r\n` +
              'Event: FullyBooted\r\nStatus: Fully Booted\r\n\r\n',
          ),
      },
    });
    const ami = connection(target);
    const seen = recordBus(ami);
    await ami.connect();
    await pause(10);
    expect(seen).toEqual(['state:connecting', 'state:connected', 'connected', 'event:FullyBooted']);
  });

  it('should report bad input as protocolError and keep the messages around it', async () => {
    const target = await server();
    const ami = connection(target);
    await ami.connect();
    const errors: AmiProtocolError[] = [];
    ami.bus.on('protocolError', (error) => errors.push(error));
    const events: AmiMessage[] = [];
    ami.bus.on('event', (event) => events.push(event));
    const second = next(ami, 'event', (event) => isAmiEvent(event, 'Second'));
    target.clients[0]?.sendRaw(
      'Event: First\r\n\r\nthis line has no colon\r\n\r\nEvent: Second\r\n\r\n',
    );
    await second;
    expect(events.map((event) => event.name)).toEqual(['First', 'Second']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AmiProtocolError);
    expect(errors[0]?.code).toBe('missing-colon');
  });

  it('should drop a message over maxMessageBytes and carry on', async () => {
    const target = await server();
    const ami = connection(target, { maxMessageBytes: 300 });
    await ami.connect();
    const errors: AmiProtocolError[] = [];
    ami.bus.on('protocolError', (error) => errors.push(error));
    const after = next(ami, 'event', (event) => isAmiEvent(event, 'After'));
    target.broadcast('Huge', { Data: 'x'.repeat(1000) });
    target.broadcast('After');
    await after;
    expect(errors.map((error) => error.code)).toEqual(['too-large']);
    expect((await ami.action('Ping')).get('Ping')).toBe('Pong');
  });

  it('should survive a bus listener that throws', async () => {
    const target = await server();
    const ami = connection(target);
    await ami.connect();
    ami.bus.on('event', () => {
      throw new Error('listener bug');
    });
    target.broadcast('Boom');
    expect((await ami.action('Ping')).get('Ping')).toBe('Pong');
    expect(ami.state).toBe('connected');
  });
});

describe('AmiConnection connection loss', () => {
  it('should reject an action in flight when the socket is cut, then reconnect and log in again', async () => {
    const target = await server({
      handlers: { Originate: (_action, client) => client.cut() },
    });
    const ami = connection(target);
    await ami.connect();
    const seen = recordBus(ami);
    const reconnected = next(ami, 'connected');
    const error = await rejectionOf(
      ami.action('Originate', { Channel: 'Local/401@default', Application: 'Wait', Data: '1' }),
    );
    expect(error).toBeInstanceOf(AmiConnectionClosedError);
    expect(error.stack).toContain('connection.test.ts');
    await reconnected;
    expect(ami.state).toBe('connected');
    expect(target.clients).toHaveLength(2);
    expect(target.clients[1]?.actions.map((a) => a.name)).toEqual(['Login']);
    // Never resent: an Originate placed twice would be two calls.
    expect(target.received('Originate')).toHaveLength(1);
    expect(seen.filter((s) => !s.startsWith('event:'))).toEqual([
      'disconnected',
      'state:reconnecting',
      'reconnecting',
      'state:connected',
      'connected',
    ]);
    expect((await ami.action('Ping')).get('Ping')).toBe('Pong');
  });

  it('should resend an idempotent action that was in flight, once reconnected', async () => {
    const target = await server({
      handlers: {
        Getvar: (action, client) => {
          if (target.received('Getvar').length === 1) client.cut();
          else client.respond(action, 'Success', { Variable: 'X', Value: '42' });
        },
      },
    });
    const ami = connection(target);
    await ami.connect();
    const response = await ami.action('Getvar', { Variable: 'X' });
    expect(response.get('Value')).toBe('42');
    const sent = target.received('Getvar');
    expect(sent).toHaveLength(2);
    expect(sent[0]?.client).not.toBe(sent[1]?.client);
  });

  it('should not resend a read-only action marked idempotent: false', async () => {
    const target = await server({ handlers: { Getvar: (_action, client) => client.cut() } });
    const ami = connection(target);
    await ami.connect();
    const reconnected = next(ami, 'connected');
    const error = await rejectionOf(ami.action('Getvar', { Variable: 'X' }, { idempotent: false }));
    expect(error).toBeInstanceOf(AmiConnectionClosedError);
    await reconnected;
    expect(target.received('Getvar')).toHaveLength(1);
  });

  it('should reject every pending action when the connection drops without reconnect', async () => {
    const target = await server({
      handlers: {
        Status: () => undefined,
        Originate: () => undefined,
        // A list cut off halfway.
        CoreShowChannels: (action, client) => {
          client.respond(action, 'Success', { EventList: 'start' });
          client.event('CoreShowChannel', { ActionID: action.id ?? '', Channel: 'A' });
        },
      },
    });
    const ami = connection(target, { reconnect: false });
    await ami.connect();
    const pending = [
      settle(ami.action('Status')),
      settle(ami.action('Originate', { Channel: 'Local/1@default' })),
      settle(ami.listAction('CoreShowChannels', {}, { timeoutMs: 60_000 })),
    ];
    const closed = next(ami, 'closed');
    await target.waitForAction('CoreShowChannels');
    target.clients[0]?.end();
    const results = await Promise.all(pending);
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect((result as { error: Error }).error).toBeInstanceOf(AmiConnectionClosedError);
    }
    await closed;
    expect(ami.state).toBe('closed');
    expect(ami.pendingActions).toBe(0);
    expect(await rejectionOf(ami.action('Ping'))).toBeInstanceOf(AmiConnectionClosedError);
  });

  it('should detect a dead peer with the keepalive Ping and reconnect', async () => {
    const target = await server({
      handlers: {
        // The first connection stops answering (a hung or partitioned peer); later ones answer.
        Ping: (action, client) => {
          if (client !== target.clients[0]) target.builtIn(action, client);
        },
      },
    });
    const ami = connection(target, { keepaliveIntervalMs: 20, keepaliveTimeoutMs: 40 });
    await ami.connect();
    const disconnected = await next(ami, 'disconnected');
    expect(disconnected.error).toBeInstanceOf(AmiConnectionClosedError);
    expect(disconnected.error?.cause).toBeInstanceOf(AmiTimeoutError);
    await next(ami, 'connected');
    expect(target.clients[0]?.socket.destroyed || target.clients[0]?.socket.readableEnded).toBe(
      true,
    );
    // The new session is kept alive by answered pings.
    await target.waitForAction('Ping', target.received('Ping').length + 3);
    expect(ami.state).toBe('connected');
    expect(target.clients).toHaveLength(2);
  });

  it('should give up after maxAttempts and reject what waits', async () => {
    const target = await server();
    const ami = connection(target, {
      reconnect: { initialDelayMs: 5, maxDelayMs: 5, maxAttempts: 2 },
    });
    await ami.connect();
    const attempts: number[] = [];
    ami.bus.on('reconnecting', ({ attempt }) => attempts.push(attempt));
    target.refuseNewConnections();
    const closed = next(ami, 'closed');
    target.clients[0]?.cut();
    await next(ami, 'disconnected');
    const waiting = settle(ami.action('Ping', {}, { timeoutMs: 60_000 }));
    await closed;
    expect(attempts).toEqual([1, 2]);
    expect(ami.state).toBe('closed');
    expect(ami.closeReason?.message).toMatch(/Gave up reconnecting after 2/);
    const result = await waiting;
    expect((result as { error: Error }).error).toBeInstanceOf(AmiConnectionClosedError);
  });

  it('should let the onReconnect hook choose the delay or stop', async () => {
    const target = await server();
    const calls: Array<{ attempt: number; error: Error | undefined }> = [];
    const ami = connection(target, {
      reconnect: {
        initialDelayMs: 1000,
        onReconnect: ({ attempt, error }) => {
          calls.push({ attempt, error });
          return attempt < 3 ? 1 : false;
        },
      },
    });
    await ami.connect();
    target.refuseNewConnections();
    const delays: number[] = [];
    ami.bus.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
    const closed = next(ami, 'closed');
    target.clients[0]?.cut();
    await closed;
    expect(delays).toEqual([1, 1]);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(calls[1]?.error).toBeInstanceOf(Error);
  });

  it('should stop reconnecting when the new login is refused', async () => {
    const target = await server({
      handlers: {
        Login: (action, client) => {
          if (client === target.clients[0]) target.builtIn(action, client);
          else {
            client.respond(action, 'Error', { Message: 'Authentication failed' });
            client.end();
          }
        },
      },
    });
    const ami = connection(target);
    await ami.connect();
    const closed = next(ami, 'closed');
    target.clients[0]?.cut();
    await closed;
    expect(ami.closeReason?.name).toBe('AmiAuthenticationError');
    await pause(50);
    expect(target.clients).toHaveLength(2);
  });

  it('should retry the first connection when asked to', async () => {
    const target = await server();
    target.refuseNewConnections();
    const ami = connection(target, { retryFirstConnect: true });
    let attempts = 0;
    ami.bus.on('reconnecting', () => {
      attempts += 1;
      if (attempts === 3) target.refuseNewConnections(false);
    });
    await ami.connect();
    expect(ami.state).toBe('connected');
    expect(attempts).toBe(3);
  });

  it('should reject connect() at once when the first connection fails', async () => {
    const target = await server();
    const port = target.port;
    await target.close();
    const ami = new AmiConnection({
      host: '127.0.0.1',
      port,
      username: 'manager',
      secret: 'secret',
      logger: silent,
    });
    const error = await rejectionOf(ami.connect());
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(ami.state).toBe('closed');
  });

  it('should reject a server whose banner is not AMI', async () => {
    const target = await server({ banner: 'SSH-2.0-OpenSSH_9.6' });
    const ami = connection(target);
    const error = await rejectionOf(ami.connect());
    expect(error).toBeInstanceOf(AmiProtocolError);
    expect((error as AmiProtocolError).code).toBe('bad-banner');
    expect(target.actions).toHaveLength(0);
  });
});

describe('AmiConnection while disconnected', () => {
  /** Connects, then cuts the link while refusing new connections: the client is reconnecting. */
  async function disconnected(options: Parameters<typeof connection>[1] = {}) {
    const target = await server();
    const ami = connection(target, options);
    await ami.connect();
    target.refuseNewConnections();
    const lost = next(ami, 'disconnected');
    target.clients[0]?.cut();
    await lost;
    expect(ami.state).toBe('reconnecting');
    return { target, ami };
  }

  it('should make actions wait for the next login, then send them', async () => {
    const { target, ami } = await disconnected();
    const waiting = settle(ami.action('Ping'));
    const waitingList = settle(ami.action('Originate', { Channel: 'Local/1@default' }));
    target.handle('Originate', (action, client) => client.respond(action, 'Success'));
    await pause(30);
    expect(target.received('Ping')).toHaveLength(0);
    target.refuseNewConnections(false);
    const [ping, originate] = await Promise.all([waiting, waitingList]);
    expect(ping.ok && ping.value.get('Ping')).toBe('Pong');
    // Never sent before, so sending it now is not a resend.
    expect(originate.ok).toBe(true);
    expect(target.received('Originate')).toHaveLength(1);
    expect(target.received('Ping')[0]?.client).toBe(target.clients.at(-1));
  });

  it('should bound the wait by the action timeout', async () => {
    const { ami } = await disconnected();
    const error = await rejectionOf(ami.action('Ping', {}, { timeoutMs: 30 }));
    expect(error).toBeInstanceOf(AmiTimeoutError);
  });

  it('should bound the number of waiting actions', async () => {
    const { ami } = await disconnected({ maxWaitingActions: 2 });
    const first = settle(ami.action('Ping'));
    const second = settle(ami.action('Ping'));
    const error = await rejectionOf(ami.action('Ping'));
    expect(error).toBeInstanceOf(AmiConnectionClosedError);
    expect(error.message).toMatch(/too many/);
    await ami.close();
    expect((await first).ok).toBe(false);
    expect((await second).ok).toBe(false);
  });

  it('should reject at once with whileDisconnected: reject', async () => {
    const { target, ami } = await disconnected({ whileDisconnected: 'reject' });
    const error = await rejectionOf(ami.action('Ping'));
    expect(error).toBeInstanceOf(AmiConnectionClosedError);
    expect(error.stack).toContain('connection.test.ts');
    target.refuseNewConnections(false);
    await next(ami, 'connected');
    expect(target.received('Ping')).toHaveLength(0);
  });

  it('should reject actions before connect()', async () => {
    const target = await server();
    const ami = connection(target);
    expect(await rejectionOf(ami.action('Ping'))).toBeInstanceOf(AmiConnectionClosedError);
  });
});

describe('AmiConnection close', () => {
  it('should log off, reject what is pending and emit closed', async () => {
    const target = await server({ handlers: { Status: () => undefined } });
    const ami = connection(target);
    await ami.connect();
    const seen = recordBus(ami);
    const pending = settle(ami.action('Status'));
    await target.waitForAction('Status');
    await ami.close();
    const result = await pending;
    expect((result as { error: Error }).error).toBeInstanceOf(AmiConnectionClosedError);
    expect(target.received('Logoff')).toHaveLength(1);
    expect(ami.state).toBe('closed');
    expect(seen.filter((s) => !s.startsWith('event:'))).toEqual([
      'disconnected',
      'state:closed',
      'closed',
    ]);
    await pause(30);
    expect(target.clients).toHaveLength(1);
    await ami.close();
  });

  it('should stop a reconnect loop', async () => {
    const target = await server();
    const ami = connection(target, { reconnect: { initialDelayMs: 10_000 } });
    await ami.connect();
    target.clients[0]?.cut();
    await next(ami, 'reconnecting');
    const waiting = settle(ami.action('Ping'));
    await ami.close();
    expect(ami.state).toBe('closed');
    expect((await waiting).ok).toBe(false);
    expect(target.clients).toHaveLength(1);
  });

  it('should abort a connection attempt in progress', async () => {
    const target = await server({ handlers: { Login: () => undefined } });
    const ami = connection(target);
    const connecting = settle(ami.connect());
    await target.waitForAction('Login');
    await ami.close();
    const result = await connecting;
    expect((result as { error: Error }).error).toBeInstanceOf(AmiConnectionClosedError);
    expect(ami.state).toBe('closed');
  });

  it('should leave no timer or socket behind', async () => {
    const target = await server({ handlers: { Status: () => undefined } });
    const sockets = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    // Fake timers that still follow the clock: they count every timer, unref'ed ones included.
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const ami = connection(target, { keepaliveIntervalMs: 1000, actionTimeoutMs: 60_000 });
      await ami.connect();
      const pending = settle(ami.action('Status'));
      target.clients[0]?.cut();
      await next(ami, 'connected');
      expect(vi.getTimerCount()).toBeGreaterThan(0);
      await ami.close();
      await pending;
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    await target.close();
    await pause(10);
    const left = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    expect(left).toBeLessThanOrEqual(sockets);
  });

  it('should connect again after close', async () => {
    const target = await server();
    const ami = connection(target);
    await ami.connect();
    const first = await ami.action('Ping');
    await ami.close();
    await ami.connect();
    const second = await ami.action('Ping');
    expect(second.get('ActionID')).not.toBe(first.get('ActionID'));
  });
});

describe('AmiConnection lifecycle', () => {
  it('should expose its life as an actor whose top-level state is the connection state', async () => {
    const target = await server();
    const ami = connection(target);
    const values: unknown[] = [];
    ami.lifecycle.subscribe((snapshot) => values.push(snapshot.value));
    expect(ami.lifecycle.getSnapshot().value).toBe('idle');
    await ami.connect();
    expect(ami.lifecycle.getSnapshot().matches('connected')).toBe(true);
    const reconnected = next(ami, 'connected');
    target.clients[0]?.cut();
    await reconnected;
    await ami.close();
    expect(values).toEqual([
      'connecting',
      { connected: 'live' },
      { reconnecting: 'backoff' },
      { reconnecting: 'attempt' },
      { connected: 'live' },
      { connected: 'loggingOff' },
      'closed',
    ]);
    // The same states, in the same order, as the bus said.
    expect(ami.state).toBe('closed');
  });

  it('should tell bus listeners the new state, whatever they call back into', async () => {
    const target = await server();
    const ami = connection(target);
    const answered: Array<Promise<AmiMessage>> = [];
    // A listener that acts at once, as a supervisor resynchronising on login does.
    ami.bus.on('connected', () => {
      expect(ami.state).toBe('connected');
      answered.push(ami.action('Ping'));
    });
    await ami.connect();
    const reconnected = next(ami, 'connected');
    target.clients[0]?.cut();
    await reconnected;
    expect(answered).toHaveLength(2);
    for (const pong of await Promise.all(answered)) expect(pong.get('Ping')).toBe('Pong');
  });
});

describe('AmiConnection ActionIDs', () => {
  it('should stay unique across reconnects and concurrent connections', async () => {
    const target = await server({
      handlers: {
        Getvar: (action, client) => {
          if (target.received('Getvar').length === 2) client.cut();
          else client.respond(action, 'Success', { Value: '1' });
        },
      },
    });
    const a = connection(target);
    const b = connection(target);
    await Promise.all([a.connect(), b.connect()]);
    await Promise.all([a.action('Ping'), b.action('Ping'), a.action('Getvar', { Variable: 'x' })]);
    await settle(b.action('Getvar', { Variable: 'x' }, { idempotent: false }));
    await b.connect();
    await Promise.all([a.action('Ping'), b.action('Ping')]);
    const ids = target.actions.map((action) => action.id);
    expect(ids.length).toBeGreaterThan(8);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
