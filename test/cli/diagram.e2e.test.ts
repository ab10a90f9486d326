import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runTsx } from '../support/spawnTsx.js';

afterEach(() => killLeftovers());

describe('octostate diagram', () => {
  it('should print an exported machine as Mermaid, by its id or its export name', async () => {
    for (const name of ['ivr', 'ivrMachine']) {
      const run = runTsx('src/cli/main.ts', ['diagram', name, '--format', 'mermaid']);
      expect(await run.exit).toEqual({ code: 0, signal: null });
      expect(run.stdout()).toContain('stateDiagram-v2\n');
      expect(run.stdout()).toContain('ivr_answering --> ivr_passcode : done#58; answer');
      expect(run.stderr()).toBe('');
    }
  }, 60_000);

  it("should write a user's own machine to a file in SVG and DOT, and the invoked machines inside", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'octostate-diagram-'));
    try {
      const svg = join(dir, 'voicemail.svg');
      const mine = runTsx('src/cli/main.ts', [
        'diagram',
        './test/diagram/fixtures/voicemailMachine.ts#voicemailMachine',
        '--out',
        svg,
      ]);
      expect(await mine.exit).toEqual({ code: 0, signal: null });
      expect(mine.stdout()).toBe('');
      const text = readFileSync(svg, 'utf8');
      expect(text).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
      expect(text).toContain('>after 3 s<');
      expect(text).toContain('>after 2 min<');
      expect(text).toContain('>DIGIT [is star]<');
      expect(text).toContain('>DTMF [digit is *]<');
      const dot = runTsx('src/cli/main.ts', ['diagram', 'ivr', '--format', 'dot', '--invoked']);
      expect(await dot.exit).toEqual({ code: 0, signal: null });
      expect(dot.stdout()).toContain('subgraph "cluster_ivr.passcode/passcode" {');
      expect(dot.stdout()).toContain('label="machine passcode"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('should refuse an unknown machine, a module without it and a bad format (exit 2)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['diagram', 'nope'], /No machine "nope": one of .*channel.*ivr/],
      [
        ['diagram', './test/diagram/fixtures/voicemailMachine.ts#other'],
        /exports no XState machine named "other"/,
      ],
      [['diagram', 'ivr', '--format', 'png'], /Bad --format: png/],
    ];
    for (const [args, message] of cases) {
      const run = runTsx('src/cli/main.ts', args);
      expect(await run.exit, args.join(' ')).toEqual({ code: 2, signal: null });
      expect(run.stderr()).toMatch(message);
    }
  }, 90_000);
});
