import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DtmfInjectionBusyError, InvalidDtmfError, NoSuchCallError } from '../calls/errors.js';
import type { InjectDtmfOptions } from '../calls/originateOptions.js';

/**
 * Where injections go: a runtime, or anything with its `injectDtmf` that names the call it reached
 * (a cluster's injector, which reaches the calls of several Asterisks: see `octostate/cluster`).
 */
export interface DtmfInjector {
  /**
   * The Asterisks it reaches, when more than one may: a request may then name one (`asterisk`).
   * A request naming an Asterisk is refused (400) by an injector without this list.
   */
  readonly asterisks?: readonly string[];
  injectDtmf(
    options: InjectDtmfOptions & { readonly asterisk?: string },
  ): Promise<{ readonly name: string; readonly uniqueid: string }>;
}

/**
 * Thrown by an injector reaching several Asterisks when more than one has a call at the extension
 * and the request named none: the endpoint answers 409 rather than guess.
 */
export class AmbiguousCallError extends Error {
  override readonly name = 'AmbiguousCallError';
  constructor(
    message: string,
    /** The Asterisks with a call there. */
    readonly asterisks: readonly string[],
  ) {
    super(message);
  }
}

/** Settings of {@link startDtmfInjectionServer}. */
export interface DtmfInjectionServerOptions {
  /** Where injections go (a runtime, or any {@link DtmfInjector}). */
  readonly runtime: DtmfInjector;
  /** The bearer token clients must send (`Authorization: Bearer <token>`); at least 16 characters. */
  readonly token: string;
  /** Port (default 0: any free one). */
  readonly port?: number;
  /** Address to listen on (default 127.0.0.1: keep it off the network unless you mean it). */
  readonly host?: string;
}

/** A running injection endpoint. */
export interface DtmfInjectionServer {
  /** `http://127.0.0.1:<port>/dtmf`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4096;

/**
 * An HTTP endpoint that plays a DTMF digit into the live call at an extension: another process
 * names an extension and a digit, and if a call is at that extension the digit is injected on its
 * line.
 *
 * `POST /dtmf` with `Authorization: Bearer <token>` and a JSON body
 * `{ "extension": "403", "digit": "5", "context"?: "default", "durationMs"?: 250 }` (and, for an
 * injector that reaches several Asterisks, `"asterisk"?: "pbx2"`) answers
 * `200 { "ok": true, "channel", "uniqueid" }` once Asterisk queued the digit; `400` for a bad body,
 * digit or `durationMs` (a whole number from 80 to 2000), or an Asterisk the injector does not
 * reach, `401` without the right token, `404` when no call is at that extension (or for another
 * path), `405` for another method, `409` when calls at that extension are on several Asterisks and
 * the body named none, `413` for a body over 4 KiB, `429` (with `Retry-After`) when too many
 * injected digits still wait to be heard by that call or by the runtime (nothing is sent then),
 * `502` when Asterisk refused. Every error is
 * `{ "ok": false, "error": "<what>" }`.
 *
 * @example
 * const server = await startDtmfInjectionServer({ runtime, token: process.env.DTMF_TOKEN! });
 * // curl -H "Authorization: Bearer $DTMF_TOKEN" -d '{"extension":"403","digit":"5"}' $URL
 */
export async function startDtmfInjectionServer(
  options: DtmfInjectionServerOptions,
): Promise<DtmfInjectionServer> {
  if (options.token.length < 16) {
    throw new TypeError('The DTMF injection token must be at least 16 characters long');
  }
  const expected = Buffer.from(`Bearer ${options.token}`);
  const server: Server = createServer((request, response) => {
    handle(request, response, options.runtime, expected).catch((error: unknown) => {
      reply(response, 500, { ok: false, error: `internal error: ${String(error)}` });
    });
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/dtmf`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  runtime: DtmfInjector,
  expected: Buffer,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/dtmf')
    return reply(response, 404, { ok: false, error: 'no such endpoint: use POST /dtmf' });
  if (request.method !== 'POST') {
    response.setHeader('Allow', 'POST');
    return reply(response, 405, { ok: false, error: 'use POST' });
  }
  if (!authorised(request.headers.authorization, expected)) {
    response.setHeader('WWW-Authenticate', 'Bearer');
    return reply(response, 401, { ok: false, error: 'missing or wrong bearer token' });
  }
  const body = await readBody(request);
  if (body === undefined)
    return reply(response, 413, { ok: false, error: `body over ${MAX_BODY_BYTES} bytes` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return reply(response, 400, { ok: false, error: 'body is not JSON' });
  }
  const fields = parsed as Record<string, unknown>;
  const extension = fields?.extension;
  const digit = fields?.digit;
  const context = fields?.context;
  const durationMs = fields?.durationMs;
  const asterisk = fields?.asterisk;
  if (typeof extension !== 'string' || extension === '' || typeof digit !== 'string') {
    return reply(response, 400, {
      ok: false,
      error: 'expected {"extension": string, "digit": string}',
    });
  }
  if (
    (context !== undefined && typeof context !== 'string') ||
    (durationMs !== undefined && typeof durationMs !== 'number')
  ) {
    return reply(response, 400, {
      ok: false,
      error: 'context must be a string, durationMs a number',
    });
  }
  if (asterisk !== undefined && !runtime.asterisks?.includes(asterisk as string)) {
    return reply(response, 400, {
      ok: false,
      error: runtime.asterisks
        ? `asterisk must be one of ${runtime.asterisks.join(', ')}`
        : 'this endpoint reaches one Asterisk: no "asterisk" field',
    });
  }
  try {
    const call = await runtime.injectDtmf({
      exten: extension,
      digit,
      ...(context === undefined ? {} : { context }),
      ...(durationMs === undefined ? {} : { durationMs }),
      ...(asterisk === undefined ? {} : { asterisk: asterisk as string }),
    });
    return reply(response, 200, { ok: true, channel: call.name, uniqueid: call.uniqueid });
  } catch (error) {
    if (error instanceof InvalidDtmfError)
      return reply(response, 400, { ok: false, error: error.message });
    if (error instanceof NoSuchCallError)
      return reply(response, 404, { ok: false, error: error.message });
    if (error instanceof AmbiguousCallError)
      return reply(response, 409, { ok: false, error: error.message, asterisks: error.asterisks });
    if (error instanceof DtmfInjectionBusyError) {
      response.setHeader('Retry-After', '1');
      return reply(response, 429, { ok: false, error: error.message });
    }
    return reply(response, 502, {
      ok: false,
      error: `Asterisk refused: ${(error as Error).message}`,
    });
  }
}

function authorised(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const given = Buffer.from(header);
  // Constant-time comparison: the token must not leak through response timing.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The request body as text, or undefined when it is larger than allowed (reading stops there). */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}
