import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The single-process runtime needs no NATS: nothing the `octostate` entry point imports, however
 * indirectly, is under `src/cluster` or imports the NATS client; `octostate/cluster` does.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every file reachable from `entry` by relative imports, and the packages they import. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(
      /(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g,
    )) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the default runtime without NATS', () => {
  it('should not reach src/cluster or the NATS client from the octostate entry point', () => {
    const { files, packages } = importGraph(join(SRC, 'index.ts'));
    expect(files.size).toBeGreaterThan(20);
    expect([...files].filter((file) => file.includes('/cluster/'))).toEqual([]);
    expect([...packages].filter((name) => name.startsWith('@nats-io'))).toEqual([]);
  });

  it('should reach the NATS client from octostate/cluster', () => {
    const { packages } = importGraph(join(SRC, 'cluster/index.ts'));
    expect(packages).toContain('@nats-io/transport-node');
  });
});
