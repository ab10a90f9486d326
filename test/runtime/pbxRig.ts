import { pino } from 'pino';
import type { ActorRefLike } from 'xstate';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import type { Emitter, EventType } from '../../src/connection/emitter.js';
import type { ChannelContext } from '../../src/machines/channel/channelContext.js';
import type { ChannelOutput } from '../../src/machines/channel/channelMachine.js';
import type { ChannelActorRef } from '../../src/machines/channel/channelSnapshot.js';
import { describeChannel } from '../../src/machines/channel/describeChannel.js';
import { ManualClock, type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';

/** What a test learns about one channel: its labels in order (duplicates collapsed), its output. */
export interface SeenChannel {
  readonly uniqueid: string;
  name: string;
  readonly states: string[];
  /** The channel's context at its last snapshot. */
  context?: ChannelContext;
  output?: ChannelOutput;
}

/**
 * A real runtime (`createRuntime`) connected over TCP to an embedded PBX running on a
 * {@link ManualClock}: the test moves the PBX's time; the runtime's own timers (linger) are real.
 */
export interface PbxRig {
  readonly pbx: PbxHandle;
  readonly clock: ManualClock;
  /** The runtime's AMI connection (ours, so that the test can send actions and inspect it). */
  readonly connection: AmiConnection;
  readonly runtime: Runtime;
  /** Every channel the runtime announced, by Uniqueid (only when `record` is on). */
  readonly channels: Map<string, SeenChannel>;
  /** Counts of `channel`, `hangup` (and those `lost`) and `removed` bus events. */
  readonly counts: { channels: number; hangups: number; lost: number; removed: number };
  /** Channel actors the runtime announced and has not removed yet. */
  readonly liveRefs: Set<ChannelActorRef>;
  /** Actors found still running when the runtime said they were removed. */
  readonly runningAfterRemoval: string[];
  /**
   * Actors of the runtime's actor system (seen by XState inspection from the first `channel` on)
   * whose last snapshot is still `active`: channel actors, and anything else spawned per call.
   */
  readonly runningActors: Set<ActorRefLike>;
  /**
   * Advances the PBX's clock `stepMs` at a time (letting the runtime read what the PBX sent in
   * between) until `probe` holds; throws after `maxMs` of PBX time.
   */
  run(
    probe: () => boolean,
    what: string,
    options?: { stepMs?: number; maxMs?: number },
  ): Promise<void>;
  stop(): Promise<void>;
}

export const silentLogger = pino({ level: 'silent' });

/** Starts a PBX on fake time and a runtime on it; resolves once the runtime is live. */
export async function startPbxRig(options: {
  lingerMs: number;
  record?: boolean;
}): Promise<PbxRig> {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 20, 0));
  const pbx = await startPbx({ port: 0, clock });
  const connection = AmiConnection.fromUrl(pbx.url.replace('ami://', 'ami://manager:secret@'), {
    logger: silentLogger,
    reconnect: false,
  });
  const runtime = createRuntime({
    client: connection,
    logger: silentLogger,
    lingerMs: options.lingerMs,
  });
  const channels = new Map<string, SeenChannel>();
  const counts = { channels: 0, hangups: 0, lost: 0, removed: 0 };
  const liveRefs = new Set<ChannelActorRef>();
  const byId = new Map<string, ChannelActorRef>();
  const runningAfterRemoval: string[] = [];
  runtime.bus.on('channel', ({ uniqueid, ref }) => {
    counts.channels += 1;
    liveRefs.add(ref);
    byId.set(uniqueid, ref);
    if (!options.record) return;
    const seen: SeenChannel = { uniqueid, name: '', states: [] };
    channels.set(uniqueid, seen);
    const observe = () => {
      const snapshot = ref.getSnapshot();
      seen.name = snapshot.context.name;
      seen.context = snapshot.context;
      const label = describeChannel(snapshot);
      if (seen.states.at(-1) !== label) seen.states.push(label);
    };
    observe();
    ref.subscribe({ next: observe, complete: observe, error: () => {} });
  });
  runtime.bus.on('hangup', ({ uniqueid, output }) => {
    counts.hangups += 1;
    if (output.lost) counts.lost += 1;
    const seen = channels.get(uniqueid);
    if (seen) seen.output = output;
  });
  runtime.bus.on('removed', ({ uniqueid }) => {
    counts.removed += 1;
    const ref = byId.get(uniqueid);
    byId.delete(uniqueid);
    if (!ref) return;
    liveRefs.delete(ref);
    if (ref.getSnapshot().status === 'active') runningAfterRemoval.push(uniqueid);
  });
  const runningActors = new Set<ActorRefLike>();
  runtime.supervisor.system.inspect((event) => {
    if (event.type === '@xstate.actor') {
      if (event.actorRef !== runtime.supervisor) runningActors.add(event.actorRef);
    } else if (event.type === '@xstate.snapshot') {
      if ((event.snapshot as { status?: string }).status !== 'active')
        runningActors.delete(event.actorRef);
    }
  });
  await connection.connect();
  await runtime.ready();
  return {
    runningActors,
    pbx,
    clock,
    connection,
    runtime,
    channels,
    counts,
    liveRefs,
    runningAfterRemoval,
    async run(probe, what, { stepMs = 500, maxMs = 120_000 } = {}) {
      for (let elapsed = 0; !probe(); elapsed += stepMs) {
        if (elapsed > maxMs) throw new Error(`${what}: not after ${maxMs} ms of PBX time`);
        await clock.advance(stepMs);
      }
    },
    async stop() {
      await runtime.close();
      await connection.close();
      await pbx.stop();
    },
  };
}

/** Waits (real time, polling) for what the runtime does on its own: receiving, lingering. */
export async function eventually(
  probe: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** How many handlers a mitt bus holds, over every event type. */
export function listenerCount<T extends Record<EventType, unknown>>(bus: Emitter<T>): number {
  let count = 0;
  for (const handlers of bus.all.values()) count += handlers?.length ?? 0;
  return count;
}

/** What an idle rig holds, to compare with after the calls. */
export function footprint(rig: PbxRig) {
  return {
    runtime: rig.runtime.stats(),
    liveChannelActors: rig.runtime.channels.all().length,
    trackedActors: rig.liveRefs.size,
    runningAfterRemoval: rig.runningAfterRemoval.length,
    runningActors: rig.runningActors.size,
    runtimeBusListeners: listenerCount(rig.runtime.bus),
    connectionBusListeners: listenerCount(rig.connection.bus),
    pendingActions: rig.connection.pendingActions,
    pbxChannels: rig.pbx.channels().length,
    pbxTasks: rig.pbx.pbx.tasks.size,
    pbxTimers: rig.clock.pending,
  };
}
