import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { asteriskPid, processCpuSeconds } from '../examples/load/loadPbx.js';
import { AmiConnection } from '../src/connection/AmiConnection.js';
import { createRuntime } from '../src/runtime/createRuntime.js';

const silent = pino({ level: 'silent' });

/** What one run of {@link measureAgiCalls} saw. */
export interface AgiCallsFigures {
  readonly calls: number;
  readonly completed: number;
  readonly failures: readonly string[];
  readonly seconds: number;
  /** AMI events the runtime's connection received over the run. */
  readonly events: number;
  /** CPU seconds (user + system) over the same window: this process, and Asterisk's. */
  readonly runtimeCpu: number | undefined;
  readonly asteriskCpu: number | undefined;
  /** Why the runtime's AMI session was lost, each time it was during the run. */
  readonly sessionDrops: readonly string[];
  /** The slowest answer to a `Ping` sent on the runtime's session every 500 ms, in ms. */
  readonly slowestPingMs: number;
}

/** The runtime connection's keepalive: the library's defaults unless given. */
export interface BenchKeepalive {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/**
 * `calls` calls into extension 403 (`AGI(agi:async)`) of the real Asterisk at `url`, all at once:
 * a control connection (events off, so it costs this process almost nothing) originates
 * `Local/403@default`, and a `runtime.handle` application answers each, plays `beep`, runs
 * `EXEC Dial Local/agent@default,,L(4000)` (the agent answers; the call is cut after 4 s) and hangs
 * up. CPU seconds of this process and of Asterisk are read from `/proc` at the first originate
 * and once every call is done and every channel is gone.
 */
export async function measureAgiCalls(
  url: string,
  calls: number,
  keepalive?: BenchKeepalive,
): Promise<AgiCallsFigures> {
  const client = AmiConnection.fromUrl(url, {
    logger: silent,
    ...(keepalive
      ? { keepaliveIntervalMs: keepalive.intervalMs, keepaliveTimeoutMs: keepalive.timeoutMs }
      : {}),
  });
  const control = AmiConnection.fromUrl(url, { logger: silent, events: 'off', reconnect: false });
  const runtime = createRuntime({ client, logger: silent, lingerMs: 200 });
  const failures: string[] = [];
  let completed = 0;
  let events = 0;
  const sessionDrops: string[] = [];
  let slowestPingMs = 0;
  let probing = true;
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const finished = () => {
    if (completed + failures.length === calls) allDone();
  };
  try {
    await client.connect();
    await control.connect();
    await runtime.ready();
    const pid = await asteriskPid(control);
    runtime.handle({ context: 'default', exten: '403', inAgi: true }, async (call) => {
      try {
        await call.answer();
        await call.streamFile('beep');
        await call.exec('Dial', 'Local/agent@default,,L(4000)');
        await call.hangup();
        completed++;
      } catch (error) {
        failures.push(`${call.name}: ${(error as Error).message}`);
      }
      finished();
    });
    client.bus.on('event', () => {
      events++;
    });
    client.bus.on('disconnected', ({ error }) => {
      if (!probing) return;
      sessionDrops.push(error ? `${error.name}: ${error.message}` : 'closed in order');
    });
    // What the keepalive's Ping meets: its answer queued behind the events ahead of it.
    const probe = (async () => {
      while (probing) {
        const sent = performance.now();
        await client.action('Ping', {}, { timeoutMs: 120_000 }).then(
          () => {
            slowestPingMs = Math.max(slowestPingMs, performance.now() - sent);
          },
          () => undefined,
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    const cpuAt = { runtime: await processCpuSeconds('self'), asterisk: await cpuOf(pid) };
    const started = performance.now();
    const originates = Array.from({ length: calls }, (_, i) =>
      control
        .action('Originate', {
          Channel: 'Local/403@default',
          Application: 'Wait',
          Data: '60',
          Async: 'true',
          CallerID: `"bench ${i}" <${7000 + i}>`,
        })
        .catch((error: Error) => {
          failures.push(`originate ${i}: ${error.message}`);
          finished();
        }),
    );
    await Promise.all(originates);
    const deadline = setTimeout(allDone, 120_000 + calls * 100);
    await done;
    clearTimeout(deadline);
    // Done once Asterisk has hung up every channel and the runtime saw it.
    while (runtime.stats().channels - runtime.stats().lingering > 0) {
      if (performance.now() - started > 180_000 + calls * 100) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    probing = false;
    await probe;
    return {
      calls,
      completed,
      failures,
      seconds,
      events,
      runtimeCpu: spent(cpuAt.runtime, await processCpuSeconds('self')),
      asteriskCpu: spent(cpuAt.asterisk, await cpuOf(pid)),
      sessionDrops,
      slowestPingMs,
    };
  } finally {
    probing = false;
    await runtime.close();
    await client.close();
    await control.close();
  }
}

async function cpuOf(pid: number | undefined): Promise<number | undefined> {
  return pid === undefined ? undefined : processCpuSeconds(pid);
}

function spent(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}

/**
 * `npm run bench -- agi`: the cost of driving calls, as a share of the PBX's own cost. Runs when
 * `ASTERISK_AMI_URL` names a real Asterisk running `asterisk-etc/` on this machine (its CPU time
 * is read from `/proc`); `AGI_BENCH_CALLS` (default 500); `AGI_BENCH_KEEPALIVE=interval,timeout`
 * (ms) gives the runtime's connection a keepalive other than the default 30 s, 10 s. Target: the
 * runtime at most 0.25 of Asterisk's CPU seconds.
 */
export async function runAgiCallsBench(): Promise<void> {
  const url = process.env.ASTERISK_AMI_URL;
  if (!url) {
    console.log('agi: skipped (set ASTERISK_AMI_URL to a local Asterisk running asterisk-etc/)');
    return;
  }
  const calls = Number(process.env.AGI_BENCH_CALLS ?? 500);
  const keepalive = keepaliveSetting(process.env.AGI_BENCH_KEEPALIVE);
  const figures = await measureAgiCalls(url, calls, keepalive);
  const cpu = (value: number | undefined) =>
    value === undefined ? 'n/a' : `${value.toFixed(2)} s`;
  const ratio =
    figures.runtimeCpu !== undefined && figures.asteriskCpu
      ? (figures.runtimeCpu / figures.asteriskCpu).toFixed(2)
      : 'n/a';
  console.log(
    `agi: ${figures.completed}/${figures.calls} calls into 403 (answer, beep, Dial L(4000), hangup) ` +
      `in ${figures.seconds.toFixed(1)} s, ${figures.events} AMI events ` +
      `(${Math.round(figures.events / Math.max(1, figures.calls))} per call)`,
  );
  console.log(
    `  cpu: runtime ${cpu(figures.runtimeCpu)}, Asterisk ${cpu(figures.asteriskCpu)}: ` +
      `ratio ${ratio} (target <= 0.25)`,
  );
  console.log(
    `  runtime's AMI session: ${figures.sessionDrops.length} drops, slowest Ping answer ` +
      `${Math.round(figures.slowestPingMs)} ms (keepalive ${
        keepalive ? `${keepalive.intervalMs} ms, ${keepalive.timeoutMs} ms` : '30 s, 10 s'
      })`,
  );
  for (const drop of figures.sessionDrops) console.log(`  session lost: ${drop}`);
  if (figures.failures.length > 0) {
    console.log(
      `  failures (${figures.failures.length}): ${figures.failures.slice(0, 3).join('; ')}`,
    );
  }
}

function keepaliveSetting(value: string | undefined): BenchKeepalive | undefined {
  if (!value) return undefined;
  const [intervalMs, timeoutMs] = value.split(',').map(Number);
  if (!(intervalMs! > 0 && timeoutMs! > 0)) {
    throw new Error(`AGI_BENCH_KEEPALIVE=${value}: expected "intervalMs,timeoutMs", e.g. 500,400`);
  }
  return { intervalMs: intervalMs!, timeoutMs: timeoutMs! };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runAgiCallsBench();
