import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, ROOT, runTsx } from '../support/spawnTsx.js';

/**
 * `docs/embedding.md`: each snippet is a file of `docs/embedding/` (so the type check compiles it),
 * shown verbatim in the guide, and run here with what it must print.
 */

afterEach(() => killLeftovers());

const GUIDE = readFileSync(join(ROOT, 'docs/embedding.md'), 'utf8');
const FILES = readdirSync(join(ROOT, 'docs/embedding')).filter((name) => name.endsWith('.ts'));

/** What each runnable snippet prints (a module used by others is not run on its own). */
const PRINTS: Record<string, RegExp[]> = {
  'channelStatechart.ts': [
    /^ringing\nanswered\nanswered\+inAgi\nhungUp\n/,
    /cause: 16,\n\s+causeText: 'Normal Clearing'/,
  ],
  'provide.ts': [
    /PJSIP\/bob-00000002 answered\nPJSIP\/bob-00000002 hung up \(16\)\nmy IVR has 8 states/,
  ],
  'customFlow.ts': [
    /^ANSWER\ncollect 4 digits\nGET DATA agent-pass\n/,
    /\{ mailbox: '1001', outcome: 'listened' \}/,
  ],
  'noPbx.ts': [/the IVR passed 4 scripted calls without a PBX/],
  'modelPaths.ts': [/5 paths of the specification, each passed by the voicemail flow/],
};

describe('the embedding guide', () => {
  it('should show every snippet file verbatim, and nothing else as code', () => {
    const shown = [
      ...GUIDE.matchAll(/<!-- file: docs\/embedding\/(\S+) -->\n```ts\n([\s\S]*?)```\n/g),
    ];
    expect(shown.map((match) => match[1]).sort()).toEqual([...FILES].sort());
    for (const [, name, code] of shown) {
      expect(code, name).toBe(readFileSync(join(ROOT, 'docs/embedding', name!), 'utf8'));
    }
    expect(GUIDE.match(/```ts\n/g)).toHaveLength(FILES.length);
    // They import octostate as an application does, never the repository's sources.
    const imports = FILES.flatMap((name) =>
      [...readFileSync(join(ROOT, 'docs/embedding', name), 'utf8').matchAll(/from '([^']+)'/g)].map(
        (m) => m[1],
      ),
    );
    expect(imports).toContain('octostate');
    expect(imports.filter((from) => from?.includes('src/'))).toEqual([]);
  });

  it('should run every snippet and print what it says', async () => {
    expect(Object.keys(PRINTS).sort()).toEqual(
      FILES.filter((name) => name !== 'scriptedCall.ts').sort(),
    );
    const runs = Object.entries(PRINTS).map(([name, prints]) => ({
      name,
      prints,
      run: runTsx(`docs/embedding/${name}`),
    }));
    for (const { name, prints, run } of runs) {
      expect(await run.exit, `${name}: ${run.stderr()}`).toEqual({ code: 0, signal: null });
      for (const print of prints) expect(run.stdout(), name).toMatch(print);
    }
  }, 90_000);
});
