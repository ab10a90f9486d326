import { enqueueActions, setup } from 'xstate';
import type { AmiClient } from '../connection/client.js';
import type { AmiSendRequest } from '../machines/channel/channelEvents.js';
import { type ChannelOutput, channelMachine } from '../machines/channel/channelMachine.js';
import type { AmiMessage } from '../protocol/message.js';
import { type ChannelActorRef, ChannelRouter, type RouterNotice } from './channelRouter.js';
import { type ClientActorEvent, clientActor } from './clientActor.js';
import { listChannels } from './listChannels.js';
import type { ResyncReport } from './resync.js';

export type { ChannelActorRef } from './channelRouter.js';

/** How the supervisor starts. */
export interface SupervisorInput {
  /** The AMI connection (see `AmiConnection`), connected or not yet. */
  readonly client: AmiClient;
  /**
   * How long a hung-up channel actor stays reachable before it is removed (ms): at least this, at
   * most twice this (removals are swept once per period). Default 2,000.
   */
  readonly lingerMs?: number;
  /** The statechart for channels: `channelMachine` or an extension of it (`.provide(...)`). */
  readonly channelLogic?: typeof channelMachine;
}

export interface SupervisorContext {
  readonly client: AmiClient;
  readonly lingerMs: number;
  /** Mutable on purpose: the routing index, updated on every event, not a value to diff. */
  readonly router: ChannelRouter;
}

/** The connection's life as the supervisor reflects it. */
export type SupervisorConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** What the supervisor reports to whoever watches it (the runtime republishes these on its bus). */
export type SupervisorEmitted =
  | RouterNotice
  | { type: 'hangup'; uniqueid: string; output: ChannelOutput }
  | { type: 'removed'; uniqueid: string }
  | { type: 'connection'; state: SupervisorConnectionState; error?: Error }
  | ({ type: 'resync' } & ResyncReport)
  | { type: 'error'; error: unknown; during: string };

export type SupervisorEvent =
  | ClientActorEvent
  | AmiSendRequest
  | { type: 'router.notice'; notice: RouterNotice }
  /** Stop supervising (the runtime is closing): every channel actor stops. */
  | { type: 'close' }
  | { type: 'linger.sweep' }
  | { type: `xstate.done.actor.${string}`; output: ChannelOutput }
  | { type: `xstate.error.actor.${string}`; error: unknown };

const DONE_PREFIX = 'xstate.done.actor.';
const ERROR_PREFIX = 'xstate.error.actor.';

function channelIdOf(eventType: string): string {
  return eventType.slice(
    eventType.startsWith(ERROR_PREFIX) ? ERROR_PREFIX.length : DONE_PREFIX.length,
  );
}

/**
 * The supervisor (system id `ami`): owns the AMI connection (invoked as the `client` actor),
 * reflects its life in its states, and keeps one channel actor per Asterisk channel, keyed by
 * Uniqueid.
 *
 * ```
 * ami
 * ├─ connecting
 * ├─ connected
 * │  ├─ resyncing   CoreShowChannels; events meanwhile are held, then replayed
 * │  └─ live        every event routed as it comes
 * ├─ reconnecting   (the client retries; channel actors stay as they were)
 * └─ closed (final: every channel actor stops)
 * ```
 *
 * Routing: the client actor hands each event to the supervisor's {@link ChannelRouter}, which
 * delivers it to the channel actors it concerns (`routeKeys`) and creates an actor on `Newchannel`
 * or for a channel never seen (one that was up before we connected). When a channel actor reaches
 * `hungUp` the supervisor emits `hangup`, keeps the actor reachable for the named delay `linger`
 * (late events are dropped, not resurrected), then stops and forgets it: nothing per call remains.
 *
 * Children talk to Asterisk through the supervisor: `{ type: 'ami.send', action, fields }` sent to
 * the actor with system id `ami` is carried out by the client actor; a failure is emitted as
 * `error`.
 *
 * @example
 * const supervisor = createActor(supervisorMachine, { input: { client }, systemId: 'ami' });
 * supervisor.on('hangup', ({ output }) => console.log(output.name, output.causeText));
 * supervisor.start();
 */
export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
    emitted: {} as SupervisorEmitted,
  },
  actors: { client: clientActor, listChannels },
  delays: {
    linger: ({ context }) => context.lingerMs,
  },
  actions: {
    beginResync: ({ context }) => context.router.beginResync(),
    applyResync: enqueueActions(({ context, event, enqueue }) => {
      const items = 'output' in event ? (event.output as unknown as readonly AmiMessage[]) : [];
      enqueue.emit({ type: 'resync', ...context.router.finishResync(items) });
    }),
    /** Resync impossible (no permission, connection lost): apply what was held, as it came. */
    abandonResync: enqueueActions(({ context, event, enqueue }) => {
      if (!context.router.resyncing) return;
      context.router.abandonResync();
      if ('error' in event) enqueue.emit({ type: 'error', error: event.error, during: 'resync' });
    }),
    relayNotice: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'router.notice') enqueue.emit(event.notice);
    }),
    channelDone: enqueueActions(({ context, event, enqueue }) => {
      const uniqueid = channelIdOf(event.type);
      const directory = context.router.directory;
      directory.markDone(uniqueid);
      if ('error' in event) {
        enqueue.emit({ type: 'error', error: event.error, during: `channel ${uniqueid}` });
      } else if ('output' in event) {
        enqueue.emit({ type: 'hangup', uniqueid, output: event.output });
      }
      if (!directory.sweepScheduled) {
        directory.sweepScheduled = true;
        enqueue.raise({ type: 'linger.sweep' }, { delay: 'linger', id: 'linger.sweep' });
      }
    }),
    /**
     * One timer for all hung-up channels, not one each: XState scans every scheduled event when an
     * actor stops, so per-channel timers would make each hang-up cost O(calls lingering).
     */
    sweep: enqueueActions(({ context, enqueue }) => {
      const directory = context.router.directory;
      for (const uniqueid of directory.sweep()) {
        const ref = directory.get(uniqueid);
        if (ref) enqueue.stopChild(ref);
        directory.remove(uniqueid);
        enqueue.emit({ type: 'removed', uniqueid });
      }
      if (directory.lingering > 0) {
        enqueue.raise({ type: 'linger.sweep' }, { delay: 'linger', id: 'linger.sweep' });
      } else directory.sweepScheduled = false;
    }),
    stopChannels: enqueueActions(({ context, enqueue }) => {
      for (const ref of context.router.directory.refs()) enqueue.stopChild(ref);
    }),
    forwardSend: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'ami.send') enqueue.sendTo('client', event);
    }),
    reportSendFailure: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'ami.sendFailed') {
        enqueue.emit({ type: 'error', error: event.error, during: `action ${event.action}` });
      }
    }),
    emitConnection: enqueueActions(
      ({ event, enqueue }, params: { state: SupervisorConnectionState }) => {
        const error = event.type === 'client.disconnected' ? event.error : undefined;
        enqueue.emit(
          error
            ? { type: 'connection', state: params.state, error }
            : { type: 'connection', state: params.state },
        );
      },
    ),
  },
  guards: {
    isLiveChannel: ({ context, event }) =>
      context.router.directory.status(channelIdOf(event.type)) === 'live',
  },
}).createMachine({
  id: 'ami',
  context: ({ input, self }) => ({
    client: input.client,
    lingerMs: input.lingerMs ?? 2000,
    router: new ChannelRouter(input.channelLogic ?? channelMachine, self, (notice) =>
      self.send({ type: 'router.notice', notice }),
    ),
  }),
  invoke: {
    id: 'client',
    src: 'client',
    input: ({ context }) => ({
      client: context.client,
      onEvent: (message: AmiMessage) => context.router.route(message),
    }),
  },
  initial: 'connecting',
  on: {
    'client.connected': { target: '.connected' },
    'client.disconnected': { target: '.reconnecting' },
    'client.reconnecting': { target: '.reconnecting' },
    'client.closed': { target: '.closed' },
    close: { target: '.closed' },
    'router.notice': { actions: 'relayNotice' },
    'ami.send': { actions: 'forwardSend' },
    'ami.sendFailed': { actions: 'reportSendFailure' },
    'linger.sweep': { actions: 'sweep' },
    'xstate.done.actor.*': { guard: 'isLiveChannel', actions: 'channelDone' },
    'xstate.error.actor.*': { guard: 'isLiveChannel', actions: 'channelDone' },
  },
  states: {
    connecting: {
      entry: { type: 'emitConnection', params: { state: 'connecting' } },
    },
    connected: {
      entry: { type: 'emitConnection', params: { state: 'connected' } },
      // Leaving before the list came back (connection lost): what was held still happened. On
      // `connected` rather than `resyncing`, whose exit would run before `onDone`'s actions.
      exit: 'abandonResync',
      initial: 'resyncing',
      states: {
        resyncing: {
          entry: 'beginResync',
          invoke: {
            id: 'resync',
            src: 'listChannels',
            input: ({ context }) => ({ client: context.client }),
            onDone: { target: 'live', actions: 'applyResync' },
            onError: { target: 'live', actions: 'abandonResync' },
          },
        },
        live: {},
      },
    },
    reconnecting: {
      entry: { type: 'emitConnection', params: { state: 'reconnecting' } },
    },
    closed: {
      type: 'final',
      entry: ['stopChannels', { type: 'emitConnection', params: { state: 'closed' } }],
    },
  },
});

/**
 * The channel actor of a Uniqueid, live or lingering after its hang-up.
 *
 * @example
 * channelActorOf(supervisor, '1795808402.0')?.getSnapshot().context.name;
 */
export function channelActorOf(
  supervisor: { getSnapshot(): { context: SupervisorContext } },
  uniqueid: string,
): ChannelActorRef | undefined {
  return supervisor.getSnapshot().context.router.directory.get(uniqueid);
}
