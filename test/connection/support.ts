import { Writable } from 'node:stream';
import { pino } from 'pino';
import { AmiConnection, type AmiConnectionOptions } from '../../src/connection/AmiConnection.js';
import type { AmiConnectionEvents } from '../../src/connection/client.js';
import type { Logger } from '../../src/connection/logger.js';
import { createLogger } from '../../src/connection/logger.js';
import {
  type ScriptedAmiServer,
  type ScriptedAmiServerOptions,
  startScriptedAmiServer,
} from '../support/scriptedAmiServer.js';
import { readTrace } from '../support/traces.js';

/** A logger that drops everything. */
export const silent: Logger = pino({ level: 'silent' });

/** A logger that keeps every line, as text, for redaction checks. */
export function capturingLogger(level = 'trace'): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ level, destination }), text: () => chunks.join('') };
}

/** Settles a promise into a value: avoids unhandled rejections while a test does other things. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: Error) => ({ ok: false, error }),
  );
}

/** The error of a promise that must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const result = await settle(promise);
  if (result.ok) throw new Error('expected a rejection, got a value');
  return result.error;
}

/** Servers and connections made by a test, closed by {@link cleanUp} in `afterEach`. */
const servers: ScriptedAmiServer[] = [];
const connections: AmiConnection[] = [];

export async function server(options: ScriptedAmiServerOptions = {}): Promise<ScriptedAmiServer> {
  const started = await startScriptedAmiServer(options);
  servers.push(started);
  return started;
}

/** A connection to `target` with short timeouts and fast reconnects, closed after the test. */
export function connection(
  target: ScriptedAmiServer,
  options: Partial<AmiConnectionOptions> = {},
): AmiConnection {
  const ami = new AmiConnection({
    host: target.host,
    port: target.port,
    username: 'manager',
    secret: 'secret',
    actionTimeoutMs: 2000,
    connectTimeoutMs: 2000,
    keepaliveIntervalMs: false,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20, jitter: 0 },
    logger: silent,
    ...options,
  });
  connections.push(ami);
  return ami;
}

export async function cleanUp(): Promise<void> {
  await Promise.all(connections.splice(0).map((ami) => ami.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
}

/** Resolves with the next payload of a bus event. */
export function next<K extends keyof AmiConnectionEvents>(
  ami: AmiConnection,
  type: K,
  predicate: (payload: AmiConnectionEvents[K]) => boolean = () => true,
): Promise<AmiConnectionEvents[K]> {
  return new Promise((resolve) => {
    const handler = (payload: AmiConnectionEvents[K]): void => {
      if (!predicate(payload)) return;
      ami.bus.off(type, handler);
      resolve(payload);
    };
    ami.bus.on(type, handler);
  });
}

/** Records every bus notice of a connection, in order, as `type` or `type:detail` strings. */
export function recordBus(ami: AmiConnection): string[] {
  const seen: string[] = [];
  ami.bus.on('*', (type, payload) => {
    // Each event is also published under its own name: recorded once, as `event:<name>`.
    if (type !== 'event' && /^[A-Z]/.test(String(type))) return;
    if (type === 'state') seen.push(`state:${String(payload)}`);
    else if (type === 'event') seen.push(`event:${(payload as { name: string }).name}`);
    else seen.push(String(type));
  });
  return seen;
}

/** Lets pending I/O and timers of `ms` run. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The messages of a recorded trace that carry `actionId`, as raw text (CRLF kept, each with its
 * blank line), with the recorded ActionID replaced: what Asterisk answered to that action.
 */
export function recordedAnswer(trace: string, actionId: string, replacement: string): string {
  const text = readTrace(trace, 'rx').toString('utf8');
  return text
    .split('\r\n\r\n')
    .filter((block) => block.split('\r\n').includes(`ActionID: ${actionId}`))
    .map((block) => `${block.replace(`ActionID: ${actionId}`, `ActionID: ${replacement}`)}\r\n\r\n`)
    .join('');
}
