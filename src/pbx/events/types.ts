/** Ordered `Key: Value` pairs, as they go on the wire. */
export type Fields = [key: string, value: string][];

/**
 * An event the PBX publishes to every session allowed to read its class. `fields` are the lines
 * after `Event:` and `Privilege:`.
 */
export interface PbxEvent {
  readonly name: string;
  /** Permission class (`call`, `dialplan`, `agi`, `dtmf`, `system`, `security`). */
  readonly cls: string;
  readonly fields: Fields;
}
