import { type Call, createRuntime, type Runtime, type RuntimeEvents } from 'octostate';
import { AmiConnection, type AmiConnectionOptions } from 'octostate/connection';
import { ManualClock, type PbxHandle, startPbx } from 'octostate/pbx';
import { pino } from 'pino';
import { type FaultyRelay, startFaultyRelay } from '../support/faultyRelay.js';

const silentLogger = pino({ level: 'silent' });

/**
 * A real runtime over TCP to an embedded PBX on fake time, through a {@link FaultyRelay} that the
 * test uses to cut, hold back or slow down the AMI connection. The runtime's own timers
 * (keepalive, reconnect, linger) are real.
 */
export interface RelayedRig {
  readonly clock: ManualClock;
  readonly pbx: PbxHandle;
  readonly relay: FaultyRelay;
  readonly client: AmiConnection;
  readonly runtime: Runtime;
  /** Unhandled rejections seen in the process since the rig started. */
  readonly unhandled: unknown[];
  close(): Promise<void>;
}

/** Starts the rig and resolves once the runtime is ready. */
export async function startRelayedRig(
  connection: Partial<AmiConnectionOptions> = {},
): Promise<RelayedRig> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 18, 0));
  const pbx = await startPbx({ port: 0, clock });
  const relay = await startFaultyRelay(pbx.url.replace('ami://', 'ami://manager:secret@'));
  const client = AmiConnection.fromUrl(relay.url, {
    logger: silentLogger,
    reconnect: { initialDelayMs: 1, maxDelayMs: 20 },
    ...connection,
  });
  const runtime = createRuntime({ client, logger: silentLogger, lingerMs: 20 });
  await client.connect();
  await runtime.ready();
  return {
    clock,
    pbx,
    relay,
    client,
    runtime,
    unhandled,
    async close() {
      await runtime.close();
      await client.close();
      await relay.close();
      await pbx.stop();
      process.off('unhandledRejection', onUnhandled);
    },
  };
}

/**
 * Places `count` calls: each a Local pair whose `;1` is in AsyncAGI (the returned Call), the `;2`
 * in Echo (up until hung up).
 */
export async function originateAgiCalls(rig: RelayedRig, count: number): Promise<Call[]> {
  const pending = Array.from({ length: count }, () =>
    rig.runtime.originateToAgi({ channel: 'Local/echo@default' }),
  );
  const calls = await whileAdvancing(rig.clock, Promise.all(pending));
  await until(
    () =>
      rig.pbx.channels().length === 2 * count && rig.runtime.channels.all().length === 2 * count,
    () => `${2 * count} channels up`,
  );
  return calls;
}

/** Hangs every call up on the PBX and waits until the runtime holds nothing. */
export async function hangUpAll(rig: RelayedRig): Promise<void> {
  for (const channel of rig.pbx.channels()) rig.pbx.hangup(channel.name);
  await until(
    () =>
      rig.runtime.channels.all().length === 0 &&
      Object.values(rig.runtime.stats()).every((value) => value === 0),
    () => `the runtime to let go of every call (${JSON.stringify(rig.runtime.stats())})`,
  );
}

/** A channel name for each actor the runtime holds now. */
export function actorsByName(rig: RelayedRig): Map<string, unknown> {
  return new Map(rig.pbx.channels().map((c) => [c.name, rig.runtime.channels.byName(c.name)]));
}

/** Whether every channel in `before` still has the very same actor. */
export function sameActors(rig: RelayedRig, before: Map<string, unknown>): boolean {
  return [...before].every(([name, ref]) => ref && rig.runtime.channels.byName(name) === ref);
}

/**
 * Moves the PBX's time `stepMs` at a time, at most `maxMs` in all, letting the runtime read what
 * the PBX sent after each step, until `promise` settles; then waits for it in real time.
 */
export async function whileAdvancing<T>(
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

/**
 * Resolves once an `AGIExecStart` came for each of `channels` (the PBX runs their commands); the
 * PBX picks a queued command up at its next 100 ms poll, so this moves its time at most 1 s.
 */
export async function agiCommandsStarted(
  rig: RelayedRig,
  channels: readonly string[],
): Promise<void> {
  const waiting = new Set(channels);
  const started = new Promise<void>((resolve) => {
    const onEvent = (event: { name: string; get(key: string): string | undefined }): void => {
      if (event.name !== 'AGIExecStart') return;
      waiting.delete(event.get('Channel') ?? '');
      if (waiting.size > 0) return;
      rig.client.bus.off('event', onEvent);
      resolve();
    };
    rig.client.bus.on('event', onEvent);
  });
  await whileAdvancing(rig.clock, started, { maxMs: 1000 });
}

/** Resolves with the runtime's next bus event of that type that `accept` takes. */
export function nextEvent<K extends keyof RuntimeEvents>(
  runtime: Runtime,
  type: K,
  accept: (event: RuntimeEvents[K]) => boolean = () => true,
): Promise<RuntimeEvents[K]> {
  return new Promise((resolve) => {
    const listener = (event: RuntimeEvents[K]): void => {
      if (!accept(event)) return;
      runtime.bus.off(type, listener);
      resolve(event);
    };
    runtime.bus.on(type, listener);
  });
}

/** How a promise settled: `ok`, or the class of its error. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.constructor.name : typeof error;
  }
}

/** Listeners on both buses, actions pending, channel actors, and Node timers of the process. */
export function holdings(rig: RelayedRig): Record<string, number> {
  return {
    runtimeBusListeners: listeners(rig.runtime.bus.all),
    connectionBusListeners: listeners(rig.client.bus.all),
    pendingActions: rig.client.pendingActions,
    channelActors: rig.runtime.channels.all().length,
    timers: process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length,
  };
}

function listeners(all: Map<unknown, unknown[] | undefined>): number {
  let total = 0;
  for (const handlers of all.values()) total += handlers?.length ?? 0;
  return total;
}

/** Polls `probe` every 5 ms (real time); throws with `what()` after `timeoutMs`. */
export async function until(
  probe: () => boolean,
  what: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
