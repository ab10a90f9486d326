import type { AmiEventKey, AmiEventName } from '../../catalog/index.js';
import { decodeAgiEnv } from '../../protocol/agiEnv.js';
import type { AmiEventMessage } from '../../protocol/amiEvent.js';
import type { AmiMessage } from '../../protocol/message.js';
import { absorbListItem } from './absorbListItem.js';
import {
  type ChannelContext,
  channelInputFrom,
  type DialInfo,
  type DialplanStep,
  initialChannelContext,
  MAX_DTMF,
  MAX_HISTORY,
  NO_STRINGS,
  type PartyId,
  readChanVariables,
} from './channelContext.js';
import type { ChannelEvent } from './channelEvents.js';

/**
 * Folds one event into the context: the single place where AMI fields become channel facts.
 * Returns only the fields that change (an `assign` partial), or `undefined` when nothing does.
 *
 * Every transition of the statechart runs this exactly once per event, so it is written for the
 * hot path: one `switch` on the event name, as few field look-ups as the event needs.
 *
 * @example
 * const partial = absorbEvent(context, toChannelEvent(newCalleridMessage));
 */
export function absorbEvent(
  context: ChannelContext,
  event: ChannelEvent,
): Partial<ChannelContext> | undefined {
  if ('events' in event) return absorbBatch(context, event.events);
  if (event.type === 'sync') return absorbListItem(context, event.message, event.members);
  if (event.type === 'lost') {
    return { hangup: { ...context.hangup, cause: 0, causeText: 'Lost', lost: true } };
  }
  if (!('message' in event)) return undefined;
  const message = event.message;
  const changes: { -readonly [K in keyof ChannelContext]?: ChannelContext[K] } = {};
  let changed = false;
  const prefix = prefixOf(message, context.uniqueid);
  const variables = readChanVariables(message, prefix, context.variables);
  if (variables !== context.variables) {
    changes.variables = variables;
    changed = true;
  }

  switch (message.name) {
    case 'Newchannel':
      Object.assign(changes, newchannelFields(message));
      return changes;
    case 'Newstate': {
      const code = Number(field(message, 'ChannelState') ?? context.state.code);
      const desc = field(message, 'ChannelStateDesc') ?? '';
      if (code === context.state.code && desc === context.state.desc) break;
      changes.state = { code, desc };
      return changes;
    }
    case 'Rename': {
      const newName = field(message, 'Newname');
      if (!newName || newName === context.name) break;
      changes.name = newName;
      return changes;
    }
    case 'NewCallerid': {
      const callerId = partyAfter(context.callerId, message, 'CallerID');
      if (callerId === context.callerId) break;
      changes.callerId = callerId;
      return changes;
    }
    case 'NewConnectedLine': {
      const connectedLine = partyAfter(context.connectedLine, message, 'ConnectedLine');
      if (connectedLine === context.connectedLine) break;
      changes.connectedLine = connectedLine;
      return changes;
    }
    case 'Newexten': {
      const step: DialplanStep = {
        context: field(message, 'Context') ?? '',
        exten: field(message, 'Extension') ?? field(message, 'Exten') ?? '',
        priority: Number(field(message, 'Priority') ?? 0),
        application: field(message, 'Application') ?? '',
        appData: field(message, 'AppData') ?? '',
      };
      changes.dialplan = step;
      changes.history = appendBounded(context.history, step, MAX_HISTORY);
      return changes;
    }
    case 'VarSet': {
      const name = field(message, 'Variable');
      if (name === undefined) break;
      const value = field(message, 'Value') ?? '';
      const base = changes.variables ?? context.variables;
      if (base[name] === value) break;
      changes.variables = { ...base, [name]: value };
      return changes;
    }
    case 'AsyncAGIStart':
      changes.agi = {
        env: decodeAgiEnv(field(message, 'Env') ?? ''),
        sessions: context.agi.sessions + 1,
      };
      return changes;
    case 'BridgeEnter':
    case 'BridgeLeave': {
      const bridge = bridgeAfter(context, event.members, message);
      if (bridge === context.bridge) break;
      changes.bridge = bridge;
      return changes;
    }
    case 'LocalBridge':
    case 'LocalOptimizationBegin':
    case 'LocalOptimizationEnd': {
      const one = field(message, 'LocalOneUniqueid');
      const two = field(message, 'LocalTwoUniqueid');
      const peer = one === context.uniqueid ? two : two === context.uniqueid ? one : undefined;
      if (!peer || peer === context.localPeer) break;
      changes.localPeer = peer;
      return changes;
    }
    case 'DialBegin':
    case 'DialEnd': {
      const dial = dialAfter(context.dial, message, prefix);
      if (dial === context.dial) break;
      changes.dial = dial;
      return changes;
    }
    case 'DTMFEnd': {
      if (field(message, 'Direction') !== 'Received') break;
      const digit = field(message, 'Digit') ?? '';
      if (digit === '') break;
      const digits = context.dtmf + digit;
      changes.dtmf = digits.length > MAX_DTMF ? digits.slice(-MAX_DTMF) : digits;
      changes.dtmfCount = context.dtmfCount + 1;
      return changes;
    }
    case 'OriginateResponse': {
      const actionId = field(message, 'ActionID') ?? '';
      const response = field(message, 'Response') ?? '';
      const known = context.originate;
      if (known?.actionId === actionId && known.response === response) break;
      changes.originate = { actionId, response };
      return changes;
    }
    case 'HangupRequest':
    case 'SoftHangupRequest': {
      const requestCause = Number(field(message, 'Cause') ?? 0);
      if (context.hangup?.requestCause === requestCause) break;
      changes.hangup = { ...context.hangup, requestCause };
      return changes;
    }
    case 'Hangup':
      changes.hangup = {
        ...context.hangup,
        cause: Number(field(message, 'Cause') ?? 0),
        causeText: field(message, 'Cause-txt') ?? '',
        lost: false,
      };
      return changes;
  }
  return changed ? changes : undefined;
}

/**
 * A field of a catalogued event, by a key the catalogue lists for that event: a misspelt key does
 * not compile (`get` itself takes any key, for the keys the documentation misses).
 */
function field<Name extends AmiEventName>(
  message: AmiEventMessage<Name>,
  key: AmiEventKey<Name>,
): string | undefined {
  return message.get(key);
}

/** Which field prefix describes this channel in a message (two-channel events carry two snapshots). */
function prefixOf(message: AmiMessage, uniqueid: string): string {
  switch (message.name) {
    case 'DialBegin':
    case 'DialEnd':
    case 'DialState':
      return message.get('Uniqueid') === uniqueid ? '' : 'Dest';
    case 'LocalBridge':
    case 'LocalOptimizationBegin':
    case 'LocalOptimizationEnd':
      return message.get('LocalOneUniqueid') === uniqueid ? 'LocalOne' : 'LocalTwo';
    default:
      return '';
  }
}

/** The party a `NewCallerid`/`NewConnectedLine` reports, or `current` itself when it is the same. */
function partyAfter(
  current: PartyId,
  message: AmiEventMessage<'NewCallerid' | 'NewConnectedLine'>,
  prefix: 'CallerID' | 'ConnectedLine',
): PartyId {
  const num = field(message, prefix === 'CallerID' ? 'CallerIDNum' : 'ConnectedLineNum') ?? '';
  const name = field(message, prefix === 'CallerID' ? 'CallerIDName' : 'ConnectedLineName') ?? '';
  return num === current.num && name === current.name ? current : { num, name };
}

/** What a (late) `Newchannel` says about the channel: the same facts a fresh context starts with. */
function newchannelFields(message: AmiMessage): Partial<ChannelContext> {
  const { name, linkedid, state, callerId, connectedLine, dialplan } = initialChannelContext(
    channelInputFrom(message),
  );
  return { name, linkedid, state, callerId, connectedLine, dialplan };
}

function bridgeAfter(
  context: ChannelContext,
  members: readonly string[] | undefined,
  message: AmiEventMessage<'BridgeEnter' | 'BridgeLeave'>,
): ChannelContext['bridge'] {
  const id = field(message, 'BridgeUniqueid') ?? '';
  const who = field(message, 'Uniqueid');
  const self = context.uniqueid;
  if (who === self) {
    if (message.name === 'BridgeLeave') return undefined;
    return { id, peers: members ? members.filter((m) => m !== self) : NO_STRINGS };
  }
  if (context.bridge?.id !== id || who === undefined) return context.bridge;
  // Another channel came or went: trust the supervisor's member list, else patch ours.
  const peers = members
    ? members.filter((m) => m !== self)
    : message.name === 'BridgeEnter'
      ? context.bridge.peers.includes(who)
        ? context.bridge.peers
        : [...context.bridge.peers, who]
      : context.bridge.peers.filter((m) => m !== who);
  return { id, peers };
}

function dialAfter(
  dial: DialInfo,
  message: AmiEventMessage<'DialBegin' | 'DialEnd'>,
  prefix: string,
): DialInfo {
  const dest = field(message, 'DestUniqueid') ?? '';
  if (prefix === 'Dest') {
    return message.name === 'DialBegin' ? { ...dial, dialedBy: field(message, 'Uniqueid') } : dial;
  }
  if (message.name === 'DialBegin') {
    return dial.legs.includes(dest) ? dial : { ...dial, legs: [...dial.legs, dest] };
  }
  return {
    ...dial,
    legs: dial.legs.filter((leg) => leg !== dest),
    lastStatus: field(message, 'DialStatus') ?? '',
  };
}

function appendBounded<T>(list: readonly T[], item: T, max: number): readonly T[] {
  const next = list.length >= max ? list.slice(list.length - max + 1) : list.slice();
  next.push(item);
  return next;
}

/** Several events in order: what they change together. */
function absorbBatch(
  context: ChannelContext,
  events: readonly ChannelEvent[],
): Partial<ChannelContext> | undefined {
  let current = context;
  let changes: Partial<ChannelContext> | undefined;
  for (const event of events) {
    const change = absorbEvent(current, event);
    if (!change) continue;
    current = { ...current, ...change };
    changes = changes ? Object.assign(changes, change) : { ...change };
  }
  return changes;
}
