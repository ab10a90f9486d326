import type { AnyActorLogic } from 'xstate';
import type { AmiEvent } from '../../protocol/amiEvent.js';
import type { AmiMessage } from '../../protocol/message.js';

/**
 * An AMI event delivered to a channel statechart: the event name becomes the event type
 * (`Event: Newstate` is `ami.Newstate`), so transitions are looked up by name instead of by guards.
 *
 * `members` is filled by the supervisor on `BridgeEnter`/`BridgeLeave`: the Uniqueids in the bridge
 * once the event is applied (a `BridgeEnter` does not list who was already there).
 */
export interface ChannelAmiEvent {
  readonly type: `ami.${string}`;
  /** The event, typed by the catalogue: `message.name === 'Hangup'` narrows its keys. */
  readonly message: AmiEvent;
  readonly members?: readonly string[];
}

/**
 * Several AMI events for the channel that only add facts to its context (`VarSet`, `Newexten`...),
 * folded in one step, in order (see the supervisor's `FoldQueue`).
 */
export interface ChannelBatchEvent {
  readonly type: 'ami.batch';
  readonly events: readonly ChannelAmiEvent[];
}

/** A `CoreShowChannel` (or `Status`) list item: the channel as it is now, after a (re)connect. */
export interface ChannelSyncEvent {
  readonly type: 'sync';
  readonly message: AmiMessage;
  /** Everyone in the channel's bridge, from the same list. */
  readonly members?: readonly string[];
}

/** The channel disappeared while we were not listening (gone after a reconnect's resync). */
export interface ChannelLostEvent {
  readonly type: 'lost';
}

/**
 * Starts the call logic of the channel (an application's handler, see `runtime.handle`) as its
 * child actor `logic`, stopped with the channel.
 */
export interface ChannelLogicEvent {
  readonly type: 'logic.start';
  readonly logic: AnyActorLogic;
  readonly input: unknown;
}

/**
 * Raised by the channel itself on hang-up: whether call logic still has to finish, and when it has
 * taken too long.
 */
export interface ChannelSettlingEvent {
  readonly type: 'logic.settled' | 'logic.finishing' | 'logic.overdue';
}

/** Everything a channel statechart accepts. */
export type ChannelEvent =
  | ChannelAmiEvent
  | ChannelBatchEvent
  | ChannelSyncEvent
  | ChannelLostEvent
  | ChannelLogicEvent
  | ChannelSettlingEvent;

const typeCache = new Map<string, `ami.${string}`>();

/**
 * The statechart event type for an AMI event name (`Newstate` → `ami.Newstate`), interned so the
 * hot path does not build a new string per event.
 *
 * @example
 * actor.send({ type: amiEventType(message.name), message });
 */
export function amiEventType(name: string): `ami.${string}` {
  let type = typeCache.get(name);
  if (type === undefined) {
    type = `ami.${name}`;
    // Event names come from the server: bound the cache so a hostile stream cannot grow it forever.
    if (typeCache.size < 1024) typeCache.set(name, type);
  }
  return type;
}

/**
 * Wraps an AMI event for a channel statechart.
 *
 * @example
 * channelActor.send(toChannelEvent(message));
 */
export function toChannelEvent(message: AmiMessage): ChannelAmiEvent {
  return { type: amiEventType(message.name), message: message as AmiEvent };
}

/**
 * What a channel statechart announces (`actor.on(...)`): the result of an AsyncAGI command, from
 * the `AsyncAGIExec` that carries its `CommandID`, still URL-encoded as Asterisk sent it. The
 * channel's AsyncAGI transport settles its commands with these.
 */
export interface ChannelAgiResult {
  readonly type: 'agi.result';
  readonly commandId: string;
  readonly result: string;
}

/**
 * A key the channel received (one `DTMFEnd` with `Direction: Received`): one announcement per key,
 * so a key equal to the previous ones is heard too.
 */
export interface ChannelKey {
  readonly type: 'dtmf.key';
  readonly digit: string;
}

/** Everything a channel statechart announces. */
export type ChannelEmitted = ChannelAgiResult | ChannelKey;
