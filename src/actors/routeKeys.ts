import { type ChannelInput, channelInputFrom } from '../machines/channel/channelContext.js';
import type { AmiMessage } from '../protocol/message.js';

/** What the router needs to know about the channels it routes to. */
export interface ChannelIndex {
  /** The Uniqueid of a known channel by its current name (for events without a Uniqueid). */
  uniqueidByName(name: string): string | undefined;
  /** The Uniqueids in a bridge, for bridge events that must reach every member. */
  bridgeMembers(bridgeId: string): readonly string[];
}

/**
 * The fields that name the channels of two-channel events. Every other event names its channel with
 * `Uniqueid` (and `Channel`, the fallback when an event has no Uniqueid).
 */
const CHANNEL_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['DialBegin', ['Uniqueid', 'DestUniqueid']],
  ['DialState', ['Uniqueid', 'DestUniqueid']],
  ['DialEnd', ['Uniqueid', 'DestUniqueid']],
  ['LocalBridge', ['LocalOneUniqueid', 'LocalTwoUniqueid']],
  ['LocalOptimizationBegin', ['LocalOneUniqueid', 'LocalTwoUniqueid']],
  ['LocalOptimizationEnd', ['LocalOneUniqueid', 'LocalTwoUniqueid']],
  ['BlindTransfer', ['TransfererUniqueid', 'TransfereeUniqueid']],
  [
    'AttendedTransfer',
    [
      'OrigTransfererUniqueid',
      'SecondTransfererUniqueid',
      'TransfereeUniqueid',
      'TransferTargetUniqueid',
    ],
  ],
  ['Pickup', ['Uniqueid', 'TargetUniqueid']],
  ['ChanSpyStart', ['SpyerUniqueid', 'SpyeeUniqueid']],
  ['ChanSpyStop', ['SpyerUniqueid', 'SpyeeUniqueid']],
]);

/**
 * Events that mention channels but are not news about them: list items answering our own
 * `CoreShowChannels`/`Status` (the supervisor reads those from the action's result) and device
 * state, which concerns endpoints, not channels.
 */
const NOT_CHANNEL_NEWS: ReadonlySet<string> = new Set([
  'CoreShowChannel',
  'CoreShowChannelsComplete',
  'Status',
  'StatusComplete',
  'DeviceStateChange',
]);

/** Events about a channel that is going away: never a reason to create an actor for it. */
const DYING: ReadonlySet<string> = new Set(['Hangup', 'HangupRequest', 'SoftHangupRequest']);

const NONE: readonly string[] = Object.freeze([]);

function isUniqueid(value: string | undefined): value is string {
  // Asterisk writes `none` (global VarSet) and `<unknown>` (failed Originate) for "no channel".
  return value !== undefined && value !== '' && value !== 'none' && value !== '<unknown>';
}

/**
 * The Uniqueids of the channels an AMI event concerns, in the order their fields appear in the
 * table above: usually one; both sides for Dial*, LocalBridge and Local optimisation; the channel
 * and every other member for `BridgeEnter`/`BridgeLeave`; none for events that are not about
 * channels. Falls back to the channel name when an event has no Uniqueid. Pure and allocation-light.
 *
 * @example
 * routeKeys(dialBegin, index); // ['1795808432.17', '1795808433.18']
 */
export function routeKeys(message: AmiMessage, index: ChannelIndex): readonly string[] {
  const name = message.name;
  if (message.kind !== 'event' || NOT_CHANNEL_NEWS.has(name)) return NONE;
  const multi = CHANNEL_KEYS.get(name);
  if (multi !== undefined) {
    const keys: string[] = [];
    for (const key of multi) {
      const value = message.get(key);
      if (isUniqueid(value) && !keys.includes(value)) keys.push(value);
    }
    return keys;
  }
  const uniqueid = message.get('Uniqueid');
  if (name === 'BridgeEnter' || name === 'BridgeLeave') {
    const bridgeId = message.get('BridgeUniqueid') ?? '';
    const keys = isUniqueid(uniqueid) ? [uniqueid] : [];
    for (const member of index.bridgeMembers(bridgeId)) {
      if (!keys.includes(member)) keys.push(member);
    }
    return keys;
  }
  if (isUniqueid(uniqueid)) return [uniqueid];
  if (uniqueid !== undefined) return NONE;
  const channel = message.get('Channel');
  const byName = channel === undefined ? undefined : index.uniqueidByName(channel);
  return byName === undefined ? NONE : [byName];
}

/**
 * The input for a channel actor when an event names a channel we have no actor for: a
 * `Newchannel`, or a channel met mid-call (it existed before we connected), described by the
 * channel snapshot fields the event carries for it (`Dest...` for a Dial destination, and so on).
 * `undefined` when the event is no proof the channel is alive: a hang-up, an `OriginateResponse`
 * (it can precede `Newchannel`: the supervisor holds it until then), or no snapshot fields.
 *
 * @example
 * spawnInput(newchannel, '1795808402.0'); // { uniqueid: '1795808402.0', name: 'Local/401@...', ... }
 */
export function spawnInput(message: AmiMessage, uniqueid: string): ChannelInput | undefined {
  const name = message.name;
  if (DYING.has(name) || name === 'OriginateResponse') return undefined;
  const prefix = prefixFor(message, uniqueid);
  if (prefix === undefined || message.get(`${prefix}ChannelState`) === undefined) return undefined;
  const input = channelInputFrom(message, prefix);
  return input.name === '' ? undefined : input;
}

function prefixFor(message: AmiMessage, uniqueid: string): string | undefined {
  if (message.get('Uniqueid') === uniqueid) return '';
  for (const prefix of ['Dest', 'LocalOne', 'LocalTwo']) {
    if (message.get(`${prefix}Uniqueid`) === uniqueid) return prefix;
  }
  return undefined;
}
