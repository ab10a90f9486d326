import { pathToFileURL } from 'node:url';
import { formatSummary, type LoadOptions, runLoad } from '../examples/load/load.js';

/**
 * The hotline load demo at full size on the embedded PBX (real time), or on the real Asterisk at
 * `ASTERISK_AMI_URL` (running `asterisk-etc/`): 100 hotlines call 600 at once and
 * `hotlineMachine` connects each to one of 100 agents from the pool actor; then the same with 10
 * agents, so that 90 callers wait in line. Prints calls connected, the peak of concurrent bridges,
 * time to connect (p50/p95), agent utilisation, CPU seconds (this process; a local Asterisk) and
 * what is left at the end (all 0). Figures only: it never fails on time. `LOAD_BENCH_HOTLINES`,
 * `LOAD_BENCH_TALK_MS`.
 */
export async function runLoadBench(): Promise<void> {
  const hotlines = Number(process.env.LOAD_BENCH_HOTLINES ?? 100);
  const talkMs = Number(process.env.LOAD_BENCH_TALK_MS ?? 2000);
  const runs: LoadOptions[] = [
    { hotlines, agents: hotlines, talkMs },
    { hotlines, agents: Math.max(1, Math.round(hotlines / 10)), talkMs: talkMs / 4 },
  ];
  for (const options of runs) {
    const url = process.env.ASTERISK_AMI_URL;
    const summary = await runLoad({ ...options, ...(url ? { url } : {}), timeoutMs: 300_000 });
    console.log(formatSummary(options, summary).join('\n'));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runLoadBench();
