import type { AmiClient } from '../connection/client.js';
import type { ChannelActorRef } from '../machines/channel/channelSnapshot.js';
import type { AsyncAgi } from './asyncAgi.js';
import { Call } from './Call.js';

/**
 * The {@link Call} of each channel, made when first asked for and forgotten when the channel's
 * actor is removed: one per channel, since a Call keeps its channel's AGI commands in order.
 *
 * @example
 * const calls = new CallRegistry(client, asyncAgi, (uniqueid) => channelActorOf(supervisor, uniqueid));
 * calls.get('1795808402.0')?.hangup();
 */
export class CallRegistry {
  private readonly calls = new Map<string, Call>();

  constructor(
    private readonly client: Pick<AmiClient, 'action'>,
    private readonly asyncAgi: AsyncAgi,
    /** The channel actor of a Uniqueid, while it exists. */
    private readonly channel: (uniqueid: string) => ChannelActorRef | undefined,
  ) {}

  /** How many Calls were handed out for channels that still exist. */
  get size(): number {
    return this.calls.size;
  }

  /** The Call of a live (or lingering) channel, by Uniqueid. */
  get(uniqueid: string): Call | undefined {
    const known = this.calls.get(uniqueid);
    if (known) return known;
    const actor = this.channel(uniqueid);
    return actor ? this.of(actor) : undefined;
  }

  /** The Call of a channel actor. */
  of(actor: ChannelActorRef): Call {
    const uniqueid = actor.getSnapshot().context.uniqueid;
    let call = this.calls.get(uniqueid);
    if (!call) {
      call = new Call(actor, this.client, this.asyncAgi.transport(actor), (peer) => this.get(peer));
      this.calls.set(uniqueid, call);
    }
    return call;
  }

  /**
   * A call that came in over FastAGI is its channel's Call while its connection is open (its AGI
   * commands go there): handed out by `get`/`of` until {@link release}d.
   */
  serve(call: Call): void {
    this.calls.set(call.uniqueid, call);
  }

  /** The FastAGI connection of `call` has ended: the channel gets an AsyncAGI Call again. */
  release(call: Call): void {
    if (this.calls.get(call.uniqueid) === call) this.calls.delete(call.uniqueid);
  }

  /** The channel is gone: its Call is not handed out again. */
  forget(uniqueid: string): void {
    this.calls.delete(uniqueid);
  }

  /** Forget every Call (the runtime closes). */
  clear(): void {
    this.calls.clear();
  }
}
