/**
 * Asterisk 22's AMI events, AMI actions and AGI commands as types, generated from Asterisk's own
 * documentation (`asterisk22.ts`, see `scripts/generateCatalog.ts`), and the helpers that read them.
 * Types only: nothing here runs.
 *
 * @example
 * type Keys = AmiEventKey<'Hangup'>; // 'Channel' | 'Uniqueid' | ... | 'Cause' | 'Cause-txt' | 'Event' | ...
 * type Fields = AmiActionParams['Originate']; // { Channel: AmiFieldValue; Exten?: ...; Variable?: ... }
 * type Args = AgiCommandArgs<'STREAM FILE'>; // [filename, escapeDigits, sampleOffset?]
 */
import type {
  AgiCommandParams,
  AmiActionParams,
  AmiEventKeys,
  AmiFieldValue,
  CommonEventKey,
} from './asterisk22.js';

export type * from './asterisk22.js';

/** The name of an AMI event Asterisk 22 documents (or the recordings show). */
export type AmiEventName = keyof AmiEventKeys;

/** The keys an event of that name is known to carry (none for an event the catalog lacks). */
export type AmiEventKey<Name extends string> = Name extends AmiEventName
  ? AmiEventKeys[Name] | CommonEventKey
  : never;

/**
 * A key to look up in an event: the known keys of `Name` are offered, any other text is accepted,
 * because the documentation is incomplete and the wire varies in spelling (`CommandId` and
 * `CommandID`, `ChanVariable(...)`).
 */
export type AmiEventKeyArg<Name extends string> =
  | AmiEventKey<Name>
  | (string & Record<never, never>);

/** The name of an AMI action Asterisk 22 documents (spelled as documented: `Getvar`, `PlayDTMF`). */
export type AmiActionName = keyof AmiActionParams;

/** The keys of `T` that must be given (not optional ones, not index signatures). */
export type RequiredKey<T> = {
  [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K;
}[keyof T];

/** Fields of an action the catalog does not know: any keys (an array repeats its key). */
export type UntypedActionFields = Readonly<
  Record<string, AmiFieldValue | readonly string[] | undefined>
>;

/** The fields of action `Name`: its documented parameters, or any fields for an unknown action. */
export type AmiActionFields<Name extends string> = Name extends AmiActionName
  ? AmiActionParams[Name]
  : UntypedActionFields;

/** The name of an AGI command, lower case as documented or upper case as usually written. */
export type AgiCommandName = keyof AgiCommandParams | Uppercase<keyof AgiCommandParams>;

/** The arguments of AGI command `Name`, in order, required ones first. */
export type AgiCommandArgs<Name extends AgiCommandName> = AgiCommandParams[Lowercase<Name> &
  keyof AgiCommandParams];
