import { type ActorRefFrom, type AnyActorRef, createActor } from 'xstate';
import type { ChannelInput } from '../machines/channel/channelContext.js';
import type { ChannelEvent } from '../machines/channel/channelEvents.js';
import type { channelMachine } from '../machines/channel/channelMachine.js';
import type { AmiMessage } from '../protocol/message.js';
import { ChannelDirectory } from './channelDirectory.js';
import { type BridgeChange, type DispatchSink, dispatch } from './dispatch.js';
import { applyResync, type ResyncReport, type ResyncSink } from './resync.js';

/** A live channel actor. */
export type ChannelActorRef = ActorRefFrom<typeof channelMachine>;

/** What the router reports to the supervisor, which emits it to whoever watches. */
export type RouterNotice =
  | { type: 'channel'; uniqueid: string; ref: ChannelActorRef }
  | ({ type: 'bridge' } & BridgeChange);

/**
 * The supervisor's hot path: takes each AMI event, routes it to channel actors (creating them as
 * channels appear) and keeps the {@link ChannelDirectory} in step. While a resync is listing
 * channels it buffers instead, and `finishResync` applies the list and the buffer.
 *
 * Why not route inside the supervisor's own transitions: at tens of thousands of events per second
 * a supervisor macrostep per event doubled the cost of routing. The router is owned by the
 * supervisor (created with its context, its actors have the supervisor as parent, so they live in
 * its system and report `hangUp` to it), called synchronously by the supervisor's client actor.
 * Channel actors are kept in the directory rather than spawned into the snapshot's `children`,
 * because XState copies that object on every spawn and stop: O(channels) per call.
 *
 * @example
 * const router = new ChannelRouter(channelMachine, supervisorRef, (notice) => log(notice));
 * router.route(message);
 */
export class ChannelRouter {
  readonly directory = new ChannelDirectory<ChannelActorRef>();
  private resync: { buffered: AmiMessage[]; before: Set<string> } | undefined;
  private readonly sink: ResyncSink;

  constructor(
    private readonly logic: typeof channelMachine,
    private readonly parent: AnyActorRef,
    notify: (notice: RouterNotice) => void,
  ) {
    const directory = this.directory;
    const sink: DispatchSink = {
      spawn: (uniqueid: string, input: ChannelInput) => {
        const ref = createActor(this.logic, { id: uniqueid, parent: this.parent, input });
        directory.add(uniqueid, input.name, ref);
        ref.start();
        notify({ type: 'channel', uniqueid, ref });
      },
      deliver: (uniqueid: string, event: ChannelEvent) => directory.get(uniqueid)?.send(event),
      bridge: (change: BridgeChange) => notify({ type: 'bridge', ...change }),
    };
    this.sink = {
      ...sink,
      sync: (uniqueid, message, members) =>
        sink.deliver(
          uniqueid,
          members ? { type: 'sync', message, members } : { type: 'sync', message },
        ),
      lost: (uniqueid) => sink.deliver(uniqueid, { type: 'lost' }),
    };
  }

  /** One AMI event from the connection. */
  route(message: AmiMessage): void {
    if (this.resync) this.resync.buffered.push(message);
    else dispatch(this.directory, message, this.sink);
  }

  /** A (re)connect: hold events until the channel list is in; remember who existed before. */
  beginResync(): void {
    this.resync = { buffered: [], before: new Set(this.directory.liveUniqueids()) };
  }

  /** The list is in: rebuild, replay what was held, end the channels that are gone. */
  finishResync(items: readonly AmiMessage[]): ResyncReport {
    const resync = this.resync;
    this.resync = undefined;
    return applyResync(
      this.directory,
      items,
      resync?.buffered ?? [],
      resync?.before ?? new Set(),
      this.sink,
    );
  }

  /** No list to be had (refused, or the connection dropped): apply what was held, as it came. */
  abandonResync(): void {
    const resync = this.resync;
    this.resync = undefined;
    for (const message of resync?.buffered ?? []) dispatch(this.directory, message, this.sink);
  }

  /** Whether events are being held for a resync. */
  get resyncing(): boolean {
    return this.resync !== undefined;
  }
}
