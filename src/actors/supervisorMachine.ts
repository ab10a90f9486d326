import { createActor, enqueueActions, setup } from 'xstate';
import type { AmiClient } from '../connection/client.js';
import { type ChannelOutput, channelMachine } from '../machines/channel/channelMachine.js';
import type { ChannelActorRef } from '../machines/channel/channelSnapshot.js';
import type { AmiMessage } from '../protocol/message.js';
import { type ChannelEndEvent, withChannelEndEvents } from './channelEndEvents.js';
import { type BridgeChange, ChannelRouter } from './channelRouter.js';
import { type ConnectionActorEvent, connectionActor } from './connectionActor.js';
import { listChannels } from './listChannels.js';
import type { ResyncReport } from './resync.js';

/** What the supervisor tells whoever runs it (the runtime republishes these on its bus). */
export type SupervisorNotice =
  | { type: 'channel'; uniqueid: string; ref: ChannelActorRef }
  | ({ type: 'bridge' } & BridgeChange)
  | { type: 'hangup'; uniqueid: string; output: ChannelOutput }
  | { type: 'removed'; uniqueid: string }
  | ({ type: 'resync' } & ResyncReport)
  | { type: 'error'; error: unknown; during: string };

/** How the supervisor starts. */
export interface SupervisorInput {
  /** The AMI connection (see `AmiConnection`), connected or not yet. */
  readonly client: AmiClient;
  /**
   * How long a hung-up channel actor stays reachable before it is removed (ms): at least this, at
   * most 100 ms more (removals are swept every 50 ms while channels linger). Default 2,000.
   */
  readonly lingerMs?: number;
  /**
   * How long a new session waits for Asterisk's `FullyBooted` before it resyncs anyway (ms; default
   * 3,000). Asterisk sends it at login once its core is up, or when it gets there after a restart,
   * but only to users who may read `system` events: for others each session waits this long.
   */
  readonly bootWaitMs?: number;
  /**
   * Most events held while a resync lists the channels (default 10,000); past it they are routed
   * as they come and the list is applied at its end (see `ChannelRouter`).
   */
  readonly maxResyncBacklog?: number;
  /** The statechart for channels: `channelMachine` or an extension of it (`.provide(...)`). */
  readonly channelLogic?: typeof channelMachine;
  /**
   * Hears what happens, synchronously: a channel actor created (before its first event is
   * delivered), a bridge change, a hang-up, a removal, a resync, a failure.
   */
  readonly notify?: (notice: SupervisorNotice) => void;
}

export interface SupervisorContext {
  readonly client: AmiClient;
  readonly lingerMs: number;
  readonly bootWaitMs: number;
  /** The sweep period (ms), and how many sweeps a hung-up channel waits for (see `lingerPlan`). */
  readonly sweep: { readonly everyMs: number; readonly after: number };
  readonly notify: (notice: SupervisorNotice) => void;
  /** Mutable on purpose: the routing index, updated on every event, not a value to diff. */
  readonly router: ChannelRouter<ChannelActorRef>;
}

export type SupervisorEvent =
  | ConnectionActorEvent
  /** Stop supervising (the runtime is closing): every channel actor stops. */
  | { type: 'close' }
  | ChannelEndEvent
  /** The resync's list failed (an invoked actor's error). */
  | { type: `xstate.error.actor.${string}`; error: unknown };

/** The longest period between two sweeps of hung-up channels. */
const SWEEP_EVERY_MS = 50;

/**
 * How hung-up channels are swept for a linger of `lingerMs`: every `everyMs` while any lingers,
 * each removed `after` sweeps from its hang-up. A channel that hangs up between two sweeps has
 * waited more than `(after - 1) * everyMs >= lingerMs` at its `after`-th sweep, and at most
 * `after * everyMs < lingerMs + 2 * everyMs`, so at most 100 ms more than `lingerMs`.
 */
export function lingerPlan(lingerMs: number): { everyMs: number; after: number } {
  const everyMs = Math.max(1, Math.min(SWEEP_EVERY_MS, lingerMs));
  return { everyMs, after: Math.ceil(lingerMs / everyMs) + 1 };
}

const ERROR_PREFIX = 'xstate.error.actor.';

/**
 * The supervisor (system id `ami`): observes the AMI connection and keeps one channel actor per
 * Asterisk channel, keyed by Uniqueid, in its actor system.
 *
 * ```
 * ami (parallel)
 * ├─ session
 * │  ├─ offline     no AMI session; channel actors stay as they were
 * │  ├─ booting     logged in; waits for FullyBooted (at most `bootWaitMs`): Asterisk restarting
 * │  ├─ resyncing   just logged in: CoreShowChannels; events meanwhile are held, then replayed
 * │  ├─ live        every event routed as it comes
 * │  └─ closed      (final: every channel actor stops)
 * └─ linger
 *    ├─ idle        no hung-up channel waiting for removal
 *    ├─ waiting     hung-up channels linger; every `sweep` (50 ms) the expired ones are removed
 *    └─ stopped     (final)
 * ```
 *
 * Routing: the connection actor hands each event to the supervisor's {@link ChannelRouter}, which
 * delivers it to the channel actors it concerns and creates an actor (a child of the supervisor)
 * on `Newchannel` or for a channel never seen (one up before we connected). When a channel actor
 * ends (`hungUp`) the supervisor notifies `hangup`, keeps the actor reachable for `lingerMs` (late
 * events are dropped, not resurrected), then, within 100 ms more, stops and forgets it: nothing per
 * call remains. One sweep timer for all hung-up channels, not a timer each: XState scans every
 * scheduled event when an actor stops, so per-channel timers would make each hang-up cost
 * O(calls lingering).
 *
 * @example
 * const supervisor = createActor(supervisorMachine, {
 *   input: { client, notify: (notice) => console.log(notice.type) },
 *   systemId: 'ami',
 * });
 * supervisor.start();
 */
const supervisorChart = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
  },
  actors: { connection: connectionActor, listChannels },
  delays: {
    sweep: ({ context }) => context.sweep.everyMs,
    bootWait: ({ context }) => context.bootWaitMs,
  },
  actions: {
    beginResync: ({ context }) => context.router.beginResync(),
    applyResync: ({ context, event }) => {
      const items = 'output' in event ? (event.output as unknown as readonly AmiMessage[]) : [];
      context.notify({ type: 'resync', ...context.router.finishResync(items) });
    },
    /** No list to be had (no permission, connection lost): apply what was held, as it came. */
    abandonResync: ({ context, event }) => {
      context.router.abandonResync();
      if ('error' in event && event.type.startsWith(ERROR_PREFIX)) {
        context.notify({ type: 'error', error: event.error, during: 'resync' });
      }
    },
    channelDone: ({ context, event }) => {
      if (event.type !== 'channel.ended' && event.type !== 'channel.failed') return;
      const { uniqueid } = event;
      context.router.directory.markDone(uniqueid);
      if (event.type === 'channel.failed') {
        context.notify({ type: 'error', error: event.error, during: `channel ${uniqueid}` });
      } else {
        context.notify({ type: 'hangup', uniqueid, output: event.output });
      }
    },
    /** Removes the channels that have lingered `lingerMs`. */
    sweep: enqueueActions(({ context, enqueue }) => {
      const directory = context.router.directory;
      for (const uniqueid of directory.sweep(context.sweep.after)) {
        const ref = directory.get(uniqueid);
        if (ref) enqueue.stopChild(ref);
        directory.remove(uniqueid);
        context.notify({ type: 'removed', uniqueid });
      }
    }),
    stopChannels: enqueueActions(({ context, enqueue }) => {
      // The facts still waiting reach their channels before these stop.
      context.router.folds.flush();
      for (const ref of context.router.directory.refs()) enqueue.stopChild(ref);
    }),
  },
  guards: {
    isLiveChannel: ({ context, event }) =>
      'uniqueid' in event && context.router.directory.status(event.uniqueid) === 'live',
    hasLingering: ({ context }) => context.router.directory.lingering > 0,
  },
}).createMachine({
  id: 'ami',
  context: ({ input, self }) => {
    const lingerMs = input.lingerMs ?? 2000;
    // Call logic gets as long as a hung-up channel lingers to finish after the hang-up.
    const logic = (input.channelLogic ?? channelMachine).provide({
      delays: { logicGrace: lingerMs },
    });
    const notify = input.notify ?? (() => {});
    return {
      client: input.client,
      lingerMs,
      bootWaitMs: input.bootWaitMs ?? 3000,
      sweep: lingerPlan(lingerMs),
      notify,
      router: new ChannelRouter<ChannelActorRef>(
        {
          create: (uniqueid, channelInput) =>
            createActor(logic, { id: uniqueid, parent: self, input: channelInput }),
          created: (uniqueid, ref) => notify({ type: 'channel', uniqueid, ref }),
          bridge: (change) => notify({ type: 'bridge', ...change }),
        },
        input.maxResyncBacklog === undefined ? {} : { maxResyncBacklog: input.maxResyncBacklog },
      ),
    };
  },
  invoke: {
    id: 'connection',
    src: 'connection',
    input: ({ context }) => ({
      client: context.client,
      onEvent: (message: AmiMessage) => context.router.route(message),
    }),
  },
  type: 'parallel',
  states: {
    session: {
      initial: 'offline',
      on: {
        'connection.closed': '.closed',
        close: '.closed',
      },
      states: {
        offline: {
          on: { 'connection.up': 'booting' },
        },
        // A core still starting answers lists and actions before its channels and modules exist.
        booting: {
          on: { 'connection.booted': 'resyncing', 'connection.down': 'offline' },
          after: { bootWait: 'resyncing' },
        },
        resyncing: {
          entry: 'beginResync',
          invoke: {
            id: 'resync',
            src: 'listChannels',
            input: ({ context }) => ({ client: context.client }),
            onDone: { target: 'live', actions: 'applyResync' },
            onError: { target: 'live', actions: 'abandonResync' },
          },
          // Leaving before the list came back: what was held still happened.
          on: {
            'connection.down': { target: 'offline', actions: 'abandonResync' },
            'connection.closed': { target: 'closed', actions: 'abandonResync' },
            close: { target: 'closed', actions: 'abandonResync' },
          },
        },
        live: {
          on: { 'connection.down': 'offline' },
        },
        closed: { type: 'final', entry: 'stopChannels' },
      },
    },
    // A channel actor ends (it hung up, or failed): it lingers until a sweep removes it.
    linger: {
      initial: 'idle',
      on: {
        'channel.ended': { guard: 'isLiveChannel', actions: 'channelDone' },
        'channel.failed': { guard: 'isLiveChannel', actions: 'channelDone' },
        'connection.closed': '.stopped',
        close: '.stopped',
      },
      states: {
        idle: {
          on: {
            'channel.ended': { guard: 'isLiveChannel', target: 'waiting', actions: 'channelDone' },
            'channel.failed': { guard: 'isLiveChannel', target: 'waiting', actions: 'channelDone' },
          },
        },
        waiting: {
          after: { sweep: 'sweeping' },
        },
        sweeping: {
          entry: 'sweep',
          always: [{ guard: 'hasLingering', target: 'waiting' }, { target: 'idle' }],
        },
        stopped: { type: 'final' },
      },
    },
  },
});

/**
 * The supervisor's logic: its chart with each channel actor's end arriving as one of two event
 * types (see `withChannelEndEvents`).
 */
export const supervisorMachine = withChannelEndEvents(
  supervisorChart,
  (snapshot, actorId) => snapshot.context.router.directory.status(actorId) !== undefined,
);
