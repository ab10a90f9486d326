import { pathToFileURL } from 'node:url';
import { runInspectorLoad } from './inspectorLoad.js';

/**
 * The inspector under load on the embedded PBX (see `inspectorLoad.ts`): 200 concurrent IVR calls,
 * the runtime alone, then with the inspector and 100 SSE clients (and one that reads nothing).
 * Prints the runtime's event-loop delay, CPU, RSS and AMI ping times, and what the inspector's
 * streams did. Figures only. `INSPECTOR_BENCH_CALLS`, `INSPECTOR_BENCH_CLIENTS`,
 * `INSPECTOR_BENCH_SECONDS`.
 */
export async function runInspectorBench(): Promise<void> {
  const calls = Number(process.env.INSPECTOR_BENCH_CALLS ?? 200);
  const clients = Number(process.env.INSPECTOR_BENCH_CLIENTS ?? 100);
  const seconds = Number(process.env.INSPECTOR_BENCH_SECONDS ?? 10);
  for (const inspect of [false, true]) {
    const f = await runInspectorLoad({
      calls,
      clients: inspect ? clients : 0,
      seconds,
      thinkMs: 4000,
      inspect,
      stalledClient: inspect,
    });
    const what = inspect ? `inspector + ${clients} SSE clients + 1 stalled` : 'runtime alone';
    console.log(
      [
        `inspector bench: ${calls} concurrent IVR calls, ${what}, ${seconds} s`,
        `  calls placed ${f.callsPlaced}, ended ${f.callsEnded}, peak concurrent ${f.peakConcurrentCalls}`,
        `  event-loop delay p50 ${f.eventLoopP50Ms.toFixed(1)} ms, p99 ${f.eventLoopP99Ms.toFixed(1)} ms, max ${f.eventLoopMaxMs.toFixed(1)} ms`,
        `  CPU ${f.cpuPercent.toFixed(0)}% of a core; RSS ${f.rssBeforeMb.toFixed(0)} MB before, ${f.rssStartMb.toFixed(0)} MB loaded, peak ${f.rssPeakMb.toFixed(0)} MB`,
        `  AMI pings answered ${f.pings} of ${f.pingsSent} (${f.pingFailures} failed), slowest ${f.pingMaxMs.toFixed(0)} ms, disconnects ${f.disconnects}`,
        ...(f.inspector
          ? [
              `  SSE: ${f.clientsConnected} clients, ${f.megabytesPerClient.toFixed(2)} MB each, dropped ${f.inspector.dropped}, refused ${f.inspector.refused}, peak buffered ${(f.inspector.peakBufferedBytes / 1024).toFixed(0)} KiB, ${f.inspector.flushes} flushes, longest ${f.inspector.maxFlushMs.toFixed(1)} ms of work (in slices)`,
            ]
          : []),
      ].join('\n'),
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runInspectorBench();
