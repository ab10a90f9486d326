import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runTsx } from '../../support/spawnTsx.js';

/** `examples/load/load.ts` as a user runs it: its own process, the embedded PBX, its summary. */

afterEach(() => killLeftovers());

describe('examples/load/load.ts', () => {
  it('should run a small load on the embedded PBX and print the summary', async () => {
    const run = runTsx(
      'examples/load/load.ts',
      ['--hotlines', '8', '--agents', '3', '--talk-ms', '200'],
      {
        LOAD_BUSY_AGENTS: '1',
      },
    );
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
    const printed = run.stdout().split('\n');
    expect(printed[0]).toMatch(
      /^\s+0\.\d\ds 8 hotlines call 600; 3 agents \(1 busy\) on the embedded PBX$/,
    );
    const summary = printed.slice(printed.indexOf('load: 8 hotlines x 3 agents, talk 200 ms'));
    expect(summary).toEqual(
      expect.arrayContaining([
        '  calls placed:      8',
        '  connected:         8',
        '  failed:            0 (0 no agent reached, 0 hung up first, 0 not placed)',
        '  agent overlaps:    0',
        '  runtime at the end: channels 0, calls 0, flows 0, agiCommands 0, originates 0',
        '  pbx channels at the end: 0',
        '  pool at the end: 3 free, 0 busy, 0 waiting',
      ]),
    );
    expect(summary).toContainEqual(expect.stringMatching(/^ {2}max concurrent bridges: [12]$/));
    expect(summary).toContainEqual(
      expect.stringMatching(/^ {2}time to connect: {3}p50 \d+ ms, p95 \d+ ms, max \d+ ms$/),
    );
    expect(summary).toContainEqual(expect.stringMatching(/^ {2}agent utilisation: \d+\.\d% over /));
  }, 30_000);
});
