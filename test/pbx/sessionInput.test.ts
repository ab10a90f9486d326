import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_DIR, ManualClock, type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { openRawSession } from './helpers/rawSession.js';

let pbx: PbxHandle | undefined;

let configDir: string | undefined;

afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
  if (configDir) await rm(configDir, { recursive: true });
  configDir = undefined;
});

/** The shipped configuration with `settings` added to manager.conf's [general]. */
async function configWith(settings: string): Promise<string> {
  configDir = await mkdtemp(join(tmpdir(), 'octostate-auth-'));
  const manager = await readFile(join(DEFAULT_CONFIG_DIR, 'manager.conf'), 'utf8');
  await writeFile(
    join(configDir, 'manager.conf'),
    manager.replace('[general]', `[general]\n${settings}`),
  );
  await copyFile(join(DEFAULT_CONFIG_DIR, 'extensions.conf'), join(configDir, 'extensions.conf'));
  return configDir;
}

/** Connects without logging in: what the server sent, and when it closed (ms after connecting). */
function unauthenticated(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  const opened = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) =>
    socket.on('close', () => resolve(Date.now() - opened)),
  );
  return { socket, received: () => received, closed };
}

describe('AMI session input', () => {
  it('should stop reading a client whose actions pile up behind a slow one, then answer them all in order', async () => {
    const clock = new ManualClock();
    pbx = await startPbx({ port: 0, clock, phones: [{ name: 'away', behaviour: 'no-answer' }] });
    const client = await openRawSession(pbx.url.replace('ami://', 'ami://manager:secret@'));
    const [session] = pbx.server.sessions;
    // A synchronous Originate to a phone that never answers: it fails when its 5 s are over.
    const originate = client.action(
      'Action: Originate\r\nChannel: PJSIP/away\r\nApplication: Wait\r\nData: 1\r\nTimeout: 5000',
    );
    const count = 20_000;
    const answered: number[] = [];
    const pings = Array.from({ length: count }, (_, i) =>
      client.action('Action: Ping').then(() => answered.push(i)),
    );
    await expect.poll(() => session!.socket.isPaused()).toBe(true);
    const read = session!.waitingRequests;
    expect(read).toBeGreaterThan(256);
    expect(read).toBeLessThan(count / 2);
    await clock.advance(6000);
    expect((await originate).get('Response')).toBe('Error');
    await Promise.all(pings);
    expect(answered).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(session!.waitingRequests).toBe(0);
    expect(session!.socket.isPaused()).toBe(false);
    client.socket.destroy();
  });

  it('should close a client past authlimit before the banner, and one that never logs in after authtimeout', async () => {
    pbx = await startPbx({
      port: 0,
      configDir: await configWith('authlimit = 2\nauthtimeout = 1'),
    });
    const first = unauthenticated(pbx.port);
    const second = unauthenticated(pbx.port);
    await expect
      .poll(() => first.received() + second.received())
      .toContain('Manager/11.0.0\r\nAsterisk');
    const third = unauthenticated(pbx.port);
    await third.closed;
    expect(third.received()).toBe('');
    // Logged-in sessions do not count: with one logged in, two may again wait to log in.
    second.socket.destroy();
    await second.closed;
    const loggedIn = await openRawSession(pbx.url.replace('ami://', 'ami://manager:secret@'));
    const fourth = unauthenticated(pbx.port);
    await expect.poll(() => fourth.received()).toBe('Asterisk Call Manager/11.0.0\r\n');
    expect(await first.closed).toBeGreaterThanOrEqual(900);
    expect(await fourth.closed).toBeGreaterThanOrEqual(900);
    expect(loggedIn.socket.destroyed).toBe(false);
    expect((await loggedIn.action('Action: Ping')).get('Ping')).toBe('Pong');
    loggedIn.socket.destroy();
  });
});
