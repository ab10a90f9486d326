import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Whether a listening address is the loopback interface. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/** A token good enough to guard an inspector: 24 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The token an inspector on `host` requires: the one given; none on loopback unless given; a new
 * one anywhere else. Serving calls to the network without a token (`false`) is refused.
 *
 * @example
 * inspectorToken('127.0.0.1', undefined); // undefined
 * inspectorToken('0.0.0.0', undefined); // 'mB2c...' (random)
 */
export function inspectorToken(
  host: string,
  token: string | false | undefined,
): string | undefined {
  if (token === '') throw new TypeError('The inspector token must not be empty');
  if (typeof token === 'string') return token;
  if (isLoopback(host)) return undefined;
  if (token === false)
    throw new TypeError(`The inspector serves calls: on ${host} it needs a token`);
  return newToken();
}

/** Whether two secrets are equal, in a time that does not depend on where they differ. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** What a request may do: go on, trade its `?token=` for a cookie, or be refused. */
export type AccessVerdict =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'exchange'; readonly cookie: string; readonly location: string }
  | { readonly kind: 'refused'; readonly status: 401 | 403; readonly reason: string };

/**
 * Who may read an inspector. Bound to loopback, only loopback peers naming the inspector by a
 * loopback `Host` (no DNS rebinding). With a token, every request must carry it: an
 * `Authorization: Bearer` header, the HttpOnly cookie (named after the port, so that two
 * inspectors on one host keep theirs), or `?token=` (which a page load trades for the cookie and
 * a redirect that takes the token out of the address, since `EventSource` cannot send headers).
 *
 * @example
 * const access = new InspectorAccess({ host: '0.0.0.0', port: 8089, token: newToken() });
 * const verdict = access.check(request);
 */
export class InspectorAccess {
  readonly cookieName: string;

  constructor(private readonly options: { host: string; port: number; token: string | undefined }) {
    this.cookieName = `octostate_inspector_${options.port}`;
  }

  check(request: IncomingMessage, url: URL): AccessVerdict {
    const { host, port, token } = this.options;
    if (isLoopback(host)) {
      const hostHeader = (request.headers.host ?? '').toLowerCase();
      const names = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
      if (!LOOPBACK_PEERS.has(request.socket.remoteAddress ?? '') || !names.includes(hostHeader)) {
        return { kind: 'refused', status: 403, reason: 'forbidden' };
      }
    }
    if (token === undefined) return { kind: 'allowed' };
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const cookie = cookieValue(request, this.cookieName);
    if ((bearer && sameSecret(bearer, token)) || (cookie && sameSecret(cookie, token))) {
      return { kind: 'allowed' };
    }
    const query = url.searchParams.get('token');
    if (query === null || !sameSecret(query, token)) {
      return { kind: 'refused', status: 401, reason: 'a token is required (?token=...)' };
    }
    if (url.pathname !== '/') return { kind: 'allowed' };
    url.searchParams.delete('token');
    return {
      kind: 'exchange',
      cookie: `${this.cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      location: `${url.pathname}${url.search}`,
    };
  }
}
