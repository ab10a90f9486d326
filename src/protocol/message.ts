/**
 * The shape of one AMI message as octostate sees it, whichever side produced it.
 *
 * A message is an ordered list of `Key: Value` fields. Keys keep the spelling they arrived with
 * (`CommandId` vs `CommandID`) but are looked up case-insensitively; a key may repeat (the
 * `Output:` lines of a `Command` response, `Variable:` lines of an `Originate`).
 *
 * Implementations may decode lazily: reading one field must not force decoding every field.
 */
export interface AmiMessage {
  /**
   * `event` when the message has an `Event` key, `response` for `Response`, `action` for `Action`,
   * `unknown` for none of them (a client frame without `Action:`, which a server must still answer).
   */
  readonly kind: AmiMessageKind;
  /** The value of `Event`, `Response` or `Action` (e.g. `Newchannel`); `''` for `unknown`. */
  readonly name: string;
  /** The first value of a key (case-insensitive), or `undefined`. */
  get(key: string): string | undefined;
  /** Every value of a key, in order (case-insensitive); empty when absent. */
  getAll(key: string): string[];
  /** Whether the key is present (case-insensitive). */
  has(key: string): boolean;
  /** Every field in wire order, keys in their original spelling. */
  fields(): ReadonlyArray<readonly [key: string, value: string]>;
  /**
   * The free-form body of an old-style `Response: Follows` (Asterisk < 14), without the
   * `--END COMMAND--` marker; `undefined` for every other message.
   */
  readonly body?: string | undefined;
}

/** Which of the three message families an AMI message belongs to. */
export type AmiMessageKind = 'event' | 'response' | 'action' | 'unknown';

/** Field list used to build messages to send: ordered, repeatable keys. */
export type AmiFields = ReadonlyArray<readonly [key: string, value: string]>;
