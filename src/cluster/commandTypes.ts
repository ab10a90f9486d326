import type { InjectDtmfOptions, OriginateOptions } from '../calls/originateOptions.js';

/** A channel named by its Uniqueid or by its current name. */
export type ChannelTarget = { readonly uniqueid: string } | { readonly channel: string };

/** The commands a node answers for the Asterisks it supervises, with their arguments and results. */
export interface ClusterCommands {
  /** Hangs a channel up (cause 16 unless given). */
  hangup: { args: ChannelTarget & { readonly cause?: number }; result: CallRef };
  /** Plays a digit into the live call at an extension, as `runtime.injectDtmf` does. */
  dtmf: { args: InjectDtmfOptions; result: CallRef };
  /** Originates a call on that Asterisk; answers once it is answered (`runtime.originate`). */
  originate: { args: OriginateOptions; result: CallRef };
  /** Sends a channel elsewhere in the dialplan (AMI `Redirect`). */
  redirect: {
    args: ChannelTarget & {
      readonly context: string;
      readonly exten: string;
      readonly priority?: number;
    };
    result: CallRef;
  };
  /** The live channels and call flows of that Asterisk, for a look from any node. */
  channels: { args: Record<string, never>; result: ChannelSummary[] };
  /**
   * A page or API request to the owner's inspector (`/`, `/api/calls`, `/api/machines/ivr/diagram`
   * ...), for an inspector on another node (see `startClusterInspector`).
   */
  inspect: { args: { readonly path: string }; result: InspectReply };
  /**
   * Opens the owner's inspector event stream at `path` (`/events`, `/events?call=`): its bytes come
   * as requests to `inbox`, each to be answered (see `InspectionOnDemand`).
   */
  inspectStream: {
    args: { readonly path: string; readonly inbox: string };
    result: { readonly status: number };
  };
}

/** An inspector page or API answer, as the owner's inspector gave it. */
export interface InspectReply {
  readonly status: number;
  /** Its `Content-Type`. */
  readonly type: string;
  /** Its `Content-Security-Policy`, for the page. */
  readonly policy?: string;
  readonly body: string;
}

/** A command's name. */
export type CommandVerb = keyof ClusterCommands;

export const COMMAND_VERBS: readonly CommandVerb[] = [
  'hangup',
  'dtmf',
  'originate',
  'redirect',
  'channels',
  'inspect',
  'inspectStream',
];

/** The channel a command acted on. */
export interface CallRef {
  readonly uniqueid: string;
  readonly name: string;
}

/** One live channel, as `channels` lists it. */
export interface ChannelSummary extends CallRef {
  readonly linkedid: string;
  /** `hungUp` once it hung up (it lingers a moment), else its line state (`answered+inAgi`). */
  readonly state: string;
  readonly context: string;
  readonly exten: string;
  /** The state value of its call flow, when one runs. */
  readonly flow?: unknown;
}

/** What goes back on the wire. */
export type CommandReply =
  | { readonly ok: true; readonly result: unknown; readonly node: string }
  | {
      readonly ok: false;
      readonly error: { name: string; message: string };
      readonly node?: string;
    };

/** Largest command request accepted, in bytes. */
export const MAX_COMMAND_BYTES = 64 * 1024;

/** A request that cannot be carried out as asked (bad JSON, unknown verb, too large). */
export class ClusterCommandRequestError extends Error {
  override readonly name = 'ClusterCommandRequestError';
}
