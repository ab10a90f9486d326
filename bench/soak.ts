import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import type { ActorRefLike } from 'xstate';
import { AmiConnection } from '../src/connection/AmiConnection.js';
import { ManualClock, startPbx } from '../src/pbx/index.js';
import { createRuntime } from '../src/runtime/createRuntime.js';
import type { RuntimeStats } from '../src/runtime/runtime.js';

/** Settings of {@link runSoak}. */
export interface SoakOptions {
  /** Calls to run in all. */
  readonly calls: number;
  /** Calls up at once (default 50). */
  readonly concurrency?: number;
  /**
   * Calls run before the first memory sample, so that it is taken once the process has grown to
   * its working size (default a fifth of the calls, at least 1,000).
   */
  readonly warmUp?: number;
  /** Told of each sample as it is taken. */
  readonly onSample?: (sample: SoakSample) => void;
}

/**
 * Memory after a full garbage collection with no call up, around `calls` calls: the median of
 * five readings over the last tenth of the calls before it.
 */
export interface SoakSample {
  readonly label: 'start' | 'middle' | 'end';
  readonly calls: number;
  readonly seconds: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

/** What a soak measured. */
export interface SoakResult {
  readonly calls: number;
  readonly seconds: number;
  readonly callsPerSecond: number;
  readonly samples: readonly SoakSample[];
  /** `(end - start) / start` of the RSS samples. */
  readonly rssDrift: number;
  /** `(end - start) / start` of the heap in use. */
  readonly heapDrift: number;
  /** Actors of the runtime's system still running at the end (the supervisor excluded). */
  readonly actorsAtEnd: number;
  readonly statsAtEnd: RuntimeStats;
  readonly pbxChannelsAtEnd: number;
  readonly failures: readonly string[];
}

const silent = pino({ level: 'silent' });
const LINGER_MS = 50;

/**
 * Runs `calls` calls through a runtime (`createRuntime` over TCP) on the embedded PBX, `concurrency`
 * at a time, half to 401 (the dialplan answers, plays hello-world, hangs up) and half to 403
 * (AsyncAGI: a `runtime.handle` handler answers and hangs up). The PBX runs on a `ManualClock`
 * moved on by 100 ms a turn, so prompts cost no real time; the runtime's own timers are real.
 * Memory is sampled after a garbage collection at the end of the warm-up, in the middle and at
 * the end; then every call must be gone from the runtime and the PBX.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const concurrency = options.concurrency ?? 50;
  const warmUp = Math.min(
    options.warmUp ?? Math.max(1000, Math.round(options.calls / 5)),
    Math.floor(options.calls / 2),
  );
  const collect = garbageCollector();
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 12, 0));
  const pbx = await startPbx({ port: 0, clock });
  const connection = AmiConnection.fromUrl(pbx.url.replace('ami://', 'ami://manager:secret@'), {
    logger: silent,
    reconnect: false,
  });
  const runtime = createRuntime({ client: connection, logger: silent, lingerMs: LINGER_MS });
  const running = new Set<ActorRefLike>();
  runtime.supervisor.system.inspect((event) => {
    if (event.type === '@xstate.actor') {
      if (event.actorRef !== runtime.supervisor) running.add(event.actorRef);
    } else if (event.type === '@xstate.snapshot') {
      if ((event.snapshot as { status?: string }).status !== 'active')
        running.delete(event.actorRef);
    }
  });
  const failures: string[] = [];
  runtime.handle({ exten: '403', inAgi: true }, async (call) => {
    await call.answer();
    await call.hangup();
  });
  let removed = 0;
  runtime.bus.on('removed', () => {
    removed += 1;
  });
  await connection.connect();
  await runtime.ready();

  let started = 0;
  let ended = 0;
  let driving = true;
  // The PBX's time: 100 ms a turn while calls run, letting sockets and promises move in between.
  const driver = (async () => {
    while (driving) await clock.advance(100);
  })();
  const oneCall = async (n: number): Promise<void> => {
    const exten = n % 2 === 0 ? '401' : '403';
    try {
      const call = await runtime.originate({
        channel: `Local/${exten}@default`,
        application: 'Wait',
        data: '60',
        callerId: `"Soak ${n}" <${n}>`,
      });
      await call.waitForHangup();
    } catch (error) {
      if (failures.length < 20) failures.push(`call ${n} to ${exten}: ${String(error)}`);
    }
  };

  const samples: SoakSample[] = [];
  const began = performance.now();
  /** Memory once the calls so far have lingered out, after a full collection. */
  const measure = async () => {
    const deadline = Date.now() + 30_000;
    while (removed < 2 * ended && Date.now() < deadline) await sleep(LINGER_MS);
    // Twice, a moment apart: V8 hands freed pages back to the system after a collection, not in it.
    collect();
    await sleep(100);
    collect();
    return process.memoryUsage();
  };
  const runUpTo = async (upTo: number) => {
    const workers = Array.from({ length: concurrency }, async () => {
      while (started < upTo) {
        started += 1;
        await oneCall(started);
        ended += 1;
      }
    });
    await Promise.all(workers);
  };
  const marks: Array<[number, SoakSample['label']]> = [
    [warmUp, 'start'],
    [Math.round((warmUp + options.calls) / 2), 'middle'],
    [options.calls, 'end'],
  ];
  try {
    let from = 0;
    for (const [upTo, label] of marks) {
      // Native memory (the compiler's zones, malloc's arenas) comes and goes by tens of MB: each
      // figure is the median of five readings over the last tenth of its stretch of calls.
      const step = Math.max(1, Math.round((upTo - from) / 50));
      const readings: NodeJS.MemoryUsage[] = [];
      for (let k = 4; k >= 0; k -= 1) {
        await runUpTo(upTo - k * step);
        readings.push(await measure());
      }
      const median = (of: (usage: NodeJS.MemoryUsage) => number) =>
        readings.map(of).sort((x, y) => x - y)[2] ?? 0;
      const taken: SoakSample = {
        label,
        calls: ended,
        seconds: (performance.now() - began) / 1000,
        rssBytes: median((usage) => usage.rss),
        heapUsedBytes: median((usage) => usage.heapUsed),
      };
      samples.push(taken);
      options.onSample?.(taken);
      from = upTo;
    }
  } finally {
    driving = false;
    await driver;
  }
  const seconds = (performance.now() - began) / 1000;
  const drift = (of: (sample: SoakSample) => number) => {
    const first = samples[0];
    const last = samples.at(-1);
    return first && last ? (of(last) - of(first)) / of(first) : 0;
  };
  const result: SoakResult = {
    calls: ended,
    seconds,
    callsPerSecond: ended / seconds,
    samples,
    rssDrift: drift((sample) => sample.rssBytes),
    heapDrift: drift((sample) => sample.heapUsedBytes),
    actorsAtEnd: running.size,
    statsAtEnd: runtime.stats(),
    pbxChannelsAtEnd: pbx.channels().length,
    failures,
  };
  await runtime.close();
  await connection.close();
  await pbx.stop();
  return result;
}

/** `gc()` whether or not node was started with `--expose-gc`. */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
