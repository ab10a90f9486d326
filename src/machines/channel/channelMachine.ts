import { cancel, raise } from 'xstate';
import { initialChannelContext } from './channelContext.js';
import { channelSetup } from './channelSetup.js';
import { lineMoves } from './lineState.js';

export type { ChannelOutput } from './channelSetup.js';
export { type LineState, lineStateOf } from './lineState.js';

/**
 * The statechart of one Asterisk channel, driven only by the AMI events about it.
 *
 * ## Design
 * A channel has one line state, and things that happen to it independently of that line state: it
 * can ring while in AsyncAGI (AGI answers it), be answered and in AGI, then leave AGI and be
 * bridged, and dial out from any of these. So the live channel is a **parallel** state with four
 * orthogonal regions, and a `Hangup` ends all of them at once:
 *
 * ```
 * channel
 * ├─ live (parallel)
 * │  ├─ line:   down ─▶ ringing { incoming (4 Ring) | outgoing (5 Ringing) } ─▶ answered (6 Up)
 * │  ├─ dial:   idle ⇄ dialing        (DialBegin as caller ... DialEnd of its last leg)
 * │  ├─ agi:    idle ⇄ inAgi          (AsyncAGIStart ... AsyncAGIEnd; may happen again)
 * │  └─ bridge: unbridged ⇄ bridged   (BridgeEnter ... BridgeLeave of this channel)
 * ├─ ending     ◀─ Hangup from anywhere; `lost` on resync. Its call logic, if any runs, finishes
 * │             (or is stopped after `logicGrace`); without one it is left at once
 * └─ hungUp (final; output: cause, cause text, lost)
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
 * `absorb` assigns only what changed: an event that changes nothing (a repeated `Newstate`, the
 * other side of a `DialBegin`...) still reaches the statechart, but leaves its snapshot as it was
 * instead of costing a copy of it.
 *
 * ## Call logic
 * The channel is a read model: it never acts on Asterisk (a `Call` does). It owns its call logic:
 * `{ type: 'logic.start', logic, input }` (sent by the runtime's handlers) spawns it as the child
 * `logic`, in the same actor system; XState stops it when the channel ends. The channel lets it
 * see the hang-up first: in `ending`, until the logic is done or `logicGrace` is over.
 * `AsyncAGIExec` results are announced (`agi.result`) for the channel's AGI transport, and each key
 * received (`DTMFEnd`, `Direction: Received`) as `dtmf.key`.
 *
 * ## Extending
 * Hooks are named no-op actions to replace with `.provide()`: `onDown`, `onRinging`, `onAnswered`,
 * `onDialBegin`, `onDialEnd`, `onAgiStart`, `onAgiEnd`, `onBridged`, `onUnbridged`, `onHangup`.
 *
 * @example
 * const machine = channelMachine.provide({
 *   actions: { onAnswered: ({ context }) => console.log(`${context.name} answered`) },
 * });
 * const actor = createActor(machine, { input: channelInputFrom(newchannel) }).start();
 * actor.send(toChannelEvent(newstateUp)); // logs "... answered"
 */
export const channelMachine = channelSetup.createMachine({
  id: 'channel',
  context: ({ input }) => initialChannelContext(input),
  initial: 'live',
  states: {
    live: {
      type: 'parallel',
      on: {
        'ami.Hangup': { guard: 'isSelf', target: 'ending', actions: 'absorb' },
        lost: { target: 'ending', actions: 'absorb' },
        'logic.start': { actions: 'startLogic' },
        'ami.*': { actions: 'absorb' },
        'ami.AsyncAGIExec': { actions: ['absorb', 'announceAgiResult'] },
        'ami.DTMFEnd': { actions: ['absorb', 'announceKey'] },
        sync: { actions: 'absorb' },
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
    ending: {
      entry: 'settleLogic',
      initial: 'deciding',
      states: {
        deciding: {
          on: { 'logic.settled': '#channel.hungUp', 'logic.finishing': 'finishing' },
        },
        finishing: {
          // A delayed event rather than `after`: xstate/graph test models refuse `after`.
          entry: raise({ type: 'logic.overdue' }, { delay: 'logicGrace', id: 'logicGrace' }),
          exit: cancel('logicGrace'),
          on: { 'logic.overdue': '#channel.hungUp' },
        },
      },
      on: {
        'xstate.done.actor.logic': 'hungUp',
        'xstate.error.actor.logic': 'hungUp',
      },
    },
    hungUp: { type: 'final', entry: 'onHangup' },
  },
  on: {
    // A failing call logic never fails its channel: the runtime reports the error.
    'xstate.error.actor.logic': {},
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
