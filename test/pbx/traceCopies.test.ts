import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRACES_DIR } from '../support/traces.js';

/** The team's folder of real-Asterisk recordings, beside the checkout (absent on a fresh clone). */
const SHARED = join(TRACES_DIR, '../../../../shared/ami-traces');

/** Every file of a folder, recursively, as paths relative to it. */
function filesIn(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesIn(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

describe('the verbatim copies of the shared recordings', () => {
  it.skipIf(!existsSync(SHARED))(
    'should hold every shared file (recordings, README, asterisk-etc) byte for byte',
    () => {
      const shared = filesIn(SHARED);
      expect(shared.length).toBeGreaterThan(0);
      expect(filesIn(TRACES_DIR)).toEqual(shared);
      for (const file of shared) {
        const same = readFileSync(join(TRACES_DIR, file)).equals(readFileSync(join(SHARED, file)));
        expect({ file, same }).toEqual({ file, same: true });
      }
    },
  );

  it('should keep each recording whole: its rx and tx are its timeline chunks joined', () => {
    const names = filesIn(TRACES_DIR)
      .filter((f) => f.endsWith('.timeline.jsonl'))
      .map((f) => f.slice(0, -'.timeline.jsonl'.length));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const chunks = readFileSync(join(TRACES_DIR, `${name}.timeline.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { dir: string; data: string });
      for (const dir of ['rx', 'tx']) {
        const joined = chunks
          .filter((c) => c.dir === dir)
          .map((c) => c.data)
          .join('');
        expect({
          name,
          dir,
          same: joined === readFileSync(join(TRACES_DIR, `${name}.${dir}.txt`), 'utf8'),
        }).toEqual({ name, dir, same: true });
      }
    }
  });
});
