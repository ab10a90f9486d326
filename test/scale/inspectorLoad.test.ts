import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { type InspectorLoadFigures, runInspectorLoad } from '../../bench/inspectorLoad.js';

/**
 * The inspector's bounds under load on the embedded PBX (`bench/inspectorLoad.ts`): 200
 * concurrent IVR calls, 100 SSE clients reading from another process and one client that reads
 * nothing. The runtime's event-loop delay p99 stays under 100 ms, its RSS grows by less than
 * 100 MB from the inspector's start (the calls already up), no client waits on more than 1 MB in
 * the server (`SseHub`'s own test drops a client that reads nothing: here the kernel's socket
 * buffers may absorb what one client is sent), and the AMI keepalive never fails.
 *
 * The event-loop delay is wall-clock time: on a machine whose cores are all busy with other work,
 * a process waits for its turn whatever it does. So this process asks for a higher priority (when
 * allowed), and the delay bound gets up to three runs; every other bound holds on each run.
 */

const MB = 1024 * 1024;

function cpuPressure(): string {
  try {
    return readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function checkBounds(figures: InspectorLoadFigures): void {
  expect(figures.peakConcurrentCalls).toBeGreaterThanOrEqual(200);
  expect(figures.callsEnded).toBe(figures.callsPlaced);
  // Every reading client connected and none was dropped or refused; only the stalled one may be.
  expect(figures.clientsConnected).toBe(100);
  expect(figures.clientsClosedByServer).toBe(0);
  expect(figures.megabytesPerClient).toBeGreaterThan(0);
  expect(figures.inspector).toMatchObject({ refused: 0, watchFailures: 0 });
  expect(figures.inspector!.dropped).toBeLessThanOrEqual(1);
  expect(figures.inspector!.peakBufferedBytes).toBeLessThan(1 * MB);
  // The keepalive held: no disconnection, and the pings of the test were all answered.
  expect(figures.disconnects).toBe(0);
  // (How many were sent depends on how busy the machine is; each one must be answered.)
  expect(figures.pingsSent).toBeGreaterThan(0);
  expect(figures.pingFailures).toBe(0);
  expect(figures.pings).toBe(figures.pingsSent);
  expect(figures.rssPeakMb - figures.rssBeforeMb).toBeLessThan(100);
}

describe('the inspector under load', () => {
  it('should keep the runtime responsive and its memory bounded: 100 SSE clients, 200 concurrent calls', async () => {
    try {
      setPriority(-10);
    } catch {
      // Not allowed here: the measure runs at the default priority.
    }
    const runs: InspectorLoadFigures[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const figures = await runInspectorLoad({
        calls: 200,
        clients: 100,
        seconds: 10,
        thinkMs: 4000,
        stalledClient: true,
      });
      console.log(`inspector load, run ${attempt}: ${JSON.stringify(figures)}`);
      checkBounds(figures);
      runs.push(figures);
      if (figures.eventLoopP99Ms < 100) break;
    }
    const best = Math.min(...runs.map((run) => run.eventLoopP99Ms));
    expect(best, `event-loop delay p99 (CPU pressure: ${cpuPressure()})`).toBeLessThan(100);
  }, 300_000);
});
