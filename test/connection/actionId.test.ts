import { describe, expect, it } from 'vitest';
import { createActionIdGenerator } from '../../src/connection/actionId.js';

describe('createActionIdGenerator', () => {
  it('should give every ActionID of a connection a new sequence number', () => {
    const next = createActionIdGenerator();
    const ids = Array.from({ length: 1000 }, () => next());
    expect(new Set(ids).size).toBe(1000);
    expect(ids[0]).toMatch(/^[0-9a-f]{10}-\d+-1$/);
    expect(ids[999]).toMatch(/-1000$/);
  });

  it('should never repeat an ActionID across connections of one process', () => {
    const a = createActionIdGenerator();
    const b = createActionIdGenerator();
    const ids = [a(), b(), a(), b()];
    expect(new Set(ids).size).toBe(4);
    // Same process prefix, different connection numbers.
    expect(ids[0]?.split('-')[0]).toBe(ids[1]?.split('-')[0]);
    expect(ids[0]?.split('-')[1]).not.toBe(ids[1]?.split('-')[1]);
  });

  it('should use a given prefix verbatim, for predictable replays', () => {
    const next = createActionIdGenerator('test');
    expect([next(), next()]).toEqual(['test-1', 'test-2']);
  });
});

describe('ActionIDs across processes', () => {
  it('should differ between two processes', async () => {
    const { execFileSync } = await import('node:child_process');
    const script =
      "import('./src/connection/actionId.ts').then((m) => process.stdout.write(m.createActionIdGenerator()()))";
    const run = (): string =>
      execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
        cwd: new URL('../..', import.meta.url),
        encoding: 'utf8',
      });
    const [first, second] = [run(), run()];
    expect(first).toMatch(/^[0-9a-f]{10}-1-1$/);
    expect(second).toMatch(/^[0-9a-f]{10}-1-1$/);
    expect(first).not.toBe(second);
  });
});
