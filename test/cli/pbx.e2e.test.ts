import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fullAccessUser } from '../../src/cli/pbx.js';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import { parseManagerConf } from '../../src/pbx/config/managerConf.js';
import { DEFAULT_CONFIG_DIR } from '../../src/pbx/index.js';
import { killLeftovers, runTsx, until } from '../support/spawnTsx.js';

let tempDir: string | undefined;
const connections: AmiConnection[] = [];

afterEach(async () => {
  for (const c of connections.splice(0)) await c.close();
  killLeftovers();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

const URL_PATTERN = /ami:\/\/\S+:\S+@127\.0\.0\.1:\d+/;

function octostatePbx(args: string[]) {
  return runTsx('src/cli/main.ts', ['pbx', ...args]);
}

describe('octostate pbx', () => {
  it('should print a URL to log in with, answer a Ping, and stop cleanly on SIGTERM', async () => {
    const run = octostatePbx(['--port', '0']);
    await until(() => URL_PATTERN.test(run.stdout()), 'the AMI URL');
    const url = URL_PATTERN.exec(run.stdout())![0];
    expect(url).toMatch(/^ami:\/\/manager:secret@127\.0\.0\.1:\d+$/);
    const ami = AmiConnection.fromUrl(url, { reconnect: false, logger: pino({ level: 'silent' }) });
    connections.push(ami);
    const shutdown = new Promise<string | undefined>((resolve) =>
      ami.bus.on('event', (event) => {
        if (event.name === 'Shutdown') resolve(event.get('Shutdown'));
      }),
    );
    await ami.connect();
    expect(ami.banner).toBe('Asterisk Call Manager/11.0.0');
    const pong = await ami.action('Ping');
    expect(pong.get('Ping')).toBe('Pong');
    run.child.kill('SIGTERM');
    // Like a real `core stop`: sessions are told, then the process ends with status 0.
    expect(await shutdown).toBe('Cleanly');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toContain('SIGTERM, shutting down');
    expect(run.stderr()).toBe('');
  });

  it('should listen on a free port, not 5038, when no --port is given, and print it', async () => {
    const run = octostatePbx([]);
    await until(() => URL_PATTERN.test(run.stdout()), 'the AMI URL');
    const url = URL_PATTERN.exec(run.stdout())![0];
    const port = Number(/:(\d+)$/.exec(url)![1]);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(5038);
    const ami = AmiConnection.fromUrl(url, { reconnect: false, logger: pino({ level: 'silent' }) });
    connections.push(ami);
    await ami.connect();
    expect((await ami.action('Ping')).get('Ping')).toBe('Pong');
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
  });

  it('should use the accounts of --config and stop on SIGINT', async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'octostate-cli-pbx-'));
    await writeFile(
      join(tempDir, 'manager.conf'),
      '[general]\nenabled = yes\n\n[watcher]\nsecret = w\nread = call\nwrite = \n\n[admin]\nsecret = p@ss/word\nread = all\nwrite = all\n',
    );
    await writeFile(
      join(tempDir, 'extensions.conf'),
      await readFile(join(DEFAULT_CONFIG_DIR, 'extensions.conf')),
    );
    const run = octostatePbx(['--port', '0', '--config', tempDir]);
    await until(() => URL_PATTERN.test(run.stdout()), 'the AMI URL');
    const url = URL_PATTERN.exec(run.stdout())![0];
    // The full-access account, not the first one; its secret URL-encoded.
    expect(url).toMatch(/^ami:\/\/admin:p%40ss%2Fword@127\.0\.0\.1:\d+$/);
    const ami = AmiConnection.fromUrl(url, { reconnect: false, logger: pino({ level: 'silent' }) });
    connections.push(ami);
    await ami.connect();
    expect((await ami.action('Ping')).get('Response')).toBe('Success');
    await ami.close();
    run.child.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
  });

  it('should refuse a bad port with status 2, and a port in use with status 1', async () => {
    const bad = octostatePbx(['--port', 'x']);
    expect((await bad.exit).code).toBe(2);
    expect(bad.stderr()).toContain('Bad --port: x');

    const first = octostatePbx(['--port', '0']);
    await until(() => URL_PATTERN.test(first.stdout()), 'the AMI URL');
    const port = /:(\d+)\s/.exec(first.stdout())![1]!;
    const second = octostatePbx(['--port', port]);
    expect((await second.exit).code).toBe(1);
    expect(second.stderr()).toContain('EADDRINUSE');
    first.child.kill('SIGTERM');
    expect((await first.exit).code).toBe(0);
  });

  it('should pick the account that may read and write everything', () => {
    const config = parseManagerConf(
      '[general]\n[limited]\nsecret = l\nread = call\nwrite = originate\n[manager]\nsecret = s\nread = all\nwrite = all\n',
    );
    expect(fullAccessUser(config.users)?.username).toBe('manager');
    expect(fullAccessUser(parseManagerConf('[general]\n').users)).toBeUndefined();
  });
});
