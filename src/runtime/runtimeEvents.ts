import type { BridgeChange } from '../actors/dispatch.js';
import type { ResyncReport } from '../actors/resync.js';
import type { ChannelActorRef, SupervisorConnectionState } from '../actors/supervisorMachine.js';
import type { ChannelOutput } from '../machines/channel/channelMachine.js';

/**
 * What a runtime publishes on its `bus` (a typed `mitt` emitter). A type alias because mitt wants
 * a record type.
 */
export type RuntimeEvents = {
  /** A channel actor was created (a new channel, or one found up at (re)connect). */
  channel: { uniqueid: string; ref: ChannelActorRef };
  /** A channel's state label changed (`ringing` → `answered+inAgi`, see `describeChannel`). */
  channelState: { uniqueid: string; name: string; state: string; previous: string };
  /** A channel hung up (or was lost during a disconnection). */
  hangup: { uniqueid: string; output: ChannelOutput };
  /** A hung-up channel's actor was removed after its linger. */
  removed: { uniqueid: string };
  /** Bridge membership changed. */
  bridge: BridgeChange;
  /** The AMI connection's life, as the supervisor reflects it. */
  connection: { state: SupervisorConnectionState; error?: Error };
  /** A (re)connect resync finished. */
  resync: ResyncReport;
  /** Something failed without anyone waiting for it (a request, a handler, a resync). */
  error: { error: unknown; during: string };
};
