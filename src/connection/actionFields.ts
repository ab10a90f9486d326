import type {
  AmiActionName,
  AmiActionParams,
  RequiredKey,
  UntypedActionFields,
} from '../catalog/index.js';
import { AmiError } from '../protocol/errors.js';
import type { AmiFields } from '../protocol/message.js';
import type { ActionOptions } from './client.js';

/**
 * The fields of an action, besides `Action` and `ActionID` (which the connection sets).
 *
 * Either an object (numbers and booleans become text, `undefined` is left out, an array repeats
 * its key: `Variable: ['a=1', 'b=2']` sends two `Variable:` lines), or an ordered list of
 * `[key, value]` pairs when the order matters.
 *
 * @example
 * const fields: ActionFields = { Channel: 'Local/401@default', Async: true, Variable: ['A=1', 'B=2'] };
 */
export type ActionFields = UntypedActionFields | AmiFields;

/**
 * The arguments after an action's name: for an action Asterisk documents, its parameters (required
 * when it has required ones; misspelt or unknown keys refused) or an ordered field list; for any
 * other action, any {@link ActionFields}. Then the per-action options.
 *
 * @example
 * ami.action('Originate', { Channel: 'Local/401@default', Application: 'Wait', Data: '5' });
 * // @ts-expect-error: 'Chanel' is not a parameter of Originate, and Channel is missing
 * ami.action('Originate', { Chanel: 'Local/401@default' });
 */
export type ActionArgs<Name extends string> = Name extends AmiActionName
  ? [RequiredKey<AmiActionParams[Name]>] extends [never]
    ? [fields?: AmiActionParams[Name] | AmiFields, options?: ActionOptions]
    : [fields: AmiActionParams[Name] | AmiFields, options?: ActionOptions]
  : [fields?: ActionFields, options?: ActionOptions];

/** Turns {@link ActionFields} into an ordered field list; refuses `Action` and `ActionID`. */
export function toFieldList(fields: ActionFields | undefined): Array<readonly [string, string]> {
  if (fields === undefined) return [];
  const list: Array<readonly [string, string]> = [];
  if (Array.isArray(fields)) {
    for (const [key, value] of fields as AmiFields) list.push([checkKey(key), value]);
    return list;
  }
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    checkKey(key);
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) list.push([key, item]);
    } else {
      list.push([key, String(value)]);
    }
  }
  return list;
}

function checkKey(key: string): string {
  const lower = key.toLowerCase();
  if (lower === 'action' || lower === 'actionid') {
    throw new AmiError(`${key} is set by the connection; pass the action name and fields only`);
  }
  return key;
}

const SECRET_KEYS = new Set(['secret', 'key', 'password']);

/**
 * Fields as a plain object for logging, with `Secret`, `Key` and `Password` values replaced.
 * Repeated keys become arrays.
 */
export function fieldsForLog(fields: AmiFields): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, raw] of fields) {
    const value = SECRET_KEYS.has(key.toLowerCase()) ? '[Redacted]' : raw;
    const previous = out[key];
    if (previous === undefined) out[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else out[key] = [previous, value];
  }
  return out;
}

/**
 * Actions that only read state, so sending one twice does no harm: after a reconnect they may be
 * sent again. Everything else (Originate first of all) defaults to "never resend".
 */
const IDEMPOTENT_ACTIONS = new Set(
  [
    'Agents',
    'BridgeInfo',
    'BridgeList',
    'BridgeTechnologyList',
    'ConfbridgeList',
    'ConfbridgeListRooms',
    'CoreSettings',
    'CoreShowChannelMap',
    'CoreShowChannels',
    'CoreStatus',
    'DBGet',
    'DBGetTree',
    'DeviceStateList',
    'ExtensionState',
    'ExtensionStateList',
    'GetConfig',
    'GetConfigJSON',
    'Getvar',
    'ListCategories',
    'ListCommands',
    'MailboxCount',
    'MailboxStatus',
    'ParkedCalls',
    'Parkinglots',
    'Ping',
    'PJSIPShowAors',
    'PJSIPShowAuths',
    'PJSIPShowContacts',
    'PJSIPShowEndpoint',
    'PJSIPShowEndpoints',
    'PJSIPShowRegistrationsInbound',
    'PJSIPShowRegistrationsOutbound',
    'PresenceState',
    'PresenceStateList',
    'QueueStatus',
    'QueueSummary',
    'ShowDialPlan',
    'Status',
  ].map((name) => name.toLowerCase()),
);

/** Whether an action is known to be safe to send twice (see {@link ActionOptions.idempotent}). */
export function isKnownIdempotent(action: string): boolean {
  return IDEMPOTENT_ACTIONS.has(action.toLowerCase());
}
