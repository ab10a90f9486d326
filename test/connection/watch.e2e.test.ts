import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptedAmiServer } from '../support/scriptedAmiServer.js';
import { killLeftovers, runTsx } from '../support/spawnTsx.js';
import { cleanUp, server } from './support.js';

/** Runs `octostate <args>` from the sources with tsx. */
function octostate(args: string[], env: Record<string, string> = {}) {
  return runTsx('src/cli/main.ts', args, env);
}

/** A server that sends two call events right after a successful login. */
async function busyServer(): Promise<ScriptedAmiServer> {
  const target: ScriptedAmiServer = await server({
    handlers: {
      Login: (action, client) => {
        target.builtIn(action, client);
        if (!client.loggedIn) return;
        client.event('Newchannel', { Channel: 'PJSIP/100-00000001', CallerIDName: 'Zoë Ångström' });
        client.event('Hangup', { Channel: 'PJSIP/100-00000001', Cause: '16' });
      },
    },
  });
  return target;
}

async function until(probe: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 15_000; waited += 20) {
    if (probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

afterEach(async () => {
  killLeftovers();
  await cleanUp();
});

describe('octostate watch', () => {
  it('should print events readably and exit after --count', async () => {
    const target = await busyServer();
    const run = octostate(['watch', '--url', target.url, '--count', '3']);
    expect(await run.exit).toEqual({ code: 0, signal: null });
    const out = run.stdout();
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} FullyBooted\n {4}Privilege: system,all\n/);
    expect(out).toContain(' Newchannel\n    Channel: PJSIP/100-00000001\n');
    expect(out).toContain('    CallerIDName: Zoë Ångström\n');
    expect(out).toContain(' Hangup\n    Channel: PJSIP/100-00000001\n    Cause: 16\n');
    expect(run.stderr()).toContain('connected to 127.0.0.1');
    expect(target.received('Logoff')).toHaveLength(1);
  });

  it('should take its settings from ASTERISK_AMI_URL, filter, and print JSON', async () => {
    const target = await busyServer();
    const run = octostate(['watch', '--filter', 'hangup', '--json', '--count', '1', '--md5'], {
      ASTERISK_AMI_URL: target.url,
    });
    expect((await run.exit).code).toBe(0);
    const lines = run.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0] ?? '');
    expect(printed.event).toBe('Hangup');
    expect(printed.fields).toMatchObject({ Event: 'Hangup', Cause: '16' });
    expect(target.received('Challenge')).toHaveLength(1);
  });

  it('should log off and exit 0 on SIGTERM', async () => {
    const target = await busyServer();
    const run = octostate(['watch', '--url', target.url]);
    await until(() => run.stdout().includes('Hangup'), 'the Hangup event');
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(target.received('Logoff')).toHaveLength(1);
  });

  it('should exit 0 on SIGINT too', async () => {
    const target = await busyServer();
    const run = octostate(['watch', '--url', target.url]);
    await until(() => run.stdout().includes('Hangup'), 'the Hangup event');
    run.child.kill('SIGINT');
    expect((await run.exit).code).toBe(0);
  });

  it('should exit 3 when the login is refused, without printing the secret', async () => {
    const target = await server();
    const url = target.url.replace(':secret@', ':not-the-secret@');
    const run = octostate(['watch', '--url', url]);
    expect((await run.exit).code).toBe(3);
    expect(run.stderr()).toContain('Authentication failed');
    expect(run.stderr()).not.toContain('not-the-secret');
    expect(target.clients).toHaveLength(1);
  });

  it('should explain a missing address and exit 2', async () => {
    const run = octostate(['watch']);
    expect((await run.exit).code).toBe(2);
    expect(run.stderr()).toContain('ASTERISK_AMI_URL');
  });

  it('should list the commands, and refuse unknown ones', async () => {
    const help = octostate(['--help']);
    expect((await help.exit).code).toBe(0);
    expect(help.stdout()).toMatch(/Commands:\n\s+watch/);
    const unknown = octostate(['nope']);
    expect((await unknown.exit).code).toBe(2);
    expect(unknown.stderr()).toContain('unknown command "nope"');
  });
});
