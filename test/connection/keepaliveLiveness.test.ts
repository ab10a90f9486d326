import { afterEach, describe, expect, it } from 'vitest';
import { AmiConnectionClosedError, AmiTimeoutError } from '../../src/connection/errors.js';
import type { ScriptedClient } from '../support/scriptedAmiServer.js';
import { cleanUp, connection, next, pause, recordBus, server, settle } from './support.js';

afterEach(cleanUp);

const TIMEOUT_MS = 300;

/** When {@link streamEvents} last wrote an event (`performance.now()`). */
let lastEventAt = 0;

/** Sends a `UserEvent` to `client` every `everyMs` until the returned function is called. */
function streamEvents(client: ScriptedClient, everyMs: number): () => void {
  let n = 0;
  const timer = setInterval(() => {
    client.event('UserEvent', { UserEvent: `tick${n++}` });
    lastEventAt = performance.now();
  }, everyMs);
  return () => clearInterval(timer);
}

/** What the bus said about the connection itself (events left out). */
function connectionNotices(seen: string[]): string[] {
  return seen.filter((notice) => !notice.startsWith('event:'));
}

/** Blocks this process's event loop (server and client alike) until `until` (performance.now). */
function blockUntil(until: number): void {
  while (performance.now() < until) {
    // Busy: nothing else runs, as when routing a burst of events takes the whole CPU.
  }
}

/**
 * The keepalive tells a dead PBX from a busy one: a Ping's answer can wait behind a backlog of
 * events (Asterisk writes a session's events before it reads its next action), so any byte read
 * proves the session alive, and what already arrived is read before the verdict.
 */
describe('keepalive liveness', () => {
  it('should keep a session whose Ping answer comes late while its events keep coming', async () => {
    let stop = (): void => undefined;
    const target = await server({
      handlers: {
        Ping: (action, client) => {
          if (target.received('Ping').length > 1) return target.builtIn(action, client);
          // The first answer waits five timeouts behind a stream of events.
          stop = streamEvents(client, 20);
          setTimeout(() => {
            stop();
            target.builtIn(action, client);
          }, 5 * TIMEOUT_MS);
        },
      },
    });
    const ami = connection(target, { keepaliveIntervalMs: 50, keepaliveTimeoutMs: TIMEOUT_MS });
    const seen = recordBus(ami);
    await ami.connect();
    await target.waitForAction('Ping', 3);
    stop();
    expect(connectionNotices(seen)).toEqual(['state:connecting', 'state:connected', 'connected']);
    expect(seen.filter((notice) => notice === 'event:UserEvent').length).toBeGreaterThan(10);
    expect(target.clients).toHaveLength(1);
  });

  it('should read what already arrived before declaring the peer dead after a stalled event loop', async () => {
    const target = await server({
      handlers: {
        Ping: (action, client) => {
          target.builtIn(action, client);
          // The answer is in the socket buffer; now the loop stalls past the Ping's deadline.
          if (target.received('Ping').length === 1)
            blockUntil(performance.now() + TIMEOUT_MS + 100);
        },
      },
    });
    const ami = connection(target, { keepaliveIntervalMs: 50, keepaliveTimeoutMs: TIMEOUT_MS });
    const seen = recordBus(ami);
    await ami.connect();
    await target.waitForAction('Ping', 3);
    expect(connectionNotices(seen)).toEqual(['state:connecting', 'state:connected', 'connected']);
    expect(target.clients).toHaveLength(1);
  });

  it('should declare a peer dead once it has sent nothing for keepaliveTimeoutMs after a Ping', async () => {
    let streamEnded = false;
    const target = await server({
      handlers: {
        Ping: (_action, client) => {
          if (target.clients.length > 1) return;
          // Events for four timeouts, then silence; the Ping is never answered.
          const stop = streamEvents(client, 20);
          setTimeout(() => {
            stop();
            streamEnded = true;
          }, 4 * TIMEOUT_MS);
        },
      },
    });
    const ami = connection(target, { keepaliveIntervalMs: 50, keepaliveTimeoutMs: TIMEOUT_MS });
    await ami.connect();
    const disconnected = await next(ami, 'disconnected');
    const deadAt = performance.now();
    // Not before the events stopped, and not before a whole timeout of silence after the last.
    expect(streamEnded).toBe(true);
    expect(deadAt - lastEventAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(disconnected.error).toBeInstanceOf(AmiConnectionClosedError);
    expect(disconnected.error?.cause).toBeInstanceOf(AmiTimeoutError);
  });

  it('should write its Ping at once while maxActionsInFlight actions wait for answers', async () => {
    // UserEvent actions are left unanswered: the in-flight slots stay full.
    const target = await server({ handlers: { UserEvent: () => undefined } });
    const ami = connection(target, {
      keepaliveIntervalMs: 50,
      keepaliveTimeoutMs: TIMEOUT_MS,
      maxActionsInFlight: 3,
      actionTimeoutMs: 30_000,
    });
    const seen = recordBus(ami);
    await ami.connect();
    const held = Array.from({ length: 3 }, () => settle(ami.action('UserEvent')));
    const refused = await settle(ami.action('UserEvent'));
    await target.waitForAction('Ping', 3);
    await pause(2 * TIMEOUT_MS);
    expect(refused.ok ? 'sent' : refused.error.name).toBe('AmiTooManyActionsError');
    expect(target.received('UserEvent')).toHaveLength(3);
    expect(connectionNotices(seen)).toEqual(['state:connecting', 'state:connected', 'connected']);
    await ami.close();
    expect((await Promise.all(held)).map((result) => result.ok)).toEqual([false, false, false]);
  });

  it('should not take one of the maxActionsInFlight slots with its Ping', async () => {
    // Pings and UserEvents are left unanswered: a Ping stays in flight.
    const target = await server({
      handlers: { Ping: () => undefined, UserEvent: () => undefined },
    });
    const ami = connection(target, {
      keepaliveIntervalMs: 20,
      keepaliveTimeoutMs: 30_000,
      maxActionsInFlight: 3,
      actionTimeoutMs: 30_000,
    });
    await ami.connect();
    await target.waitForAction('Ping');
    const held = Array.from({ length: 3 }, () => settle(ami.action('UserEvent')));
    const refused = await settle(ami.action('UserEvent'));
    await Promise.race([target.waitForAction('UserEvent', 3), pause(5000)]);
    expect(target.received('UserEvent')).toHaveLength(3);
    expect(refused.ok ? 'sent' : refused.error.message).toMatch(/: 3 actions already wait/);
    await ami.close();
    expect((await Promise.all(held)).map((result) => result.ok)).toEqual([false, false, false]);
  });
});
