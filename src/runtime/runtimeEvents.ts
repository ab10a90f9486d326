import type { AnyActorRef } from 'xstate';
import type { BridgeChange } from '../actors/channelRouter.js';
import type { ResyncReport } from '../actors/resync.js';
import type { ChannelOutput } from '../machines/channel/channelMachine.js';
import type { ChannelActorRef } from '../machines/channel/channelSnapshot.js';

/** The AMI connection's life, as the runtime reports it. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/**
 * What a runtime publishes on its `bus` (a typed `mitt` emitter). A type alias because mitt wants
 * a record type.
 */
export type RuntimeEvents = {
  /** A channel actor was created (a new channel, or one found up at (re)connect). */
  channel: { uniqueid: string; ref: ChannelActorRef };
  /** A channel's state label changed (`ringing` → `answered+inAgi`, see `describeChannel`). */
  channelState: { uniqueid: string; name: string; state: string; previous: string };
  /** Call logic started for a channel (see `runtime.handle`): its actor, the channel actor's child. */
  flow: { uniqueid: string; ref: AnyActorRef };
  /** A channel hung up (or was lost during a disconnection). */
  hangup: { uniqueid: string; output: ChannelOutput };
  /** A hung-up channel's actor was removed after its linger. */
  removed: { uniqueid: string };
  /** Bridge membership changed. */
  bridge: BridgeChange;
  /** The AMI connection's life. */
  connection: { state: ConnectionState; error?: Error };
  /** A (re)connect resync finished. */
  resync: ResyncReport;
  /** Something failed without anyone waiting for it (a request, a handler, a resync). */
  error: { error: unknown; during: string };
};
