import { runSoak, type SoakSample } from './soak.js';

/**
 * `npm run bench -- soak`: 100,000 calls (`SOAK_CALLS`) through a runtime on the embedded PBX, 50
 * at a time (half 401 played by the dialplan, half 403 answered and hung up over AsyncAGI), on the
 * PBX's driven clock. Prints calls/s, RSS and heap after a garbage collection at the start (after
 * 1,000 calls of warm-up), middle and end, and what is left at the end. Figures only: the bounds
 * (drift at most 10%, nothing left) are asserted by `test/scale/soak.test.ts`.
 */
export async function runSoakBench(): Promise<void> {
  const calls = Number(process.env.SOAK_CALLS ?? 100_000);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const line = (s: SoakSample) =>
    `soak: ${s.label.padEnd(6)} after ${String(s.calls).padStart(6)} calls, ${s.seconds.toFixed(1).padStart(6)} s: RSS ${mb(s.rssBytes)}, heap ${mb(s.heapUsedBytes)}`;
  const result = await runSoak({ calls, onSample: (sample) => console.log(line(sample)) });
  const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
  console.log(
    `soak: ${result.calls} calls in ${result.seconds.toFixed(1)} s, ${result.callsPerSecond.toFixed(0)} calls/s; ` +
      `drift start->end: RSS ${percent(result.rssDrift)}, heap ${percent(result.heapDrift)}; ` +
      `at the end: ${result.actorsAtEnd} actors, ${result.statsAtEnd.channels} channels, ` +
      `${result.pbxChannelsAtEnd} PBX channels, ${result.failures.length} failed calls`,
  );
  for (const failure of result.failures) console.log(`soak: failed: ${failure}`);
}
