import type { AmiEventKeyArg, AmiEventName } from '../catalog/index.js';
import type { AmiMessage } from './message.js';

/**
 * An AMI event whose name is known, with the keys Asterisk documents for it offered to `get`
 * (others still accepted: the documentation is incomplete and spellings vary on the wire). Fields
 * are still read on demand: this is a type over the same lazily parsed message.
 *
 * @example
 * function onHangup(event: AmiEventMessage<'Hangup'>): void {
 *   log.info({ cause: event.get('Cause-txt') }, 'hung up');
 * }
 */
export interface AmiEventMessage<Name extends string = AmiEventName> extends AmiMessage {
  readonly kind: 'event';
  readonly name: Name;
  get(key: AmiEventKeyArg<Name>): string | undefined;
  getAll(key: AmiEventKeyArg<Name>): string[];
  has(key: AmiEventKeyArg<Name>): boolean;
}

/**
 * Any catalogued AMI event, discriminated by `name`: `event.name === 'Hangup'` narrows it to
 * `AmiEventMessage<'Hangup'>`.
 *
 * An event the catalog lacks (neither Asterisk 22's documentation nor the recordings list it)
 * still arrives; its name is outside this union, so compare it as text (`event.name as string`)
 * or test it with {@link isAmiEvent}.
 */
export type AmiEvent = { [Name in AmiEventName]: AmiEventMessage<Name> }[AmiEventName];

/** One listener per event name: the typed per-event keys of an AMI bus. */
export type AmiEventsByName = { [Name in AmiEventName]: AmiEventMessage<Name> };

/**
 * Whether a message is the event `name` (for messages typed as plain `AmiMessage`, such as list
 * items, and for event names the catalog lacks).
 *
 * @example
 * const hangups = items.filter((item) => isAmiEvent(item, 'Hangup'));
 */
export function isAmiEvent<Name extends string>(
  message: AmiMessage,
  name: Name,
): message is AmiEventMessage<Name> {
  return message.kind === 'event' && message.name === name;
}
