import { afterEach, describe, expect, it } from 'vitest';
import { inspectorToken, isLoopback } from '../../src/inspector/inspectorAccess.js';
import { get, setUpInspector, subscribe } from './support.js';

/**
 * Who may read the inspector: loopback peers naming it by a loopback host, and with a token, only
 * requests carrying it (bearer header, the cookie traded for `?token=` on the page, or `?token=`).
 * Tests bind 127.0.0.1 only: off loopback, what changes is that a token is made up by default.
 */

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('inspector access', () => {
  it('should need a token off loopback: made up by default, never none', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('192.168.1.10')).toBe(false);
    expect(inspectorToken('127.0.0.1', undefined)).toBeUndefined();
    expect(inspectorToken('127.0.0.1', false)).toBeUndefined();
    expect(inspectorToken('127.0.0.1', 'given')).toBe('given');
    const made = inspectorToken('0.0.0.0', undefined);
    expect(made).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(inspectorToken('0.0.0.0', undefined)).not.toBe(made);
    expect(inspectorToken('192.168.1.10', 'given')).toBe('given');
    expect(() => inspectorToken('0.0.0.0', false)).toThrow(/needs a token/);
    expect(() => inspectorToken('127.0.0.1', '')).toThrow(/empty/);
  });

  it('should answer loopback peers naming it by a loopback host only, without a token by default', async () => {
    const { inspector } = await setUpInspector(cleanups);
    expect(inspector.token).toBeUndefined();
    expect(inspector.url).toBe(`http://127.0.0.1:${inspector.port}/`);
    expect((await get(`${inspector.url}api/actors`)).status).toBe(200);
    for (const host of ['evil.example', `evil.example:${inspector.port}`, '127.0.0.1:1']) {
      expect((await get(`${inspector.url}api/actors`, { headers: { host } })).status).toBe(403);
    }
    expect(
      (
        await get(`${inspector.url}api/actors`, {
          headers: { host: `localhost:${inspector.port}` },
        })
      ).status,
    ).toBe(200);
  });

  it('should ask for the token on every path, and trade ?token= on the page for an HttpOnly cookie', async () => {
    const token = 'k3y-for-tests';
    const { inspector } = await setUpInspector(cleanups, { token });
    const base = `http://127.0.0.1:${inspector.port}/`;
    expect(inspector.url).toBe(`${base}?token=${token}`);
    // Without it: refused everywhere, the page, the API and the stream.
    for (const path of ['', 'api/actors', 'api/machines/channel', 'events', 'nothing']) {
      expect((await get(`${base}${path}`)).status, path).toBe(401);
    }
    for (const wrong of ['k3y', `${token}x`, '']) {
      expect((await get(`${base}api/actors?token=${wrong}`)).status).toBe(401);
      expect(
        (await get(`${base}api/actors`, { headers: { authorization: `Bearer ${wrong}` } })).status,
      ).toBe(401);
    }
    // A bearer header or ?token= opens the API.
    expect(
      (await get(`${base}api/actors`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    expect((await get(`${base}api/actors?token=${token}`)).status).toBe(200);
    // The page with ?token=: a cookie and a redirect to an address without the token.
    const page = await get(`${base}?token=${token}#channel:1`);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toBe(
      `octostate_inspector_${inspector.port}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    );
    const jar = { cookie: cookie.split(';')[0]! };
    expect((await get(base, { headers: jar })).status).toBe(200);
    expect((await get(`${base}api/actors`, { headers: jar })).status).toBe(200);
    // EventSource sends the cookie: the stream opens with it.
    const stream = await subscribe(base, 'events', jar);
    cleanups.push(async () => stream.close());
    expect(stream.status).toBe(200);
    // Another inspector's cookie is not this one's.
    const other = { cookie: `octostate_inspector_${inspector.port + 1}=${token}` };
    expect((await get(`${base}api/actors`, { headers: other })).status).toBe(401);
    // The token never shows in what it serves.
    expect((await get(`${base}api/actors/supervisor`, { headers: jar })).body).not.toContain(token);
  });
});
