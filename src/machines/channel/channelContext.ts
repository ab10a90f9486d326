import type { AmiMessage } from '../../protocol/message.js';

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
  /**
   * Digits received (`DTMFEnd`, `Direction: Received`), in order; the last {@link MAX_DTMF} kept.
   * A record for inspection: to hear each key as it comes, listen to the channel actor's
   * `dtmf.key` emitted event (as `Call.digits()` does), since this string stops changing once it
   * holds MAX_DTMF identical keys.
   */
  readonly dtmf: string;
  /** How many digits the channel has received in all (every `DTMFEnd`, `Direction: Received`). */
  readonly dtmfCount: number;
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
/** No variables: an input without any shares this object. */
export const NO_VARIABLES: Readonly<Record<string, string>> = Object.freeze({});
/** The empty list the context shares, so that an unchanged list is the same object. */
export const NO_STRINGS: readonly string[] = Object.freeze([]);
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
    dtmfCount: 0,
    originate: undefined,
    hangup: undefined,
  };
}

/**
 * The variables after the `ChanVariable` lines of a message, or `current` itself when they change
 * nothing (the common case: no new object per event).
 */
export function readChanVariables(
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
