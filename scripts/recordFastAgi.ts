/**
 * Records the FastAGI scenarios of `test/fastagi/scenarios.ts` against a real Asterisk that runs
 * this project's `asterisk-etc` (extensions 404 and 501), into `test/fixtures/fastagi-traces/`:
 * for each scenario `<name>.rx.txt`, `.tx.txt`, `.timeline.jsonl` (the AMI session that placed the
 * call) and `<name>.fastagi.*` (the FastAGI connection Asterisk opened), in the format of the AMI
 * recordings (`test/fixtures/ami-traces/README.md`).
 *
 *   /work/ast-own.sh start <name> <port>   # or ../shared/asterisk/asterisk-up start --etc asterisk-etc
 *   npm run record:fastagi -- ami://manager:secret@127.0.0.1:<port> [scenario...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { driverTarget, runFastAgiScenario } from '../test/fastagi/scenarioDriver.js';
import { FASTAGI_SCENARIOS } from '../test/fastagi/scenarios.js';
import type { TimelineChunk } from '../test/support/traces.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/fastagi-traces');

function write(base: string, chunks: readonly TimelineChunk[]): void {
  const text = (dir: 'rx' | 'tx') =>
    chunks
      .filter((chunk) => chunk.dir === dir)
      .map((chunk) => chunk.data)
      .join('');
  writeFileSync(`${base}.rx.txt`, text('rx'));
  writeFileSync(`${base}.tx.txt`, text('tx'));
  writeFileSync(`${base}.timeline.jsonl`, chunks.map((c) => `${JSON.stringify(c)}\n`).join(''));
}

const [url = '', ...names] = process.argv.slice(2);
if (!url.startsWith('ami://')) {
  console.error('usage: npm run record:fastagi -- ami://user:secret@host:port [scenario...]');
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });
for (const scenario of FASTAGI_SCENARIOS) {
  if (names.length > 0 && !names.includes(scenario.name)) continue;
  const capture = await runFastAgiScenario(driverTarget(url), scenario);
  write(join(OUT, scenario.name), capture.ami);
  if (capture.agi.length > 0) write(join(OUT, `${scenario.name}.fastagi`), capture.agi);
  console.log(
    `${scenario.name}: ${capture.ami.length} AMI chunks, ${capture.agi.length} FastAGI chunks`,
  );
}
