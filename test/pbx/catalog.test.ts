import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PbxEvent } from '../../src/pbx/events/types.js';
import { DEFAULT_CONFIG_DIR, ManualClock, type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { StreamSplitter } from './replay/wire.js';

/**
 * Events the traces do not show (DialState, a busy phone, AGI commands beyond the recorded ones)
 * must still only carry fields Asterisk 22 documents for them (test/fixtures/asterisk-catalog)
 * or that the recordings show.
 */
interface CatalogField {
  name?: string;
  snapshot?: 'channel' | 'bridge';
  prefix?: string;
}
interface Catalog {
  events: Record<string, { instances: { fields: CatalogField[] }[] }>;
  snapshots: Record<'channel' | 'bridge', string[]>;
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const catalog = JSON.parse(
  readFileSync(join(FIXTURES, 'asterisk-catalog', 'asterisk-22.json'), 'utf8'),
) as Catalog;

/** Event name -> every key real Asterisk may send with it (documented or recorded). */
function allowedKeys(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (event: string, key: string) => {
    if (!out.has(event)) out.set(event, new Set(['Event', 'Privilege']));
    out.get(event)!.add(key.toLowerCase());
  };
  for (const [event, def] of Object.entries(catalog.events)) {
    for (const inst of def.instances) {
      for (const f of inst.fields) {
        if (f.name) add(event, f.name);
        if (f.snapshot) {
          for (const k of catalog.snapshots[f.snapshot]) add(event, `${f.prefix ?? ''}${k}`);
          if (f.snapshot === 'channel') add(event, `${f.prefix ?? ''}ChanVariable`);
        }
      }
    }
  }
  const traces = join(FIXTURES, 'ami-traces');
  for (const file of [
    'hello',
    'bridge',
    'asyncagi-dtmf',
    'actions',
    'originate-variants',
    'shutdown',
  ]) {
    const splitter = new StreamSplitter();
    for (const m of splitter.feed(readFileSync(join(traces, `${file}.rx.txt`), 'utf8'))) {
      if (m.event) for (const [k] of m.fields) add(m.event, k);
    }
  }
  return out;
}

let pbx: PbxHandle | undefined;
let dir: string | undefined;

afterEach(async () => {
  await pbx?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  pbx = undefined;
  dir = undefined;
});

describe('events the PBX publishes', () => {
  it('should only carry fields Asterisk documents or sends', async () => {
    dir = await mkdtemp(join(tmpdir(), 'octostate-catalog-'));
    await writeFile(
      join(dir, 'manager.conf'),
      await readFile(join(DEFAULT_CONFIG_DIR, 'manager.conf')),
    );
    await writeFile(
      join(dir, 'extensions.conf'),
      [
        await readFile(join(DEFAULT_CONFIG_DIR, 'extensions.conf'), 'utf8'),
        'exten => alice,1,Dial(PJSIP/alice)',
        ' same => n,Hangup()',
        'exten => busy,1,Dial(PJSIP/busy,5)',
        ' same => n,Hangup(17)',
      ].join('\n'),
    );
    const clock = new ManualClock(Date.UTC(2026, 10, 27));
    pbx = await startPbx({
      port: 0,
      clock,
      configDir: dir,
      phones: [{ name: 'alice' }, { name: 'busy', behaviour: 'busy', ringMs: 100 }],
    });
    const events: PbxEvent[] = [];
    pbx.pbx.subscribe((e) => events.push(e));
    const alice = pbx.call({
      exten: 'alice',
      callerId: '"Cat" <100>',
      variables: { AsyncOrigId: 'x' },
    });
    const busy = pbx.call({ exten: 'busy' }).catch(() => undefined);
    const agi = pbx.call({ exten: '403' }).catch(() => undefined);
    await clock.advance(1000);
    const one = await alice;
    const pressing = pbx.sendDigits(one, '5', { durationMs: 100 });
    await clock.advance(100);
    await pressing;
    pbx.hangup(one);
    await clock.advance(31_000);
    await Promise.all([busy, agi]);
    const allowed = allowedKeys();
    const names = new Set(events.map((e) => e.name));
    expect([...names].sort()).toEqual(
      expect.arrayContaining([
        'BridgeEnter',
        'DTMFEnd',
        'DialBegin',
        'DialEnd',
        'DialState',
        'Hangup',
        'AsyncAGIStart',
      ]),
    );
    const unknown = events.flatMap((e) => {
      const keys = allowed.get(e.name);
      if (!keys) return [`${e.name}: not an Asterisk event`];
      return e.fields.filter(([k]) => !keys.has(k.toLowerCase())).map(([k]) => `${e.name}: ${k}`);
    });
    expect([...new Set(unknown)]).toEqual([]);
  });
});
