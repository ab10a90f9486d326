import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { AmiConnection } from '../src/connection/AmiConnection.js';
import { type InspectorHandle, startInspector } from '../src/inspector/inspectorServer.js';
import { ivrMachine } from '../src/machines/flows/ivrMachine.js';
import { createRuntime } from '../src/runtime/createRuntime.js';

/** How big a run of {@link runInspectorLoad} is. */
export interface InspectorLoadOptions {
  /** IVR calls kept up at once (a new one placed as each ends). */
  readonly calls: number;
  /** SSE clients reading `/events`, in a separate process. */
  readonly clients: number;
  /** How long the load is measured, in seconds, once the calls are up and the clients connected. */
  readonly seconds: number;
  /** How long a caller takes to type its passcode, then its choice, in ms (default 1,000). */
  readonly thinkMs?: number;
  /** Whether to run the inspector at all (off: the runtime's own figures, for comparison). */
  readonly inspect?: boolean;
  /** One more SSE client, in this process, that never reads its stream. */
  readonly stalledClient?: boolean;
}

/** What a run measured. */
export interface InspectorLoadFigures {
  readonly callsPlaced: number;
  readonly callsEnded: number;
  readonly peakConcurrentCalls: number;
  /** `monitorEventLoopDelay` of the runtime's process over the measured period, in ms. */
  readonly eventLoopP50Ms: number;
  readonly eventLoopP99Ms: number;
  readonly eventLoopMaxMs: number;
  /** CPU time of the runtime's process over the measured period, in % of one core. */
  readonly cpuPercent: number;
  /**
   * RSS with the calls up before the inspector starts, once the inspector's clients are connected,
   * and its peak (sampled every 250 ms while measuring), in MB.
   */
  readonly rssBeforeMb: number;
  readonly rssStartMb: number;
  readonly rssPeakMb: number;
  /** Pings sent every 250 ms on the runtime's AMI session: answered, slowest answer. */
  /** Pings sent during the window, one every 250 ms of the event loop's time. */
  readonly pingsSent: number;
  /** Pings answered (waited for after the window). */
  readonly pings: number;
  /** Pings that failed (timeout or connection loss). */
  readonly pingFailures: number;
  readonly pingMaxMs: number;
  /** Times the runtime's AMI session went down (a failed keepalive closes it). */
  readonly disconnects: number;
  /** What the reading clients received. */
  readonly clientsConnected: number;
  readonly clientsClosedByServer: number;
  readonly megabytesPerClient: number;
  /** The inspector's own account (`InspectorHandle.stats()`), when it ran. */
  readonly inspector?: ReturnType<InspectorHandle['stats']>;
}

const silent = pino({ level: 'silent' });
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A helper script run with tsx, its last line of JSON output kept. */
function helper<T>(script: string, args: string[]): { child: ChildProcess; last(): T | undefined } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let last: T | undefined;
  let tail = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (tail + chunk).split('\n');
    tail = lines.pop() ?? '';
    const line = lines.at(-1);
    if (line) last = JSON.parse(line) as T;
  });
  return { child, last: () => last };
}

async function until(probe: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`inspector load: timed out waiting for ${what}`);
    await sleep(50);
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Opens `/events` and never reads it: what the server buffers for it is the server's business. */
function stalledClient(port: number): { close(): void } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  socket.pause();
  return { close: () => socket.destroy() };
}

interface CallerCounts {
  url?: string;
  placed: number;
  ended: number;
  live: number;
  peak: number;
}

interface ClientTotals {
  connected: number;
  bytes: number;
  closed: number;
}

/**
 * The inspector under load: an embedded PBX in another process keeps `calls` IVR calls up
 * (extension 500, `ivrMachine` with its passcode and menu children), this process runs the runtime
 * and, once the calls are up, the inspector, `clients` SSE clients read the inspector from a third process, and optionally
 * one client here reads nothing. Measures this process's event-loop delay and RSS, and Pings on the
 * runtime's AMI session, whose keepalive (every 500 ms, dead after 2 s unanswered) must hold.
 */
export async function runInspectorLoad(
  options: InspectorLoadOptions,
): Promise<InspectorLoadFigures> {
  const callers = helper<CallerCounts>('./ivrCallers.ts', [
    String(options.calls),
    String(options.thinkMs ?? 1000),
  ]);
  let reader: ReturnType<typeof helper<ClientTotals>> | undefined;
  let stalled: { close(): void } | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  try {
    await until(() => callers.last()?.url !== undefined, 'the PBX');
    const url = callers.last()!.url!.replace('ami://', 'ami://manager:secret@');
    const connection = AmiConnection.fromUrl(url, {
      logger: silent,
      reconnect: false,
      keepaliveIntervalMs: 1000,
      keepaliveTimeoutMs: 5000,
    });
    closers.push(() => connection.close());
    let disconnects = 0;
    let measuring = true;
    connection.bus.on('disconnected', () => {
      if (measuring) disconnects += 1;
    });
    const runtime = createRuntime({ client: connection, logger: silent });
    closers.push(() => runtime.close());
    runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
    await connection.connect();
    await runtime.ready();
    // The calls first: what the inspector adds is measured from a runtime already loaded.
    callers.child.stdin?.write('start\n');
    await until(() => (callers.last()?.peak ?? 0) >= options.calls, 'the calls');
    await sleep(1000);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const inspector = options.inspect === false ? undefined : await startInspector({ runtime });
    if (inspector) closers.push(() => inspector.close());
    if (inspector && options.clients > 0) {
      reader = helper<ClientTotals>('./sseClients.ts', [inspector.url, String(options.clients)]);
      await until(() => (reader?.last()?.connected ?? 0) >= options.clients, 'the SSE clients');
    }
    if (inspector && options.stalledClient) stalled = stalledClient(inspector.port);
    await sleep(500);

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const cpuStart = process.cpuUsage();
    const rssStart = process.memoryUsage().rss;
    rssPeak = Math.max(rssPeak, rssStart);
    let pings = 0;
    let pingFailures = 0;
    let pingMax = 0;
    const pingsInFlight: Promise<void>[] = [];
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      const sent = performance.now();
      pingsInFlight.push(
        connection.action('Ping').then(
          () => {
            pings += 1;
            pingMax = Math.max(pingMax, performance.now() - sent);
          },
          () => {
            pingFailures += 1;
          },
        ),
      );
    }, 250);
    await sleep(options.seconds * 1000);
    delay.disable();
    clearInterval(sampler);
    // A ping sent just before the window closed is still owed its answer.
    await Promise.all(pingsInFlight);
    const cpu = process.cpuUsage(cpuStart);
    const inspectorStats = inspector?.stats();

    measuring = false;
    callers.child.stdin?.write('stop\n');
    await until(
      () => callers.child.exitCode !== null,
      `the last call to end (${JSON.stringify(callers.last())})`,
      60_000,
    );
    const calls = callers.last()!;
    const clients = reader?.last() ?? { connected: 0, bytes: 0, closed: 0 };
    return {
      callsPlaced: calls.placed,
      callsEnded: calls.ended,
      peakConcurrentCalls: calls.peak,
      eventLoopP50Ms: delay.percentile(50) / 1e6,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
      eventLoopMaxMs: delay.max / 1e6,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / (options.seconds * 1000)) * 100,
      rssBeforeMb: rssBefore / MB,
      rssStartMb: rssStart / MB,
      rssPeakMb: rssPeak / MB,
      pingsSent: pingsInFlight.length,
      pings,
      pingFailures,
      pingMaxMs: pingMax,
      disconnects,
      clientsConnected: clients.connected,
      clientsClosedByServer: clients.closed,
      megabytesPerClient: options.clients > 0 ? clients.bytes / options.clients / MB : 0,
      ...(inspectorStats ? { inspector: inspectorStats } : {}),
    };
  } finally {
    stalled?.close();
    for (const close of closers.reverse()) await close();
    for (const child of [reader?.child, callers.child]) {
      if (!child) continue;
      child.kill('SIGTERM');
      await exited(child);
    }
  }
}
