import { assign, setup } from 'xstate';
import {
  absorbEvent,
  type ChannelContext,
  type ChannelInput,
  initialChannelContext,
} from './channelContext.js';
import type { AmiSendRequest, ChannelEvent } from './channelEvents.js';

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

function sendToAmi(
  system: { get(systemId: string): unknown },
  action: string,
  fields: AmiSendRequest['fields'],
): void {
  const request: AmiSendRequest = { type: 'ami.send', action, fields };
  const supervisor = system.get('ami') as { send(event: AmiSendRequest): void } | undefined;
  supervisor?.send(request);
}

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
 * starts where it is). `describeChannel()` turns a snapshot into a one-word label for logs.
 *
 * ## Events
 * AMI events arrive as `{ type: 'ami.<Event>', message }` (see `toChannelEvent`); the supervisor
 * routes to each channel the events about it, two-channel events (Dial*, LocalBridge, bridge
 * enter/leave) to both sides. `sync` carries a `CoreShowChannel` item after a (re)connect; `lost`
 * ends a channel that vanished during a disconnection. Every event is folded into the context by
 * `absorbEvent` exactly once: by the region transition it fires, or else by the catch-all `ami.*`
 * of `live` (XState only consults a parallel state's own transitions when no region took the event).
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
  },
  actions: {
    absorb: assign(({ context, event }) => absorbEvent(context, event) ?? {}),
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
    requestHangup: ({ context, event, system }) => {
      const cause = event.type === 'hangup' && event.cause !== undefined ? event.cause : undefined;
      sendToAmi(system, 'Hangup', [
        ['Channel', context.name],
        ...(cause === undefined ? [] : [['Cause', String(cause)] as const]),
      ]);
    },
    setVariable: ({ context, event, system }) => {
      if (event.type !== 'setVariable') return;
      sendToAmi(system, 'Setvar', [
        ['Channel', context.name],
        ['Variable', event.name],
        ['Value', event.value],
      ]);
    },
    playDtmf: ({ context, event, system }) => {
      if (event.type !== 'playDtmf') return;
      sendToAmi(system, 'PlayDTMF', [
        ['Channel', context.name],
        ['Digit', event.digit],
        ...(event.receive ? [['Receive', 'true'] as const] : []),
      ]);
    },
    redirect: ({ context, event, system }) => {
      if (event.type !== 'redirect') return;
      sendToAmi(system, 'Redirect', [
        ['Channel', context.name],
        ['Context', event.context],
        ['Exten', event.exten],
        ['Priority', String(event.priority ?? 1)],
      ]);
    },
  },
  guards: {
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
        'ami.*': { actions: 'absorb' },
        sync: { actions: 'absorb' },
        hangup: { actions: 'requestHangup' },
        setVariable: { actions: 'setVariable' },
        playDtmf: { actions: 'playDtmf' },
        redirect: { actions: 'redirect' },
      },
      states: {
        line: {
          initial: 'starting',
          states: {
            // A channel may be met in any state (mid-call, resync): start where its input says.
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
