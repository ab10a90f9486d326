import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PbxEvent } from '../../src/pbx/events/types.js';
import { DEFAULT_CONFIG_DIR, ManualClock, type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { login } from './helpers/amiClient.js';

let pbx: PbxHandle | undefined;
let tempDir: string | undefined;

afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

/** Starts a PBX on a driven clock and records every event it publishes. */
async function start(configDir?: string) {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 19, 40));
  pbx = await startPbx({ port: 0, clock, ...(configDir ? { configDir } : {}) });
  const events: PbxEvent[] = [];
  pbx.pbx.subscribe((e) => events.push(e));
  return { pbx, clock, events };
}

const field = (e: PbxEvent, key: string) => e.fields.find(([k]) => k === key)?.[1];
const about = (events: PbxEvent[], channel: string) =>
  events
    .filter((e) => field(e, 'Channel') === channel)
    .map((e) => `${e.name}${e.name === 'Newexten' ? ` ${field(e, 'Application')}` : ''}`);

/** A config folder with the shipped manager.conf and extra dialplan. */
async function configWith(extensions: string): Promise<string> {
  tempDir = await mkdtemp(join(tmpdir(), 'octostate-pbx-'));
  await writeFile(
    join(tempDir, 'manager.conf'),
    await readFile(join(DEFAULT_CONFIG_DIR, 'manager.conf')),
  );
  await writeFile(join(tempDir, 'extensions.conf'), extensions);
  return tempDir;
}

describe('calls on the embedded PBX', () => {
  it('should run extension 401 to its hangup on driven time', async () => {
    const { pbx, clock, events } = await start();
    const one = await pbx.call({ exten: '401', callerId: '"Hello Test" <5550401>' });
    const two = one.replace(/;1$/, ';2');
    expect(pbx.channels().map((c) => [c.name, c.state])).toEqual([
      [one, 'Up'],
      [two, 'Up'],
    ]);
    await clock.advance(500);
    expect(pbx.channels().find((c) => c.name === two)?.application).toBe('Playback');
    await clock.advance(3500);
    expect(pbx.channels()).toEqual([]);
    expect(about(events, two)).toEqual([
      'Newchannel',
      'NewCallerid',
      'NewConnectedLine',
      'Newexten Answer',
      'Newstate',
      'Newexten Playback',
      'VarSet',
      'Newexten Hangup',
      'SoftHangupRequest',
      'Hangup',
    ]);
    const hangup = events.find((e) => e.name === 'Hangup' && field(e, 'Channel') === one);
    expect(field(hangup!, 'Cause')).toBe('16');
    expect(field(hangup!, 'Cause-txt')).toBe('Normal Clearing');
  });

  it('should bridge 402 with the agent and tear everything down on hangup', async () => {
    const { pbx, clock, events } = await start();
    const one = await pbx.call({ exten: '402', callerId: '"Bridge" <5550402>' });
    await clock.advance(1600);
    expect(events.filter((e) => e.name === 'BridgeEnter')).toHaveLength(2);
    expect(pbx.channels()).toHaveLength(4);
    pbx.hangup(one);
    await clock.advance(10);
    expect(pbx.channels()).toEqual([]);
    expect(events.filter((e) => e.name === 'BridgeDestroy')).toHaveLength(1);
    const dialed = events.filter(
      (e) => e.name === 'VarSet' && field(e, 'Variable') === 'ANSWEREDTIME_MS',
    );
    expect(dialed.map((e) => field(e, 'Value')).at(-1)).toBe('1600');
  });

  it('should drive an AsyncAGI call with AGI actions and digits', async () => {
    const { pbx, clock, events } = await start();
    const ami = await login(pbx.port);
    const placing = pbx.call({ exten: '403' });
    await clock.advance(0);
    const two = pbx.channels().find((c) => c.name.endsWith(';2'))!.name;
    const agi = async (id: string, command: string) => {
      ami.send([
        ['Action', 'AGI'],
        ['ActionID', id],
        ['Channel', two],
        ['Command', command],
        ['CommandID', id],
      ]);
      expect((await ami.next((m) => m.get('ActionID') === id)).get('Message')).toBe(
        'Added AGI command to queue',
      );
      await clock.advance(100);
    };
    const result = async (id: string) =>
      decodeURIComponent(
        (await ami.next((m) => m.name === 'AsyncAGIExec' && m.get('CommandId') === id)).get(
          'Result',
        ) ?? '',
      );
    await agi('answer', 'ANSWER');
    const one = await placing;
    await clock.advance(500);
    expect(await result('answer')).toBe('200 result=0\n');
    await agi('wfd', 'WAIT FOR DIGIT 5000');
    const pressing = pbx.sendDigits(one, '7', { durationMs: 100 });
    await clock.advance(100);
    await pressing;
    expect(await result('wfd')).toBe('200 result=55\n');
    await agi('getdata', 'GET DATA beep 3000 3');
    await pbx.sendDigits(two, '42#', { receive: true });
    await clock.advance(0);
    expect(await result('getdata')).toBe('200 result=42\n');
    await agi('var', 'SET VARIABLE COLOR blue');
    expect(await result('var')).toBe('200 result=1\n');
    await agi('get', 'GET VARIABLE COLOR');
    expect(await result('get')).toBe('200 result=1 (blue)\n');
    await agi('stream', 'STREAM FILE hello-world ""');
    await clock.advance(1420);
    expect(await result('stream')).toBe('200 result=0 endpos=11360\n');
    await agi('bogus', 'NO SUCH THING');
    expect(await result('bogus')).toBe('510 Invalid or unknown command\n');
    await agi('bye', 'HANGUP');
    await clock.advance(10);
    expect(await result('bye')).toBe('200 result=1\n');
    expect(pbx.channels()).toEqual([]);
    expect(events.some((e) => e.name === 'AsyncAGIEnd')).toBe(true);
    ami.close();
  });

  it('should run Set, Read, GotoIf, SendDTMF and end on an unknown application', async () => {
    const dir = await configWith(
      [
        '[default]',
        'exten => ivr,1,Answer()',
        ' same => n,Set(TRIES=1)',
        ' same => n,Read(PIN,beep,4)',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: dialplan ${VAR} syntax, not a template
        ' same => n,GotoIf($[${PIN} = 1234]?ok,1:bad,1)',
        'exten => ok,1,SendDTMF(9)',
        ' same => n,NoSuchApp()',
        'exten => bad,1,Hangup(21)',
      ].join('\n'),
    );
    const { pbx, clock, events } = await start(dir);
    const one = await pbx.call({ exten: 'ivr' });
    const two = one.replace(/;1$/, ';2');
    await clock.advance(500);
    await pbx.sendDigits(two, '1234', { receive: true });
    // SendDTMF(9): 100 ms of quiet, the digit for 100 ms, then 250 ms of pause.
    await clock.advance(500);
    expect(
      events
        .find((e) => field(e, 'Variable') === 'PIN' && field(e, 'Channel') === two)
        ?.fields.at(-1),
    ).toEqual(['Value', '1234']);
    expect(
      events.some(
        (e) => e.name === 'DTMFEnd' && field(e, 'Channel') === one && field(e, 'Digit') === '9',
      ),
    ).toBe(true);
    expect(pbx.channels()).toEqual([]);
    expect(about(events, two).slice(-3)).toEqual([
      'Newexten SendDTMF',
      'SoftHangupRequest',
      'Hangup',
    ]);
  });

  it('should follow Goto labels and Redirect a channel elsewhere', async () => {
    const dir = await configWith(
      [
        '[default]',
        'exten => start,1,Answer()',
        ' same => n,Goto(target,here)',
        'exten => target,1,Hangup(1)',
        ' same => n(here),Wait(60)',
        'exten => moved,1,Set(MOVED=yes)',
        ' same => n,Hangup()',
      ].join('\n'),
    );
    const { pbx, clock, events } = await start(dir);
    const one = await pbx.call({ exten: 'start' });
    const two = one.replace(/;1$/, ';2');
    await clock.advance(500);
    expect(pbx.channels().find((c) => c.name === two)).toMatchObject({
      exten: 'target',
      priority: 2,
    });
    const ami = await login(pbx.port);
    ami.send([
      ['Action', 'Redirect'],
      ['ActionID', 'r'],
      ['Channel', two],
      ['Exten', 'moved'],
      ['Context', 'default'],
      ['Priority', '1'],
    ]);
    expect((await ami.next((m) => m.get('ActionID') === 'r')).get('Response')).toBe('Success');
    await clock.advance(10);
    expect(events.some((e) => e.name === 'VarSet' && field(e, 'Variable') === 'MOVED')).toBe(true);
    expect(pbx.channels()).toEqual([]);
    ami.close();
  });

  it('should restart: hang up calls, announce Shutdown, close sessions and come back', async () => {
    const { pbx, clock } = await start();
    const ami = await login(pbx.port);
    await pbx.call({ exten: 'park' });
    const restarting = pbx.restart();
    await clock.advance(1200);
    const shutdown = await ami.next((m) => m.name === 'Shutdown');
    expect(shutdown.get('Restart')).toBe('True');
    await ami.closed;
    expect(pbx.channels()).toEqual([]);
    await clock.advance(1000);
    await restarting;
    const again = await login(pbx.port);
    again.close();
  });
});
