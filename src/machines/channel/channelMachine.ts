import { assign, emit, enqueueActions, setup } from 'xstate';
import {
  absorbEvent,
  type ChannelContext,
  type ChannelInput,
  initialChannelContext,
} from './channelContext.js';
import type { AmiSendRequest, ChannelEmitted, ChannelEvent } from './channelEvents.js';

/** The line state a `ChannelState` number stands for. */
export type LineState = 'down' | 'incoming' | 'outgoing' | 'answered';

/** What a channel statechart ends with (its `output`, and the runtime's `hangup` bus event). */
export interface ChannelOutput {
  readonly uniqueid: string;
  readonly name: string;
  readonly linkedid: string;
  /** Q.850 cause from `Hangup` (`16` Normal Clearing...); `0` when lost. */
  readonly cause: number;
  /** `Cause-txt` from `Hangup`, or `Lost`. */
  readonly causeText: string;
  /** True when the channel vanished while we were disconnected (no `Hangup` was seen). */
  readonly lost: boolean;
}

/**
 * Maps Asterisk's `ChannelState` (`ast_channel_state`) to a line state: 4 `Ring` is a call being
 * presented to us (incoming), 5 `Ringing` is the far end ringing (outgoing), 6 `Up` is answered;
 * everything else (Down, Rsrvd, OffHook, Dialing, Busy, Pre-ring...) is not connected.
 *
 * @example
 * lineStateOf(6); // 'answered'
 */
export function lineStateOf(channelState: number): LineState {
  switch (channelState) {
    case 4:
      return 'incoming';
    case 5:
      return 'outgoing';
    case 6:
      return 'answered';
    default:
      return 'down';
  }
}

function eventLine(event: ChannelEvent): LineState | undefined {
  if (!('message' in event)) return undefined;
  const state = event.message.get('ChannelState');
  return state === undefined ? undefined : lineStateOf(Number(state));
}

// The fold of the last (context, event) pair, so that the `changes` guard and the `absorb` action
// of the same transition compute it once. `absorbEvent` is pure: the pair always folds the same.
let foldedContext: ChannelContext | undefined;
let foldedEvent: ChannelEvent | undefined;
let folded: Partial<ChannelContext> | undefined;

function fold(context: ChannelContext, event: ChannelEvent): Partial<ChannelContext> | undefined {
  if (context !== foldedContext || event !== foldedEvent) {
    folded = absorbEvent(context, event);
    foldedContext = context;
    foldedEvent = event;
  }
  return folded;
}

/**
 * An action that asks the supervisor (system id `ami`) to send an AMI action built from the
 * context and event (`undefined`: nothing to send). Sent with `enqueue.sendTo`, as XState wants
 * actions to send, so the request is delivered after the current transition, not inside it.
 */
function requestToAmi(
  build: (context: ChannelContext, event: ChannelEvent) => AmiSendRequest | undefined,
) {
  return enqueueActions<
    ChannelContext,
    ChannelEvent,
    undefined,
    ChannelEvent,
    never,
    never,
    never,
    never,
    never
  >(({ context, event, system, enqueue }) => {
    const request = build(context, event);
    const supervisor = system.get('ami');
    if (request && supervisor) enqueue.sendTo(supervisor, request);
  });
}

const amiRequest = (action: string, fields: AmiSendRequest['fields']): AmiSendRequest => ({
  type: 'ami.send',
  action,
  fields,
});

const LINE = '#channel.live.line';
const lineTarget = {
  down: `${LINE}.down`,
  incoming: `${LINE}.ringing.incoming`,
  outgoing: `${LINE}.ringing.outgoing`,
  answered: `${LINE}.answered`,
} as const;

/** `Newstate`/`sync` transitions out of `from` (never to itself: a repeated state is not news). */
function lineMoves(from: LineState) {
  return (['down', 'incoming', 'outgoing', 'answered'] as const)
    .filter((to) => to !== from)
    .map((to) => ({
      guard: { type: 'lineIs' as const, params: { line: to } },
      target: lineTarget[to],
      actions: ['absorb' as const],
    }));
}

/**
 * The statechart of one Asterisk channel, driven only by the AMI events about it.
 *
 * ## Design
 * A channel has one line state, and things that happen to it independently of that line state: it
 * can ring while in AsyncAGI (AGI answers it), be answered and in AGI, then leave AGI and be
 * bridged, and dial out from any of these. So the live channel is a **parallel** state with four
 * orthogonal regions, and `hungUp` is the final state that ends all of them at once:
 *
 * ```
 * channel
 * ├─ live (parallel)
 * │  ├─ line:   down ─▶ ringing { incoming (4 Ring) | outgoing (5 Ringing) } ─▶ answered (6 Up)
 * │  ├─ dial:   idle ⇄ dialing        (DialBegin as caller ... DialEnd of its last leg)
 * │  ├─ agi:    idle ⇄ inAgi          (AsyncAGIStart ... AsyncAGIEnd; may happen again)
 * │  └─ bridge: unbridged ⇄ bridged   (BridgeEnter ... BridgeLeave of this channel)
 * └─ hungUp (final; output: cause, cause text, lost)     ◀─ Hangup from anywhere; `lost` on resync
 * ```
 *
 * `line` follows `Newstate` (and the state in the channel's first event, so a channel met mid-call
 * starts where it is: `line`, `agi` and `bridge` each begin in a transient `starting` state that
 * the first macrostep leaves for the state the input says, running only the entry hook of that
 * state). `describeChannel()` turns a snapshot into a one-word label for logs.
 *
 * ## Events
 * AMI events arrive as `{ type: 'ami.<Event>', message }` (see `toChannelEvent`); the supervisor
 * routes to each channel the events about it, two-channel events (Dial*, LocalBridge, bridge
 * enter/leave) to both sides. `sync` carries a `CoreShowChannel` item after a (re)connect; `lost`
 * ends a channel that vanished during a disconnection. Every event is folded into the context by
 * `absorbEvent` exactly once: by the region transition it fires, or else by the catch-all `ami.*`
 * of `live` (XState only consults a parallel state's own transitions when no region took the event).
 * The catch-all is guarded by `changes`: an event that changes nothing (a repeated `Newstate`, the
 * other side of a `DialBegin`...) still reaches the statechart, but leaves its snapshot as it was
 * instead of costing a copy of it.
 *
 * ## Extending
 * Hooks are named no-op actions to replace with `.provide()`: `onDown`, `onRinging`, `onAnswered`,
 * `onDialBegin`, `onDialEnd`, `onAgiStart`, `onAgiEnd`, `onBridged`, `onUnbridged`, `onHangup`.
 * The actions that talk to the PBX, `requestHangup`, `setVariable`, `playDtmf` and `redirect`
 * (run on the `hangup`, `setVariable`, `playDtmf` and `redirect` events), send an `ami.send`
 * request to the actor with system id `ami` (the supervisor); provide your own when embedding the
 * machine elsewhere.
 *
 * @example
 * const machine = channelMachine.provide({
 *   actions: { onAnswered: ({ context }) => console.log(`${context.name} answered`) },
 * });
 * const actor = createActor(machine, { input: channelInputFrom(newchannel) }).start();
 * actor.send(toChannelEvent(newstateUp)); // logs "... answered"
 */
export const channelMachine = setup({
  types: {
    context: {} as ChannelContext,
    events: {} as ChannelEvent,
    input: {} as ChannelInput,
    output: {} as ChannelOutput,
    emitted: {} as ChannelEmitted,
  },
  actions: {
    absorb: assign(({ context, event }) => fold(context, event) ?? {}),
    announceAgiResult: emit(({ event }) => {
      const message = 'message' in event ? event.message : undefined;
      return {
        type: 'agi.result' as const,
        commandId: message?.get('CommandID') ?? '',
        result: message?.get('Result') ?? '',
      };
    }),
    onDown: () => {},
    onRinging: () => {},
    onAnswered: () => {},
    onDialBegin: () => {},
    onDialEnd: () => {},
    onAgiStart: () => {},
    onAgiEnd: () => {},
    onBridged: () => {},
    onUnbridged: () => {},
    onHangup: () => {},
    requestHangup: requestToAmi((context, event) => {
      const cause = event.type === 'hangup' ? event.cause : undefined;
      return amiRequest('Hangup', [
        ['Channel', context.name],
        ...(cause === undefined ? [] : [['Cause', String(cause)] as const]),
      ]);
    }),
    setVariable: requestToAmi((context, event) =>
      event.type === 'setVariable'
        ? amiRequest('Setvar', [
            ['Channel', context.name],
            ['Variable', event.name],
            ['Value', event.value],
          ])
        : undefined,
    ),
    playDtmf: requestToAmi((context, event) =>
      event.type === 'playDtmf'
        ? amiRequest('PlayDTMF', [
            ['Channel', context.name],
            ['Digit', event.digit],
            ...(event.receive ? [['Receive', 'true'] as const] : []),
          ])
        : undefined,
    ),
    redirect: requestToAmi((context, event) =>
      event.type === 'redirect'
        ? amiRequest('Redirect', [
            ['Channel', context.name],
            ['Context', event.context],
            ['Exten', event.exten],
            ['Priority', String(event.priority ?? 1)],
          ])
        : undefined,
    ),
  },
  guards: {
    /** The event changes the context: an event that changes nothing costs no snapshot. */
    changes: ({ context, event }) => fold(context, event) !== undefined,
    lineIs: ({ event }, params: { line: LineState }) => eventLine(event) === params.line,
    startsAs: ({ context }, params: { line: LineState }) =>
      lineStateOf(context.state.code) === params.line,
    isSelf: ({ context, event }) =>
      'message' in event && event.message.get('Uniqueid') === context.uniqueid,
    startsBridged: ({ context }) => context.bridge !== undefined,
    startsInAgi: ({ context }) => context.agi.sessions > 0,
    lastDialLegEnds: ({ context, event }) =>
      'message' in event &&
      event.message.get('Uniqueid') === context.uniqueid &&
      context.dial.legs.every((leg) => leg === event.message.get('DestUniqueid')),
    syncBridged: ({ event }) => event.type === 'sync' && !!event.message.get('BridgeId'),
    syncUnbridged: ({ event }) => event.type === 'sync' && !event.message.get('BridgeId'),
  },
}).createMachine({
  id: 'channel',
  context: ({ input }) => initialChannelContext(input),
  initial: 'live',
  states: {
    live: {
      type: 'parallel',
      on: {
        'ami.Hangup': { guard: 'isSelf', target: 'hungUp', actions: 'absorb' },
        lost: { target: 'hungUp', actions: 'absorb' },
        'ami.*': { guard: 'changes', actions: 'absorb' },
        'ami.AsyncAGIExec': [
          { guard: 'changes', actions: ['absorb', 'announceAgiResult'] },
          { actions: 'announceAgiResult' },
        ],
        sync: { actions: 'absorb' },
        hangup: { actions: 'requestHangup' },
        setVariable: { actions: 'setVariable' },
        playDtmf: { actions: 'playDtmf' },
        redirect: { actions: 'redirect' },
      },
      states: {
        line: {
          // A channel may be met in any state (mid-call, resync): `starting` is left at once for
          // the state its input says, so only the hook of the state it really starts in runs, and
          // no guard is left to evaluate on every later event.
          initial: 'starting',
          states: {
            starting: {
              always: [
                { guard: { type: 'startsAs', params: { line: 'answered' } }, target: 'answered' },
                {
                  guard: { type: 'startsAs', params: { line: 'incoming' } },
                  target: 'ringing.incoming',
                },
                {
                  guard: { type: 'startsAs', params: { line: 'outgoing' } },
                  target: 'ringing.outgoing',
                },
                { target: 'down' },
              ],
            },
            down: {
              entry: 'onDown',
              on: { 'ami.Newstate': lineMoves('down'), sync: lineMoves('down') },
            },
            ringing: {
              entry: 'onRinging',
              initial: 'incoming',
              states: {
                incoming: {
                  on: { 'ami.Newstate': lineMoves('incoming'), sync: lineMoves('incoming') },
                },
                outgoing: {
                  on: { 'ami.Newstate': lineMoves('outgoing'), sync: lineMoves('outgoing') },
                },
              },
            },
            answered: {
              entry: 'onAnswered',
              on: { 'ami.Newstate': lineMoves('answered'), sync: lineMoves('answered') },
            },
          },
        },
        dial: {
          initial: 'idle',
          states: {
            idle: {
              on: {
                'ami.DialBegin': {
                  guard: 'isSelf',
                  target: 'dialing',
                  actions: ['absorb', 'onDialBegin'],
                },
              },
            },
            dialing: {
              on: {
                'ami.DialEnd': {
                  guard: 'lastDialLegEnds',
                  target: 'idle',
                  actions: ['absorb', 'onDialEnd'],
                },
              },
            },
          },
        },
        agi: {
          initial: 'starting',
          states: {
            starting: { always: [{ guard: 'startsInAgi', target: 'inAgi' }, { target: 'idle' }] },
            idle: {
              on: {
                'ami.AsyncAGIStart': { target: 'inAgi', actions: ['absorb', 'onAgiStart'] },
              },
            },
            inAgi: {
              on: { 'ami.AsyncAGIEnd': { target: 'idle', actions: ['absorb', 'onAgiEnd'] } },
            },
          },
        },
        bridge: {
          initial: 'starting',
          states: {
            starting: {
              always: [{ guard: 'startsBridged', target: 'bridged' }, { target: 'unbridged' }],
            },
            unbridged: {
              on: {
                'ami.BridgeEnter': {
                  guard: 'isSelf',
                  target: 'bridged',
                  actions: ['absorb', 'onBridged'],
                },
                sync: { guard: 'syncBridged', target: 'bridged', actions: 'absorb' },
              },
            },
            bridged: {
              on: {
                'ami.BridgeLeave': {
                  guard: 'isSelf',
                  target: 'unbridged',
                  actions: ['absorb', 'onUnbridged'],
                },
                sync: { guard: 'syncUnbridged', target: 'unbridged', actions: 'absorb' },
              },
            },
          },
        },
      },
    },
    hungUp: { type: 'final', entry: 'onHangup' },
  },
  output: ({ context }) => ({
    uniqueid: context.uniqueid,
    name: context.name,
    linkedid: context.linkedid,
    cause: context.hangup?.cause ?? 0,
    causeText: context.hangup?.causeText ?? '',
    lost: context.hangup?.lost ?? false,
  }),
});
