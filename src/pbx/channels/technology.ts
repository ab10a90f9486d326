import type { Pbx } from '../Pbx.js';
import type { Channel } from './Channel.js';

/** What a channel technology hands to Originate or Dial() for one outgoing call. */
export interface OutboundLeg {
  /** The channel the caller holds (Local `;1`, the phone's channel). */
  readonly channel: Channel;
  /** The resource as DialBegin's DialString shows it (`401@default`, `alice`). */
  readonly dialString: string;
  /**
   * Places the call: the variables set on `channel` travel to the far side. False when the
   * destination does not exist (the caller then abandons the leg).
   */
  call(): boolean;
  /** Lets the far end run: a Local `;2` starts its dialplan, a phone starts ringing. */
  start(): void;
  /** Hangs up whatever the request created, without telling the far side (failed call). */
  abandon(): void;
}

/** Options of a channel request. */
export interface ChannelRequest {
  /** Linkedid of the new channels (the caller's); a new call when absent. */
  readonly linkedid?: string;
}

/**
 * A channel technology: turns the resource of a dial string (`Local/<resource>`,
 * `PJSIP/<resource>`) into an outgoing leg. `undefined` means Asterisk could not even create the
 * channel (unknown endpoint): Originate fails with Reason 0, Dial() with CHANUNAVAIL.
 */
export interface ChannelTechnology {
  /** `Local`, `PJSIP`, ... (matched case-insensitively). */
  readonly name: string;
  request(pbx: Pbx, resource: string, req: ChannelRequest): OutboundLeg | undefined;
}

/** Splits `Tech/resource` (options after a second `/` are dropped). */
export function splitDialString(dial: string): { tech: string; resource: string } | undefined {
  const m = /^([A-Za-z][\w-]*)\/([^/]+)/.exec(dial.trim());
  return m ? { tech: m[1]!, resource: m[2]! } : undefined;
}
