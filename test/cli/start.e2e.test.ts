import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActorSummary } from '../../src/inspector/actorViews.js';
import { startPbx } from '../../src/pbx/index.js';
import { killLeftovers, runTsx, until } from '../support/spawnTsx.js';

afterEach(() => killLeftovers());

/** Printed lines without their time stamps. */
function lines(stdout: string): string[] {
  return stdout.split('\n').map((line) => line.replace(/^\s*\d+\.\d\ds /, ''));
}

/** The state changes printed for the channel whose name starts with `prefix`. */
function statesOf(printed: string[], prefix: string): string[] {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const change = new RegExp(`^ {2}${escaped}-[0-9a-f]{8}(;\\d): \\S+ -> (\\S+)$`);
  return printed.flatMap((line) => {
    const m = change.exec(line);
    return m ? [`${m[1]} ${m[2]}`] : [];
  });
}

describe('octostate start', () => {
  it('should run the demo calls on the embedded PBX and stop after --seconds', async () => {
    const run = runTsx('src/cli/main.ts', ['start', '--seconds', '26']);
    // The inspector is on by default with the embedded PBX: the channel of the first call shows.
    await until(() => run.stdout().includes('+ Local/401@default-00000000;2'), 'the first call');
    const inspectorUrl = /octostate: inspector at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(
      run.stdout(),
    )?.[1];
    expect(inspectorUrl).toBeDefined();
    const api = (await (await fetch(`${inspectorUrl}api/actors`)).json()) as {
      actors: ActorSummary[];
    };
    expect(api.actors[0]).toMatchObject({ id: 'supervisor', machine: 'ami' });
    expect(api.actors.map((actor) => actor.label)).toContain('Local/401@default-00000000;2');
    expect((await fetch(inspectorUrl!)).headers.get('content-type')).toBe(
      'text/html; charset=utf-8',
    );
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
    const printed = lines(run.stdout());
    expect(printed[0]).toMatch(
      /^octostate: runtime on the embedded PBX at ami:\/\/manager:secret@127\.0\.0\.1:\d+ \(Ctrl-C to stop\)$/,
    );
    expect(printed).toContain('connection connected');
    expect(printed).toContain('ready: 0 channels up');
    // 401: both halves appear, answer and hang up normally.
    expect(printed).toContainEqual(
      expect.stringMatching(/^\+ Local\/401@default-00000000;1 \(\d+\.\d+\) down at default\/401$/),
    );
    expect(printed).toContainEqual(
      expect.stringMatching(/^\+ Local\/401@default-00000000;2 \(\d+\.\d+\) ringing/),
    );
    expect(statesOf(printed, 'Local/401@default')).toEqual([';2 answered', ';1 answered']);
    expect(printed).toContain('- Local/401@default-00000000;1 hung up: 16 Normal Clearing');
    expect(printed).toContain('- Local/401@default-00000000;2 hung up: 16 Normal Clearing');
    // 402: the caller dials the agent and both ends are bridged, then the runtime hangs up.
    expect(statesOf(printed, 'Local/402@default')).toEqual([
      ';2 answered',
      ';1 answered',
      ';2 answered+dialing',
      ';2 answered',
      ';2 answered+bridged',
      ';2 answered',
    ]);
    // (The first four are the agent of 402, the next four the agent of 500.)
    expect(statesOf(printed, 'Local/agent@default').slice(0, 4)).toEqual([
      ';2 answered',
      ';1 answered',
      ';1 answered+bridged',
      ';1 answered',
    ]);
    expect(printed).toContain('demo 402: hanging up Local/402@default-00000001;1');
    for (const name of ['402@default-00000001', 'agent@default-00000002']) {
      for (const half of [';1', ';2']) {
        expect(printed).toContain(`- Local/${name}${half} hung up: 16 Normal Clearing`);
      }
    }
    // 403: AsyncAGI on ;2, driven by helloMachine: answered, then hung up by AGI (cause 0).
    expect(statesOf(printed, 'Local/403@default')).toEqual([
      ';2 ringing+inAgi',
      ';2 answered+inAgi',
      ';1 answered',
      ';2 answered',
    ]);
    for (const half of [';1', ';2']) {
      expect(printed).toContain(`- Local/403@default-00000003${half} hung up: 0 Unknown`);
    }
    // 500: the IVR on ;2 (AsyncAGI): passcode, menu, Dial to the agent and a bridge; the runtime
    // hangs the agent up, the bridge ends with Normal Clearing, Dial returns, the IVR hangs up.
    expect(statesOf(printed, 'Local/500@default')).toEqual([
      ';2 ringing+inAgi',
      ';2 answered+inAgi',
      ';1 answered',
      ';2 answered+dialing+inAgi',
      ';2 answered+inAgi',
      ';2 answered+inAgi+bridged',
      ';2 answered+inAgi',
      ';2 answered',
    ]);
    expect(statesOf(printed, 'Local/agent@default').slice(4)).toEqual([
      ';2 answered',
      ';1 answered',
      ';1 answered+bridged',
      ';1 answered',
    ]);
    const ivrSteps = printed.filter((line) => line.startsWith('demo 500: '));
    expect(ivrSteps).toEqual([
      'demo 500: IVR: passcode 12345#, then 1 dials the agent; the agent hangs up after 2 s',
      'demo 500: ivr answering',
      'demo 500: ivr passcode',
      'demo 500: the caller types 12345#',
      'demo 500: ivr menu',
      'demo 500: the caller presses 1',
      'demo 500: ivr connecting',
      'demo 500: hanging up the agent Local/agent@default-00000005;2',
      'demo 500: ivr hangingUp',
      'demo 500: ivr done (connected)',
    ]);
    for (const half of [';1', ';2']) {
      expect(printed).toContain(`- Local/500@default-00000004${half} hung up: 16 Normal Clearing`);
      expect(printed).toContain(
        `- Local/agent@default-00000005${half} hung up: 16 Normal Clearing`,
      );
    }
    expect(printed).toContain('demo calls done');
    expect(printed).toContain('stopped (--seconds 26): 12 channels seen, 12 hung up, 0 live');
    expect(printed).toContain(`octostate: inspector at ${inspectorUrl}`);
  }, 90_000);

  it('should only watch a real Asterisk given by ASTERISK_AMI_URL, and stop on SIGINT', async () => {
    const pbx = await startPbx({ port: 0 });
    try {
      const url = pbx.url.replace('ami://', 'ami://manager:secret@');
      const run = runTsx('src/cli/main.ts', ['start'], { ASTERISK_AMI_URL: url });
      await until(() => run.stdout().includes('ready:'), 'the runtime to be ready');
      // A call placed by someone else: 401 plays for about 3.5 s (real time), then hangs up.
      await pbx.call({ exten: '401', callerId: '"Outside" <5550001>' });
      await until(() => (run.stdout().match(/ hung up: /g) ?? []).length === 2, 'both hang-ups');
      run.child.kill('SIGINT');
      expect(await run.exit).toEqual({ code: 0, signal: null });
      const printed = lines(run.stdout());
      // The secret is not printed; no demo call is placed on somebody else's PBX.
      expect(printed[0]).toBe(
        `octostate: runtime on ${url.replace(':secret@', ':***@')} (Ctrl-C to stop)`,
      );
      expect(printed.some((line) => line.startsWith('demo'))).toBe(false);
      // Nor is an inspector started unless asked for (--inspect).
      expect(printed.some((line) => line.includes('inspector'))).toBe(false);
      expect(printed).toContain('- Local/401@default-00000000;2 hung up: 16 Normal Clearing');
      expect(printed).toContain('stopped (SIGINT): 2 channels seen, 2 hung up, 0 live');
    } finally {
      await pbx.stop();
    }
  });

  it('should serve the inspector on a real Asterisk with --inspect, and stop it with the runtime', async () => {
    const pbx = await startPbx({ port: 0 });
    try {
      const url = pbx.url.replace('ami://', 'ami://manager:secret@');
      const run = runTsx('src/cli/main.ts', ['start', '--inspect', '--no-demo'], {
        ASTERISK_AMI_URL: url,
      });
      await until(() => run.stdout().includes('ready:'), 'the runtime to be ready');
      const inspectorUrl = /octostate: inspector at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(
        run.stdout(),
      )?.[1];
      expect(inspectorUrl).toBeDefined();
      const api = await (await fetch(`${inspectorUrl}api/actors`)).text();
      expect(JSON.parse(api).actors).toEqual([expect.objectContaining({ id: 'supervisor' })]);
      expect(api).not.toContain('secret');
      run.child.kill('SIGINT');
      expect(await run.exit).toEqual({ code: 0, signal: null });
      await expect(fetch(inspectorUrl!)).rejects.toThrow();
    } finally {
      await pbx.stop();
    }
  });

  it('should exit 3 when the login is refused, 1 when Asterisk cannot be reached, 2 on a bad flag', async () => {
    const pbx = await startPbx({ port: 0 });
    const port = pbx.port;
    // The inspector's port is taken: exit 1, the PBX and the runtime stopped.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    // Independent runs, side by side: each spends most of its time starting tsx.
    try {
      const refused = runTsx('src/cli/main.ts', [
        'start',
        '--url',
        `ami://manager:not-the-secret@127.0.0.1:${port}`,
      ]);
      const bad = runTsx('src/cli/main.ts', ['start', '--seconds', '0']);
      const badInspect = runTsx('src/cli/main.ts', ['start', '--inspect=99999']);
      const takenPort = (taken.address() as AddressInfo).port;
      const busy = runTsx('src/cli/main.ts', ['start', '--inspect', String(takenPort)]);
      expect((await refused.exit).code).toBe(3);
      expect(refused.stderr()).toContain('Authentication failed');
      expect(refused.stdout() + refused.stderr()).not.toContain('not-the-secret');
      expect((await bad.exit).code).toBe(2);
      expect(bad.stderr()).toContain('Bad --seconds: 0');
      expect((await badInspect.exit).code).toBe(2);
      expect(badInspect.stderr()).toContain('Bad --inspect port: 99999');
      expect((await busy.exit).code).toBe(1);
      expect(busy.stderr()).toContain('cannot start the inspector: listen EADDRINUSE');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await pbx.stop(); // nothing listens on that port any more
    }
    const unreachable = runTsx('src/cli/main.ts', [
      'start',
      '--url',
      `ami://m:s@127.0.0.1:${port}`,
    ]);
    expect((await unreachable.exit).code).toBe(1);
    expect(unreachable.stderr()).toContain('cannot connect');
  }, 60_000);
});
