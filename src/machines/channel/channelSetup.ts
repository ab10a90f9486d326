import {
  type AnyActorLogic,
  type AnyActorRef,
  assign,
  emit,
  enqueueActions,
  raise,
  setup,
} from 'xstate';
import { absorbEvent } from './absorbEvent.js';
import type { ChannelContext, ChannelInput } from './channelContext.js';
import type { ChannelEmitted, ChannelEvent } from './channelEvents.js';
import { eventLine, type LineState, lineStateOf } from './lineState.js';

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
 * What the channel statechart (`channelMachine`) is made of besides its states: its types and the
 * named actions, guards and delays its transitions refer to. The hooks (`onDown`...`onHangup`) are
 * no-ops, to be replaced with `.provide()`.
 */
export const channelSetup = setup({
  types: {
    context: {} as ChannelContext,
    events: {} as ChannelEvent,
    input: {} as ChannelInput,
    output: {} as ChannelOutput,
    emitted: {} as ChannelEmitted,
  },
  // The actions that decide at run time enqueue named actions, never an `assign`, `raise` or
  // `emit` made on the spot: a channel actor may take an event while another actor's custom
  // action runs (the supervisor applying a resync), and XState warns about action creators
  // called then.
  actions: {
    /** Folds the event into the context, assigning only what changed (nothing: no new snapshot). */
    absorb: enqueueActions(({ context, event, enqueue }) => {
      const changes = absorbEvent(context, event);
      if (changes) enqueue({ type: 'assignChanges', params: changes });
    }),
    assignChanges: assign<
      ChannelContext,
      ChannelEvent,
      Partial<ChannelContext>,
      ChannelEvent,
      never
    >((_, changes) => changes),
    announceAgiResult: emit(({ event }) => {
      const message = 'message' in event ? event.message : undefined;
      return {
        type: 'agi.result' as const,
        commandId: message?.get('CommandID') ?? '',
        result: message?.get('Result') ?? '',
      };
    }),
    /** One `dtmf.key` per received `DTMFEnd`: listeners hear every key, repeated ones included. */
    announceKey: enqueueActions(({ event, enqueue }) => {
      if (!('message' in event) || event.message.get('Direction') !== 'Received') return;
      const digit = event.message.get('Digit') ?? '';
      if (digit !== '') enqueue({ type: 'emitKey', params: { digit } });
    }),
    emitKey: emit<ChannelContext, ChannelEvent, { digit: string }, ChannelEvent, ChannelEmitted>(
      (_, { digit }) => ({ type: 'dtmf.key', digit }),
    ),
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
    startLogic: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'logic.start') return;
      // Any logic the application hands over: the typed signature only knows declared actors.
      const spawn = enqueue.spawnChild as (
        logic: AnyActorLogic,
        options: { id: string; input: unknown },
      ) => void;
      spawn(event.logic, { id: 'logic', input: event.input });
    }),
    /** On hang-up: the call logic, if it still runs, gets to see the hang-up and finish. */
    settleLogic: enqueueActions(({ self, enqueue }) => {
      // Read from the actor: guards and actions only see context and event.
      const children = self.getSnapshot()?.children as Record<string, AnyActorRef> | undefined;
      const running = children?.logic?.getSnapshot().status === 'active';
      enqueue(running ? 'raiseFinishing' : 'raiseSettled');
    }),
    raiseFinishing: raise({ type: 'logic.finishing' }),
    raiseSettled: raise({ type: 'logic.settled' }),
  },
  delays: {
    /** How long call logic may take to finish after the hang-up before it is stopped. */
    logicGrace: 2000,
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
});
