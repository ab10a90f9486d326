import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PbxEvent } from '../../src/pbx/events/types.js';
import { DEFAULT_CONFIG_DIR, ManualClock, type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { login, type TestClient } from './helpers/amiClient.js';

let pbx: PbxHandle | undefined;
let ami: TestClient | undefined;
let dir: string | undefined;

afterEach(async () => {
  ami?.close();
  await pbx?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  pbx = undefined;
  ami = undefined;
  dir = undefined;
});

const PLAN = [
  '[default]',
  'exten => ring-bob,1,Dial(PJSIP/bob,5)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dialplan ${VAR} syntax, not a template
  ' same => n,Set(AFTER=${DIALSTATUS})',
  ' same => n,Hangup()',
  'exten => ring-alice,1,Dial(PJSIP/alice)',
  ' same => n,Hangup()',
  'exten => pin,1,Answer()',
  ' same => n,Read(PIN,,4)',
  ' same => n,Hangup()',
].join('\n');

async function start() {
  dir = await mkdtemp(join(tmpdir(), 'octostate-phones-'));
  await writeFile(
    join(dir, 'manager.conf'),
    await readFile(join(DEFAULT_CONFIG_DIR, 'manager.conf')),
  );
  await writeFile(join(dir, 'extensions.conf'), PLAN);
  const clock = new ManualClock(Date.UTC(2026, 10, 27));
  pbx = await startPbx({
    port: 0,
    clock,
    configDir: dir,
    phones: [
      { name: 'alice', ringMs: 1000 },
      { name: 'busy', behaviour: 'busy', ringMs: 200 },
      { name: 'bob', behaviour: 'no-answer' },
    ],
  });
  const events: PbxEvent[] = [];
  pbx.pbx.subscribe((e) => events.push(e));
  ami = await login(pbx.port);
  return { pbx, ami, clock, events };
}

const field = (e: PbxEvent, key: string) => e.fields.find(([k]) => k === key)?.[1];

function originate(c: TestClient, id: string, channel: string) {
  c.send([
    ['Action', 'Originate'],
    ['ActionID', id],
    ['Channel', channel],
    ['Application', 'Wait'],
    ['Data', '2'],
    ['Async', 'true'],
  ]);
  return c.next((m) => m.get('ActionID') === id && m.kind === 'response');
}

describe('simulated PJSIP phones', () => {
  it('should ring then answer an Originate to PJSIP/alice', async () => {
    const { ami, clock, events } = await start();
    await originate(ami, 'o1', 'PJSIP/alice');
    await clock.advance(1000);
    const r = await ami.next((m) => m.name === 'OriginateResponse');
    expect([r.get('Response'), r.get('Reason')]).toEqual(['Success', '4']);
    expect(r.get('Channel')).toMatch(/^PJSIP\/alice-[0-9a-f]{8}$/);
    expect(events.map((e) => e.name)).toContain('DialState');
    await clock.advance(2000);
    expect(pbx!.channels()).toEqual([]);
  });

  it('should report a busy phone and an unknown one as failures', async () => {
    const { ami, clock } = await start();
    await originate(ami, 'busy', 'PJSIP/busy');
    await originate(ami, 'nobody', 'PJSIP/nobody');
    await clock.advance(200);
    const busy = await ami.next(
      (m) => m.name === 'OriginateResponse' && m.get('ActionID') === 'busy',
    );
    const nobody = await ami.next(
      (m) => m.name === 'OriginateResponse' && m.get('ActionID') === 'nobody',
    );
    // chan_pjsip turns 486 Busy Here into a hang-up with cause 17, not a busy indication, so
    // Asterisk's dialer reports DialEnd BUSY but the Originate fails with Reason 0.
    expect([busy.get('Response'), busy.get('Reason')]).toEqual(['Failure', '0']);
    expect([nobody.get('Response'), nobody.get('Reason'), nobody.get('Uniqueid')]).toEqual([
      'Failure',
      '0',
      '<unknown>',
    ]);
  });

  it('should let Dial() time out on a phone that never answers', async () => {
    const { pbx, clock, events } = await start();
    // The caller is never answered: Dial() only answers it when the phone does.
    const placing = pbx.call({ exten: 'ring-bob' }).catch((e: unknown) => e);
    await clock.advance(5000);
    expect(await placing).toBeInstanceOf(Error);
    const after = events.find((e) => e.name === 'VarSet' && field(e, 'Variable') === 'AFTER');
    expect(after && field(after, 'Value')).toBe('NOANSWER');
    expect(events.some((e) => e.name === 'DialEnd' && field(e, 'DialStatus') === 'NOANSWER')).toBe(
      true,
    );
    await clock.advance(10);
    expect(pbx.channels()).toEqual([]);
  });

  it('should bridge a Dial() to a phone that answers', async () => {
    const { pbx, clock, events } = await start();
    const placing = pbx.call({ exten: 'ring-alice' });
    await clock.advance(1000);
    const one = await placing;
    expect(events.filter((e) => e.name === 'BridgeEnter').map((e) => field(e, 'Channel'))).toEqual([
      expect.stringMatching(/^PJSIP\/alice-/),
      one.replace(/;1$/, ';2'),
    ]);
    pbx.hangup(one);
    await clock.advance(10);
    expect(pbx.channels()).toEqual([]);
  });

  it('should run the dialplan for a call a phone places, with the digits it presses', async () => {
    const { pbx, clock, events } = await start();
    const ch = pbx.phoneCall('alice', 'pin');
    expect(ch).toMatch(/^PJSIP\/alice-/);
    await clock.advance(500);
    await pbx.sendDigits(ch, '4321', { receive: true });
    await clock.advance(10);
    const pin = events.find((e) => e.name === 'VarSet' && field(e, 'Variable') === 'PIN');
    expect(pin && field(pin, 'Value')).toBe('4321');
    expect(pbx.channels()).toEqual([]);
    expect(() => pbx.phoneCall('nobody', 'pin')).toThrow(/no such phone/);
  });
});
