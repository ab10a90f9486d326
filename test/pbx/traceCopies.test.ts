import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRACES_DIR } from '../support/traces.js';

/** The project's own recordings (`npm run record`). */
const RECORDINGS = join(TRACES_DIR, '..', 'recordings');

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

  for (const dir of [TRACES_DIR, RECORDINGS]) {
    it(`should keep each recording of ${basename(dir)} whole: rx and tx are its timeline joined`, () => {
      const names = filesIn(dir)
        .filter((f) => f.endsWith('.timeline.jsonl'))
        .map((f) => f.slice(0, -'.timeline.jsonl'.length));
      expect(names.length).toBeGreaterThan(5);
      for (const name of names) {
        const chunks = readFileSync(join(dir, `${name}.timeline.jsonl`), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { dir: string; data: string });
        for (const way of ['rx', 'tx']) {
          const joined = chunks
            .filter((c) => c.dir === way)
            .map((c) => c.data)
            .join('');
          const file = readFileSync(join(dir, `${name}.${way}.txt`), 'utf8');
          expect({ name, way, same: joined === file }).toEqual({ name, way, same: true });
        }
      }
    });
  }
});
