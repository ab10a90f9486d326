import { decodeAgiEnv } from '../../protocol/agiEnv.js';
import type { AmiMessage } from '../../protocol/message.js';
import type { ChannelEvent } from './channelEvents.js';

/** A caller ID or connected line: number and name as Asterisk reports them (`<unknown>` kept). */
export interface PartyId {
  readonly num: string;
  readonly name: string;
}

/** Where the channel is in the dialplan, as of its latest `Newexten`. */
export interface DialplanStep {
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
  readonly application: string;
  readonly appData: string;
}

/** The channel's `ChannelState`: 0 Down, 4 Ring, 5 Ringing, 6 Up... and its description. */
export interface ChannelStateCode {
  readonly code: number;
  readonly desc: string;
}

/** The AsyncAGI side of a channel. */
export interface AgiInfo {
  /** The decoded `Env` of the latest `AsyncAGIStart`, or `undefined` before any. */
  readonly env: Readonly<Record<string, string>> | undefined;
  /** How many AsyncAGI sessions started on this channel (a channel may enter AGI more than once). */
  readonly sessions: number;
}

/** Dialing, from both ends. */
export interface DialInfo {
  /** Destinations this channel dialed (`DialBegin` as caller) with no `DialEnd` yet. */
  readonly legs: readonly string[];
  /** `DialStatus` of the latest `DialEnd` where this channel was the caller. */
  readonly lastStatus: string | undefined;
  /** The Uniqueid of the channel that dialed this one (`DialBegin` as destination), if any. */
  readonly dialedBy: string | undefined;
}

/** How the channel ends, filled as the hang-up unfolds. */
export interface HangupInfo {
  /** Cause of a `HangupRequest`/`SoftHangupRequest` (the request, not yet the hang-up). */
  readonly requestCause?: number;
  /** From `Hangup`: Q.850 cause and `Cause-txt`. */
  readonly cause?: number;
  readonly causeText?: string;
  /** The channel vanished while we were disconnected (set on resync). */
  readonly lost?: boolean;
}

/**
 * What the channel knows about itself; a pure fold of the AMI events it received.
 *
 * Deliberately at most 16 top-level keys: XState copies the context on every `assign`, and V8's
 * `Object.assign` falls off a cliff (40x slower) on objects of about 20 properties or more.
 */
export interface ChannelContext {
  readonly uniqueid: string;
  /** Current channel name (`Rename` updates it). */
  readonly name: string;
  readonly linkedid: string;
  /** Latest `ChannelState` (from `Newstate`, or the first event seen). */
  readonly state: ChannelStateCode;
  readonly callerId: PartyId;
  readonly connectedLine: PartyId;
  /** Channel variables, from `VarSet` and the `ChanVariable` lines of every channel event. */
  readonly variables: Readonly<Record<string, string>>;
  /** Latest dialplan position (from `Newexten`; from the first event for a new channel). */
  readonly dialplan: DialplanStep;
  /** The last {@link MAX_HISTORY} `Newexten` steps, oldest first. */
  readonly history: readonly DialplanStep[];
  readonly agi: AgiInfo;
  /** The bridge the channel is in, with the Uniqueids of the other channels in it. */
  readonly bridge: { readonly id: string; readonly peers: readonly string[] } | undefined;
  /** For a Local channel: the Uniqueid of the other half (`;1` ↔ `;2`), from `LocalBridge`. */
  readonly localPeer: string | undefined;
  readonly dial: DialInfo;
  /** Digits received (`DTMFEnd`, `Direction: Received`), in order; the last {@link MAX_DTMF} kept. */
  readonly dtmf: string;
  /** The `OriginateResponse` that reported this channel, if it was originated by someone. */
  readonly originate: { readonly actionId: string; readonly response: string } | undefined;
  readonly hangup: HangupInfo | undefined;
}

/** What a channel statechart starts from: at least who it is; the rest when known. */
export interface ChannelInput {
  readonly uniqueid: string;
  readonly name: string;
  readonly linkedid?: string;
  readonly channelState?: number;
  readonly channelStateDesc?: string;
  readonly callerId?: PartyId;
  readonly connectedLine?: PartyId;
  readonly context?: string;
  readonly exten?: string;
  readonly priority?: number;
  readonly variables?: Readonly<Record<string, string>>;
  /** Bridge id when the channel is already bridged (resync from `CoreShowChannel`). */
  readonly bridgeId?: string;
  /** Whether the channel is already in AsyncAGI (resync: `Application: AGI`, `agi:async`). */
  readonly inAgi?: boolean;
}

/** How many dialplan steps a channel keeps (a looping dialplan must not grow memory). */
export const MAX_HISTORY = 64;
/** How many received digits a channel keeps. */
export const MAX_DTMF = 256;

const NO_PARTY: PartyId = Object.freeze({ num: '', name: '' });
const NO_VARIABLES: Readonly<Record<string, string>> = Object.freeze({});
const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_STEPS: readonly DialplanStep[] = Object.freeze([]);
const NO_DIAL: DialInfo = Object.freeze({
  legs: NO_STRINGS,
  lastStatus: undefined,
  dialedBy: undefined,
});

/**
 * The input for a channel seen in an event, read from the channel snapshot fields that Asterisk
 * puts on channel events; `prefix` selects the channel in two-channel events (`Dest`, `LocalOne`...).
 *
 * @example
 * const input = channelInputFrom(newchannelMessage);
 * createActor(channelMachine, { input }).start();
 */
export function channelInputFrom(message: AmiMessage, prefix = ''): ChannelInput {
  const get = (key: string) => message.get(prefix + key);
  const state = get('ChannelState');
  const priority = get('Priority');
  const bridgeId = message.get('BridgeId');
  const application = message.get('Application');
  const input: {
    -readonly [K in keyof ChannelInput]: ChannelInput[K];
  } = {
    uniqueid: get('Uniqueid') ?? '',
    name: get('Channel') ?? '',
    linkedid: get('Linkedid') ?? '',
    channelState: state === undefined ? 0 : Number(state),
    channelStateDesc: get('ChannelStateDesc') ?? '',
    callerId: { num: get('CallerIDNum') ?? '', name: get('CallerIDName') ?? '' },
    connectedLine: { num: get('ConnectedLineNum') ?? '', name: get('ConnectedLineName') ?? '' },
    context: get('Context') ?? '',
    exten: get('Exten') ?? '',
    priority: priority === undefined ? 0 : Number(priority),
    variables: readChanVariables(message, prefix, NO_VARIABLES),
  };
  // Only list items (CoreShowChannel, Status) describe bridge and application; events do not.
  if (prefix === '' && bridgeId) input.bridgeId = bridgeId;
  if (prefix === '' && application === 'AGI') {
    const data = message.get('ApplicationData') ?? message.get('Data') ?? '';
    input.inAgi = data.startsWith('agi:async');
  }
  return input;
}

/**
 * The context a channel statechart starts with.
 *
 * @example
 * initialChannelContext({ uniqueid: '1795808402.0', name: 'Local/401@default-00000000;1' }).state;
 * // { code: 0, desc: '' }
 */
export function initialChannelContext(input: ChannelInput): ChannelContext {
  return {
    uniqueid: input.uniqueid,
    name: input.name,
    linkedid: input.linkedid ?? '',
    state: { code: input.channelState ?? 0, desc: input.channelStateDesc ?? '' },
    callerId: input.callerId ?? NO_PARTY,
    connectedLine: input.connectedLine ?? NO_PARTY,
    variables: input.variables ?? NO_VARIABLES,
    dialplan: {
      context: input.context ?? '',
      exten: input.exten ?? '',
      priority: input.priority ?? 0,
      application: '',
      appData: '',
    },
    history: NO_STEPS,
    agi: { env: undefined, sessions: input.inAgi ? 1 : 0 },
    bridge: input.bridgeId ? { id: input.bridgeId, peers: NO_STRINGS } : undefined,
    localPeer: undefined,
    dial: NO_DIAL,
    dtmf: '',
    originate: undefined,
    hangup: undefined,
  };
}

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
  if (event.type === 'sync') return absorbSync(context, event.message, event.members);
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
      const code = Number(message.get('ChannelState') ?? context.state.code);
      const desc = message.get('ChannelStateDesc') ?? '';
      if (code === context.state.code && desc === context.state.desc) break;
      changes.state = { code, desc };
      return changes;
    }
    case 'Rename': {
      const newName = message.get('Newname');
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
        context: message.get('Context') ?? '',
        exten: message.get('Extension') ?? message.get('Exten') ?? '',
        priority: Number(message.get('Priority') ?? 0),
        application: message.get('Application') ?? '',
        appData: message.get('AppData') ?? '',
      };
      changes.dialplan = step;
      changes.history = appendBounded(context.history, step, MAX_HISTORY);
      return changes;
    }
    case 'VarSet': {
      const name = message.get('Variable');
      if (name === undefined) break;
      const value = message.get('Value') ?? '';
      const base = changes.variables ?? context.variables;
      if (base[name] === value) break;
      changes.variables = { ...base, [name]: value };
      return changes;
    }
    case 'AsyncAGIStart':
      changes.agi = {
        env: decodeAgiEnv(message.get('Env') ?? ''),
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
      const one = message.get('LocalOneUniqueid');
      const two = message.get('LocalTwoUniqueid');
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
      if (message.get('Direction') !== 'Received') break;
      const digit = message.get('Digit') ?? '';
      if (digit === '') break;
      const digits = context.dtmf + digit;
      changes.dtmf = digits.length > MAX_DTMF ? digits.slice(-MAX_DTMF) : digits;
      return changes;
    }
    case 'OriginateResponse': {
      const actionId = message.get('ActionID') ?? '';
      const response = message.get('Response') ?? '';
      const known = context.originate;
      if (known?.actionId === actionId && known.response === response) break;
      changes.originate = { actionId, response };
      return changes;
    }
    case 'HangupRequest':
    case 'SoftHangupRequest': {
      const requestCause = Number(message.get('Cause') ?? 0);
      if (context.hangup?.requestCause === requestCause) break;
      changes.hangup = { ...context.hangup, requestCause };
      return changes;
    }
    case 'Hangup':
      changes.hangup = {
        ...context.hangup,
        cause: Number(message.get('Cause') ?? 0),
        causeText: message.get('Cause-txt') ?? '',
        lost: false,
      };
      return changes;
  }
  return changed ? changes : undefined;
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

/**
 * The variables after the `ChanVariable` lines of a message, or `current` itself when they change
 * nothing (the common case: no new object per event).
 */
function readChanVariables(
  message: AmiMessage,
  prefix: string,
  current: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const lines = message.getAll(`${prefix}ChanVariable`);
  let next: Record<string, string> | undefined;
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq);
    const known = (next ?? current)[name];
    // Usually known already: compare in place rather than cut the value out of the line.
    if (known !== undefined && known.length === line.length - eq - 1 && line.endsWith(known)) {
      continue;
    }
    next ??= { ...current };
    next[name] = line.slice(eq + 1);
  }
  return next ?? current;
}

/** The party a `NewCallerid`/`NewConnectedLine` reports, or `current` itself when it is the same. */
function partyAfter(
  current: PartyId,
  message: AmiMessage,
  prefix: 'CallerID' | 'ConnectedLine',
): PartyId {
  const num = message.get(prefix === 'CallerID' ? 'CallerIDNum' : 'ConnectedLineNum') ?? '';
  const name = message.get(prefix === 'CallerID' ? 'CallerIDName' : 'ConnectedLineName') ?? '';
  return num === current.num && name === current.name ? current : { num, name };
}

/** What a (late) `Newchannel` says about the channel: the same facts a fresh context starts with. */
function newchannelFields(message: AmiMessage): Partial<ChannelContext> {
  const { name, linkedid, state, callerId, connectedLine, dialplan } = initialChannelContext(
    channelInputFrom(message),
  );
  return { name, linkedid, state, callerId, connectedLine, dialplan };
}

/** A list item describes the channel now: take its state, position and bridge as they are. */
function absorbSync(
  context: ChannelContext,
  message: AmiMessage,
  members: readonly string[] | undefined,
): Partial<ChannelContext> {
  const input = channelInputFrom(message);
  const changes: { -readonly [K in keyof ChannelContext]?: ChannelContext[K] } = {
    state: {
      code: input.channelState ?? context.state.code,
      desc: input.channelStateDesc ?? context.state.desc,
    },
    callerId: input.callerId ?? context.callerId,
    connectedLine: input.connectedLine ?? context.connectedLine,
    linkedid: input.linkedid || context.linkedid,
    name: input.name || context.name,
  };
  if (input.variables && input.variables !== NO_VARIABLES) {
    changes.variables = { ...context.variables, ...input.variables };
  }
  const position = context.dialplan;
  if (position.context !== input.context || position.exten !== input.exten) {
    changes.dialplan = {
      context: input.context ?? '',
      exten: input.exten ?? '',
      priority: input.priority ?? 0,
      application: message.get('Application') ?? '',
      appData: message.get('ApplicationData') ?? message.get('Data') ?? '',
    };
  }
  changes.bridge = input.bridgeId
    ? { id: input.bridgeId, peers: members?.filter((m) => m !== context.uniqueid) ?? NO_STRINGS }
    : undefined;
  if (input.inAgi && context.agi.sessions === 0) changes.agi = { ...context.agi, sessions: 1 };
  return changes;
}

function bridgeAfter(
  context: ChannelContext,
  members: readonly string[] | undefined,
  message: AmiMessage,
): ChannelContext['bridge'] {
  const id = message.get('BridgeUniqueid') ?? '';
  const who = message.get('Uniqueid');
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

function dialAfter(dial: DialInfo, message: AmiMessage, prefix: string): DialInfo {
  const dest = message.get('DestUniqueid') ?? '';
  if (prefix === 'Dest') {
    return message.name === 'DialBegin' ? { ...dial, dialedBy: message.get('Uniqueid') } : dial;
  }
  if (message.name === 'DialBegin') {
    return dial.legs.includes(dest) ? dial : { ...dial, legs: [...dial.legs, dest] };
  }
  return {
    ...dial,
    legs: dial.legs.filter((leg) => leg !== dest),
    lastStatus: message.get('DialStatus') ?? '',
  };
}

function appendBounded<T>(list: readonly T[], item: T, max: number): readonly T[] {
  const next = list.length >= max ? list.slice(list.length - max + 1) : list.slice();
  next.push(item);
  return next;
}
