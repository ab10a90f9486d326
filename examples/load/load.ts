/**
 * load: 100 virtual hotlines calling 100 virtual agents. Every hotline
 * phone calls extension 600 (`AGI(agi:async)`) at once; for each call the runtime runs
 * `hotlineMachine`: answer, take a free agent from the pool actor (`agentPoolMachine`; while none
 * is free, the caller hears `beep` in a loop and waits in line), `EXEC Dial PJSIP/agent-NNN,10`,
 * and hang up when the Dial returns. The agent goes back to the pool when its call ends, however it
 * ends; a busy agent is given back and another one tried.
 *
 * Each hotline talks for `LOAD_TALK_MS` once bridged, then hangs up (every third call, the agent
 * hangs up instead). Progress is printed every second, then a summary: calls placed, connected,
 * failed, peak of concurrent bridges, time to connect (p50/p95), agent utilisation, the CPU time
 * of the runtime's process and of the PBX, and what the runtime and the PBX still hold (all zero).
 *
 *   npx tsx examples/load/load.ts                                  # 100 hotlines x 100 agents
 *   npx tsx examples/load/load.ts --hotlines 20 --agents 5 --talk-ms 500
 *   LOAD_HOTLINES=20 LOAD_AGENTS=5 LOAD_TALK_MS=500 LOAD_BUSY_AGENTS=1 npx tsx examples/load/load.ts
 *
 * It runs on the embedded PBX with simulated phones (`PJSIP/hotline-NNN`, `PJSIP/agent-NNN`), or,
 * with `ASTERISK_AMI_URL`, on a real Asterisk running `asterisk-etc/`, where the hotlines are
 * Originates of `Local/hotline-NNN@load-hotlines` and the agents `Local/agent-NNN@load-agents`
 * (see `loadPbx.ts`).
 */
import { parseArgs } from 'node:util';
import { createRuntime, type Runtime, type RuntimeStats } from 'octostate';
import { pino } from 'pino';
import { type Actor, createActor } from 'xstate';
import { isMain, say } from '../support/backend.js';
import { agentPoolMachine, poolCounts } from './agentPoolMachine.js';
import { type HotlineOutput, hotlineMachine } from './hotlineMachine.js';
import {
  asteriskLoadPbx,
  embeddedLoadPbx,
  HOTLINE_EXTEN,
  type LoadPbx,
  phoneNames,
  processCpuSeconds,
} from './loadPbx.js';

export { HOTLINE_EXTEN, type LoadPbx } from './loadPbx.js';

/** How big the load is and how the simulated people behave. */
export interface LoadOptions {
  readonly hotlines: number;
  readonly agents: number;
  /** How long a connected call lasts before one side hangs up, in ms. */
  readonly talkMs: number;
  /**
   * A real Asterisk running `asterisk-etc/` (its AMI URL) to run on; default: a fresh embedded PBX.
   */
  readonly url?: string;
  /**
   * How long an agent's phone rings before it answers (or says busy), in ms (default 200; on a
   * real Asterisk the `load-agents` dialplan rings 0.2 s).
   */
  readonly ringMs?: number;
  /** The last N agents are always busy (exercises "busy agent → try another"; default 0). */
  readonly busyAgents?: number;
  /** Every Nth connected call is ended by the agent rather than the hotline (default 3; 0: never). */
  readonly agentHangsUpEvery?: number;
  /** Hotlines are placed in this many waves, `waveIntervalMs` apart (default 1: all at once). */
  readonly waves?: number;
  readonly waveIntervalMs?: number;
  /** The runtime's linger after a hang-up (default 200 ms). */
  readonly lingerMs?: number;
  /** Gives up (rejects) after this long, in ms (default 60,000). */
  readonly timeoutMs?: number;
  /** Called every `progressMs` (default 1,000) with the counts so far. */
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly progressMs?: number;
  /** Sees the runtime, the PBX and the pool before the first call (tests attach observers here). */
  readonly onStart?: (setup: { runtime: Runtime; pbx: LoadPbx; pool: AgentPool }) => void;
}

export type AgentPool = Actor<typeof agentPoolMachine>;

/** Where the load stands. */
export interface LoadProgress {
  readonly elapsedMs: number;
  readonly placed: number;
  /** Hotline calls waiting for an agent (the pool's line). */
  readonly waiting: number;
  /** Bridges with a hotline and an agent in them now. */
  readonly talking: number;
  /** Hotline calls whose call logic finished. */
  readonly finished: number;
}

/** Percentiles of a list of durations, in ms. */
export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** What a load run reports. */
export interface LoadSummary {
  readonly placed: number;
  readonly connected: number;
  /** No agent could be reached (every one tried was busy...). */
  readonly failed: number;
  /** The hotline hung up (or its AGI failed) before it was connected. */
  readonly abandoned: number;
  /** Hotline calls that could not be placed at all (the PBX refused the Originate). */
  readonly notPlaced: number;
  /** Connections per hotline phone (each should be 1). */
  readonly connectionsPerHotline: Readonly<Record<string, number>>;
  readonly dialAttempts: number;
  /** Dials that did not reach the agent, by `DIALSTATUS` (`BUSY`...). */
  readonly dialFailures: Readonly<Record<string, number>>;
  readonly maxConcurrentBridges: number;
  /** Times an agent entered a bridge while one of its channels was still in another (must be 0). */
  readonly agentOverlaps: number;
  /** From the hotline's channel appearing to its bridge with an agent. */
  readonly timeToConnectMs: Percentiles;
  /** Time agents spent bridged over agents × the run's duration (0..1). */
  readonly utilisation: number;
  readonly durationMs: number;
  /** The runtime's counters once every call is gone (all 0). */
  readonly stats: RuntimeStats;
  /** PBX channels left (0). */
  readonly pbxChannels: number;
  /** Which PBX it ran on. */
  readonly pbx: LoadPbx['kind'];
  /**
   * CPU seconds (user + system) used during the run by this process (the runtime and the load's
   * bookkeeping; with the embedded PBX, the PBX too) and by the Asterisk process, when readable.
   */
  readonly cpuSeconds: { readonly runtime: number | undefined; readonly pbx: number | undefined };
  /** The pool at the end: every agent free, nobody waiting. */
  readonly pool: { free: number; busy: number; waiting: number };
}

const silent = pino({ level: 'silent' });

/** The agents' and hotlines' phone names. */
export function loadPhones(options: Pick<LoadOptions, 'hotlines' | 'agents' | 'busyAgents'>): {
  agents: string[];
  hotlines: string[];
} {
  return {
    agents: phoneNames(options.agents, 'agent'),
    hotlines: phoneNames(options.hotlines, 'hotline'),
  };
}

/** CPU seconds between two readings, when both were possible. */
function spent(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Runs the load on a fresh embedded PBX (real time): hotline phones call 600, the runtime connects
 * each to a free agent, each connected call lasts `talkMs`. Resolves with the summary once every
 * call is over and the runtime holds nothing; everything it started is stopped.
 *
 * @example
 * const summary = await runLoad({ hotlines: 20, agents: 5, talkMs: 500 });
 * console.log(summary.connected, summary.timeToConnectMs.p95);
 */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const { hotlines } = loadPhones(options);
  const pbx = options.url
    ? await asteriskLoadPbx(options.url, {
        agents: options.agents,
        busyAgents: options.busyAgents ?? 0,
      })
    : await embeddedLoadPbx({
        hotlines: options.hotlines,
        agents: options.agents,
        busyAgents: options.busyAgents ?? 0,
        ringMs: options.ringMs ?? 200,
      });
  const runtime = createRuntime({
    url: pbx.url,
    logger: silent,
    lingerMs: options.lingerMs ?? 200,
  });
  const pool = createActor(agentPoolMachine, { input: { agents: [...pbx.agents] } }).start();
  const cpuAtStart = { runtime: await processCpuSeconds('self'), pbx: await pbx.cpuSeconds() };
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  let progress: ReturnType<typeof setInterval> | undefined;
  try {
    const started = performance.now();
    const appearedAt = new Map<string, number>(); // hotline uniqueid → when its channel appeared
    const outputs = new Map<string, HotlineOutput>();
    const connectMs: number[] = [];
    const notPlaced: string[] = [];
    const connectionsPerHotline: Record<string, number> = Object.fromEntries(
      hotlines.map((h) => [h, 0]),
    );
    const names = new Map<string, string>(); // uniqueid → channel name
    const bridges = new Map<string, readonly string[]>();
    const agentIn = new Map<string, string>(); // agent phone → the bridge its channel is in
    const agentSince = new Map<string, number>();
    let agentTimeMs = 0;
    let talking = 0;
    let maxConcurrentBridges = 0;
    let agentOverlaps = 0;
    let connections = 0;
    let errors = 0;
    let lastLeave = started;

    runtime.bus.on('error', () => {
      errors += 1;
    });
    const roleOf = (uniqueid: string | undefined) =>
      pbx.roleOf(uniqueid === undefined ? '' : (names.get(uniqueid) ?? ''));
    runtime.bus.on('channel', ({ uniqueid, ref }) => {
      const name = ref.getSnapshot().context.name;
      names.set(uniqueid, name);
      if (pbx.roleOf(name)?.role === 'hotline') appearedAt.set(uniqueid, performance.now());
    });
    runtime.bus.on('removed', ({ uniqueid }) => names.delete(uniqueid));
    runtime.bus.on('flow', ({ uniqueid, ref }) => {
      ref.subscribe({
        complete: () => outputs.set(uniqueid, ref.getSnapshot().output as HotlineOutput),
        error: () => {},
      });
    });
    runtime.bus.on('bridge', ({ action, bridgeId, uniqueid, members }) => {
      const before = bridges.get(bridgeId) ?? [];
      if (action === 'destroy') bridges.delete(bridgeId);
      else bridges.set(bridgeId, members);
      const role = roleOf(uniqueid);
      const now = performance.now();
      if (action === 'enter' && role?.role === 'agent') {
        if (agentIn.has(role.phone)) agentOverlaps += 1;
        agentIn.set(role.phone, bridgeId);
        agentSince.set(role.phone, now);
      }
      if (action === 'leave' && role?.role === 'agent' && agentIn.get(role.phone) === bridgeId) {
        agentIn.delete(role.phone);
        agentTimeMs += now - (agentSince.get(role.phone) ?? now);
        lastLeave = now;
      }
      if (action === 'enter' && members.length === 2 && before.length < 2) {
        talking += 1;
        maxConcurrentBridges = Math.max(maxConcurrentBridges, talking);
        const hotlineId = members.find((id) => roleOf(id)?.role === 'hotline');
        const agentId = members.find((id) => roleOf(id)?.role === 'agent');
        if (hotlineId === undefined || agentId === undefined) return;
        const hotline = roleOf(hotlineId)!.phone;
        connections += 1;
        connectionsPerHotline[hotline] = (connectionsPerHotline[hotline] ?? 0) + 1;
        connectMs.push(now - (appearedAt.get(hotlineId) ?? now));
        const every = options.agentHangsUpEvery ?? 3;
        const byAgent = every > 0 && connections % every === 0;
        const channel = names.get(byAgent ? agentId : hotlineId) ?? '';
        later(options.talkMs, () => void pbx.hangUp(channel));
      }
      if (action === 'leave' && before.length === 2 && members.length < 2) talking -= 1;
    });
    options.onStart?.({ runtime, pbx, pool });
    runtime.handle({ exten: HOTLINE_EXTEN, inAgi: true }, hotlineMachine, {
      input: { pool, dialTimeoutSeconds: 10, dialPrefix: pbx.dialPrefix },
    });
    await runtime.ready();

    const current = (): LoadProgress => ({
      elapsedMs: performance.now() - started,
      placed: appearedAt.size,
      waiting: pool.getSnapshot().context.waiting.length,
      talking,
      finished: outputs.size,
    });
    if (options.onProgress) {
      const report = options.onProgress;
      progress = setInterval(() => report(current()), options.progressMs ?? 1000);
    }
    const waves = Math.max(1, options.waves ?? 1);
    const perWave = Math.ceil(hotlines.length / waves);
    for (let wave = 0; wave < waves; wave++) {
      const place = () => {
        for (const hotline of hotlines.slice(wave * perWave, (wave + 1) * perWave))
          pbx.placeHotline(hotline, runtime).catch(() => notPlaced.push(hotline));
      };
      if (wave === 0) place();
      else later(wave * (options.waveIntervalMs ?? 1000), place);
    }

    const deadline = started + (options.timeoutMs ?? 60_000);
    const until = async (probe: () => boolean | Promise<boolean>, what: string) => {
      while (!(await probe())) {
        if (performance.now() > deadline) {
          const at = current();
          throw new Error(
            `load: timed out waiting for ${what} (placed ${at.placed}, finished ${at.finished}, waiting ${at.waiting}, talking ${at.talking}, errors ${errors})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await until(
      () => outputs.size + notPlaced.length === hotlines.length,
      'every hotline call to finish',
    );
    const durationMs = Math.max(lastLeave, started) - started;
    await until(async () => (await pbx.channelCount()) === 0, 'every PBX channel to hang up');
    const zero = (s: RuntimeStats) => Object.values(s).every((v) => v === 0);
    await until(() => zero(runtime.stats()), 'the runtime to let go of every call');

    const outcomes = [...outputs.values()];
    const count = (outcome: HotlineOutput['outcome']) =>
      outcomes.filter((o) => o.outcome === outcome).length;
    const dialFailures: Record<string, number> = {};
    for (const o of outcomes)
      for (const status of o.dialStatuses)
        if (status !== 'ANSWER') dialFailures[status] = (dialFailures[status] ?? 0) + 1;
    const sorted = [...connectMs].sort((a, b) => a - b);
    return {
      placed: appearedAt.size,
      connected: count('connected'),
      failed: count('failed'),
      abandoned: count('abandoned'),
      notPlaced: notPlaced.length,
      connectionsPerHotline,
      dialAttempts: outcomes.reduce((sum, o) => sum + o.tried.length, 0),
      dialFailures,
      maxConcurrentBridges,
      agentOverlaps,
      timeToConnectMs: {
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        max: sorted.at(-1) ?? 0,
      },
      utilisation: durationMs > 0 ? agentTimeMs / (pbx.agents.length * durationMs) : 0,
      durationMs,
      stats: runtime.stats(),
      pbxChannels: await pbx.channelCount(),
      pbx: pbx.kind,
      cpuSeconds: {
        runtime: spent(cpuAtStart.runtime, await processCpuSeconds('self')),
        pbx: spent(cpuAtStart.pbx, await pbx.cpuSeconds()),
      },
      pool: poolCounts(pool.getSnapshot().context),
    };
  } finally {
    if (progress) clearInterval(progress);
    for (const timer of timers) clearTimeout(timer);
    pool.stop();
    await runtime.close();
    await pbx.stop();
  }
}

const seconds = (value: number | undefined) =>
  value === undefined ? 'unknown' : `${value.toFixed(2)} s`;

/** The summary as printed lines. */
export function formatSummary(options: LoadOptions, summary: LoadSummary): string[] {
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const failures = Object.entries(summary.dialFailures)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const s = summary.stats;
  return [
    `load: ${options.hotlines} hotlines x ${options.agents} agents, talk ${options.talkMs} ms`,
    `  calls placed:      ${summary.placed}`,
    `  connected:         ${summary.connected}`,
    `  failed:            ${summary.failed + summary.abandoned + summary.notPlaced} (${summary.failed} no agent reached, ${summary.abandoned} hung up first, ${summary.notPlaced} not placed)`,
    `  dial attempts:     ${summary.dialAttempts}${failures ? ` (${failures})` : ''}`,
    `  max concurrent bridges: ${summary.maxConcurrentBridges}`,
    `  agent overlaps:    ${summary.agentOverlaps}`,
    `  time to connect:   p50 ${ms(summary.timeToConnectMs.p50)}, p95 ${ms(summary.timeToConnectMs.p95)}, max ${ms(summary.timeToConnectMs.max)}`,
    `  agent utilisation: ${(summary.utilisation * 100).toFixed(1)}% over ${(summary.durationMs / 1000).toFixed(2)} s`,
    `  runtime at the end: channels ${s.channels}, calls ${s.calls}, flows ${s.flows}, agiCommands ${s.agiCommands}, originates ${s.originates}`,
    `  pbx channels at the end: ${summary.pbxChannels}`,
    `  pool at the end: ${summary.pool.free} free, ${summary.pool.busy} busy, ${summary.pool.waiting} waiting`,
    `  cpu: ${seconds(summary.cpuSeconds.runtime)} this process (runtime${summary.pbx === 'embedded' ? ' and embedded PBX' : ''}), ${summary.pbx === 'asterisk' ? `${seconds(summary.cpuSeconds.pbx)} Asterisk` : 'no separate PBX process'}`,
  ];
}

/** Settings from flags, then `LOAD_*` variables, then the defaults (100 x 100, 1 s of talk). */
export function loadSettings(argv: readonly string[], env: NodeJS.ProcessEnv): LoadOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      hotlines: { type: 'string' },
      agents: { type: 'string' },
      'talk-ms': { type: 'string' },
      'ring-ms': { type: 'string' },
      'busy-agents': { type: 'string' },
      waves: { type: 'string' },
    },
  });
  const num = (flag: string | undefined, variable: string | undefined, fallback: number) => {
    const text = flag ?? variable;
    const value = text === undefined || text === '' ? fallback : Number(text);
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`not a count: ${text}`);
    return value;
  };
  return {
    hotlines: num(values.hotlines, env.LOAD_HOTLINES, 100),
    agents: num(values.agents, env.LOAD_AGENTS, 100),
    talkMs: num(values['talk-ms'], env.LOAD_TALK_MS, 1000),
    ringMs: num(values['ring-ms'], env.LOAD_RING_MS, 200),
    busyAgents: num(values['busy-agents'], env.LOAD_BUSY_AGENTS, 0),
    waves: num(values.waves, env.LOAD_WAVES, 1),
  };
}

if (isMain(import.meta.url)) {
  const settings = loadSettings(process.argv.slice(2), process.env);
  const url = process.env.ASTERISK_AMI_URL;
  const started = Date.now();
  say(
    started,
    `${settings.hotlines} hotlines call ${HOTLINE_EXTEN}; ${settings.agents} agents (${settings.busyAgents} busy) on ${url ? 'the Asterisk at ASTERISK_AMI_URL' : 'the embedded PBX'}`,
  );
  const summary = await runLoad({
    ...settings,
    ...(url ? { url, timeoutMs: 600_000 } : {}),
    onProgress: (p) =>
      say(
        started,
        `placed ${p.placed}, waiting ${p.waiting}, talking ${p.talking}, finished ${p.finished}`,
      ),
  });
  for (const line of formatSummary(settings, summary)) console.log(line);
}
