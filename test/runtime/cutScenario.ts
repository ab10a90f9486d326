import { type Call, createRuntime, type Runtime } from 'octostate';
import { AmiConnection, type AmiMessage } from 'octostate/connection';
import { ManualClock, type PbxHandle, startPbx } from 'octostate/pbx';
import { pino } from 'pino';
import { expect } from 'vitest';
import { type FaultyRelay, startFaultyRelay } from '../support/faultyRelay.js';

const silentLogger = pino({ level: 'silent' });

/** How a promise settled: `ok`, or the class of its error. */
type Outcome = 'ok' | string;

/** What one cut did to what was pending, by kind, counted over every round. */
export interface CutOutcomes {
  /** AGI commands running on the PBX when the socket was cut. */
  agiCommands: Record<Outcome, number>;
  /** A `UserEvent` on the wire (not read-only: never resent). */
  userEvents: Record<Outcome, number>;
  /** A `Ping` on the wire (read-only: resent once logged in again). */
  pings: Record<Outcome, number>;
  /** A `runtime.originate` whose Originate was on the wire. */
  originates: Record<Outcome, number>;
}

/** What {@link cutUnderCalls} measured. */
export interface CutReport {
  readonly outcomes: CutOutcomes;
  /** Distinct resync reports (`listed/created/lost`), with how many rounds gave each. */
  readonly resyncs: Record<string, number>;
  /** Rounds after which every channel still up had the very actor it had before the cut. */
  readonly actorsKept: number;
  /** Rounds after which every AGI channel's actor was still in AGI. */
  readonly stillInAgi: number;
  /** Connections the runtime opened through the relay (one first, then one per cut). */
  readonly connections: number;
  /** `GET VARIABLE` on every call after the last cut, back to what `SET VARIABLE` set. */
  readonly commandsAfterwards: string[];
  /** What the runtime and its connection hold once every call has ended, against before. */
  readonly leftBehind: Record<string, { before: number; after: number }>;
  readonly unhandledRejections: number;
}

/** What `cutUnderCalls` must report after `rounds` cuts under `calls` calls. */
export function expectSurvived(report: CutReport, rounds: number, calls: number): void {
  const { leftBehind, ...rest } = report;
  expect(rest).toEqual({
    outcomes: {
      agiCommands: { AgiSessionEndedError: rounds * calls },
      userEvents: { AmiConnectionClosedError: rounds },
      pings: { ok: rounds },
      originates: { OriginateError: rounds },
    },
    resyncs: { [`${2 * calls}/0/0`]: rounds },
    actorsKept: rounds,
    stillInAgi: rounds,
    connections: rounds + 1,
    commandsAfterwards: Array.from({ length: calls }, (_, index) => String(index)),
    unhandledRejections: 0,
  });
  const { timers, ...counted } = leftBehind;
  for (const [what, { before, after }] of Object.entries(counted)) {
    expect({ what, after }).toEqual({ what, after: before });
  }
  // Node's own timer list: what the runtime holds idle, at most (a leak per cut would show).
  expect(timers?.after).toBeLessThanOrEqual(timers?.before ?? 0);
}

/**
 * `calls` calls in AsyncAGI through a real runtime over TCP to an embedded PBX on fake time, behind
 * a relay that cuts the connection `rounds` times. Each round: every call has an `EXEC Wait 5`
 * running on the PBX (its `AGIExecStart` seen), a `UserEvent`, a `Ping` and an originate are on the
 * wire, the relay cuts both sockets; the runtime reconnects (the relay lets it back in at once) and
 * resynchronises; the PBX's clock then ends the orphaned commands. Counts every outcome.
 */
export async function cutUnderCalls(options: {
  rounds: number;
  calls: number;
}): Promise<CutReport> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 18, 0));
  const pbx = await startPbx({ port: 0, clock });
  const relay = await startFaultyRelay(pbx.url.replace('ami://', 'ami://manager:secret@'));
  const client = AmiConnection.fromUrl(relay.url, {
    logger: silentLogger,
    reconnect: { initialDelayMs: 1, maxDelayMs: 20 },
  });
  const runtime = createRuntime({ client, logger: silentLogger, lingerMs: 20 });
  try {
    await client.connect();
    await runtime.ready();
    const before = holdings(runtime, client);
    const calls = await originateCalls(runtime, pbx, clock, options.calls);
    const report = await runRounds(runtime, client, pbx, clock, relay, calls, options.rounds);
    const commandsAfterwards = await whileAdvancing(
      clock,
      Promise.all(
        calls.map(async (call, index) => {
          await call.setVariable('ROUND', String(index));
          return (await call.getVariable('ROUND')) ?? '';
        }),
      ),
    );
    for (const channel of pbx.channels()) pbx.hangup(channel.name);
    await until(
      () => runtime.channels.all().length === 0 && isEmpty(runtime),
      () => `the runtime to let go of every call (${JSON.stringify(runtime.stats())})`,
    );
    const after = holdings(runtime, client);
    const leftBehind = Object.fromEntries(
      Object.entries(after).map(([key, value]) => [
        key,
        { before: before[key] ?? 0, after: value },
      ]),
    );
    return {
      ...report,
      connections: relay.accepted,
      commandsAfterwards,
      leftBehind,
      unhandledRejections: unhandled.length,
    };
  } finally {
    await runtime.close();
    await client.close();
    await relay.close();
    await pbx.stop();
    process.off('unhandledRejection', onUnhandled);
  }
}

/** Places `count` calls: each a Local pair whose `;1` is in AsyncAGI, the `;2` in Echo. */
async function originateCalls(
  runtime: Runtime,
  pbx: PbxHandle,
  clock: ManualClock,
  count: number,
): Promise<Call[]> {
  const pending = Array.from({ length: count }, () =>
    runtime.originateToAgi({
      channel: 'Local/echo@default',
    }),
  );
  const calls = await whileAdvancing(clock, Promise.all(pending));
  await until(
    () => pbx.channels().length === 2 * count && runtime.channels.all().length === 2 * count,
    () => `${2 * count} channels up`,
  );
  return calls;
}

async function runRounds(
  runtime: Runtime,
  client: AmiConnection,
  pbx: PbxHandle,
  clock: ManualClock,
  relay: FaultyRelay,
  calls: readonly Call[],
  rounds: number,
) {
  const outcomes: CutOutcomes = { agiCommands: {}, userEvents: {}, pings: {}, originates: {} };
  const resyncs: Record<string, number> = {};
  let actorsKept = 0;
  let stillInAgi = 0;
  for (let round = 0; round < rounds; round++) {
    const actors = new Map(pbx.channels().map((c) => [c.name, runtime.channels.byName(c.name)]));
    const started = agiExecStarts(
      client,
      calls.map((call) => call.name),
    );
    // Bounded well below the test's own timeout, so that a command nobody fails shows as AgiError.
    const commands = calls.map((call) => outcome(call.command('EXEC Wait 5', { timeoutMs: 5000 })));
    // The PBX picks a queued command up at its next 100 ms poll; never let it reach its 5 s.
    await whileAdvancing(clock, started.done, { maxMs: 1000 });
    const resynced = nextResync(runtime);
    // All issued in one tick and cut in the same tick: on the wire, never answered.
    const userEvent = outcome(client.action('UserEvent', { UserEvent: `cut-${round}` }));
    const ping = outcome(client.action('Ping'));
    const originate = outcome(
      runtime.originate({ channel: 'Local/park@default', application: 'Wait', data: '1' }),
    );
    relay.cut();
    count(outcomes.agiCommands, await Promise.all(commands));
    count(outcomes.userEvents, [await userEvent]);
    count(outcomes.pings, [await ping]);
    count(outcomes.originates, [await originate]);
    const report = await resynced;
    const key = `${report.listed}/${report.created}/${report.lost}`;
    resyncs[key] = (resyncs[key] ?? 0) + 1;
    if ([...actors].every(([name, ref]) => ref && runtime.channels.byName(name) === ref)) {
      actorsKept += 1;
    }
    if (calls.every((call) => call.inAgi)) stillInAgi += 1;
    // The orphaned Waits end; their AsyncAGIExec reach the new session with CommandIDs nobody waits for.
    await clock.advance(5000);
  }
  return { outcomes, resyncs, actorsKept, stillInAgi };
}

/**
 * Moves the PBX's time `stepMs` at a time, at most `maxMs` in all, letting the runtime read what
 * the PBX sent after each step, until `promise` settles; then waits for it in real time.
 */
async function whileAdvancing<T>(
  clock: ManualClock,
  promise: Promise<T>,
  { stepMs = 100, maxMs = 20_000 } = {},
): Promise<T> {
  let settled = false;
  const done = promise.finally(() => {
    settled = true;
  });
  for (let elapsed = 0; !settled && elapsed < maxMs; elapsed += stepMs) {
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return done;
}

/** Resolves once an `AGIExecStart` came for each of `channels` (the PBX runs their commands). */
function agiExecStarts(client: AmiConnection, channels: readonly string[]) {
  const waiting = new Set(channels);
  let resolve = (): void => {};
  const done = new Promise<void>((settle) => {
    resolve = settle;
  });
  const onEvent = (event: AmiMessage): void => {
    if (event.name !== 'AGIExecStart') return;
    waiting.delete(event.get('Channel') ?? '');
    if (waiting.size > 0) return;
    client.bus.off('event', onEvent);
    resolve();
  };
  client.bus.on('event', onEvent);
  return { done };
}

function nextResync(runtime: Runtime) {
  return new Promise<{ listed: number; created: number; lost: number }>((resolve) => {
    const onResync = (report: { listed: number; created: number; lost: number }): void => {
      runtime.bus.off('resync', onResync);
      resolve(report);
    };
    runtime.bus.on('resync', onResync);
  });
}

async function outcome(promise: Promise<unknown>): Promise<Outcome> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.constructor.name : typeof error;
  }
}

function count(into: Record<Outcome, number>, outcomes: readonly Outcome[]): void {
  for (const result of outcomes) into[result] = (into[result] ?? 0) + 1;
}

function isEmpty(runtime: Runtime): boolean {
  return Object.values(runtime.stats()).every((value) => value === 0);
}

/** Listeners on both buses, actions pending, and Node timers of the process. */
function holdings(runtime: Runtime, client: AmiConnection): Record<string, number> {
  return {
    runtimeBusListeners: listeners(runtime.bus.all),
    connectionBusListeners: listeners(client.bus.all),
    pendingActions: client.pendingActions,
    channelActors: runtime.channels.all().length,
    timers: process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length,
  };
}

function listeners(all: Map<unknown, unknown[] | undefined>): number {
  let total = 0;
  for (const handlers of all.values()) total += handlers?.length ?? 0;
  return total;
}

async function until(probe: () => boolean, what: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
