import type { ChannelInput } from '../machines/channel/channelContext.js';
import {
  amiEventType,
  type ChannelEvent,
  toChannelEvent,
} from '../machines/channel/channelEvents.js';
import type { AmiEvent } from '../protocol/amiEvent.js';
import type { AmiMessage } from '../protocol/message.js';
import { ChannelDirectory } from './channelDirectory.js';
import { FoldQueue, isFoldable } from './foldQueue.js';
import { applyResync, type ResyncReport } from './resync.js';
import { routeKeys, spawnInput } from './routeKeys.js';

/** A change of bridge membership, as the runtime's `bridge` bus event reports it. */
export interface BridgeChange {
  readonly action: 'create' | 'enter' | 'leave' | 'destroy';
  readonly bridgeId: string;
  /** The channel that entered or left. */
  readonly uniqueid?: string;
  /** Who is in the bridge after the change. */
  readonly members: readonly string[];
}

/** A channel actor as the router sees it: started once known, then sent the events about it. */
export interface RoutedChannel {
  start(): void;
  send(event: ChannelEvent): void;
}

/** What the router asks of its owner (the supervisor): actors for new channels, and an ear. */
export interface RouterHooks<Channel extends RoutedChannel> {
  /** Creates (without starting) the actor of a new channel, which the router then keeps. */
  create(uniqueid: string, input: ChannelInput): Channel;
  /** A channel actor was created, registered and started. */
  created(uniqueid: string, channel: Channel): void;
  /** Bridge membership changed. */
  bridge(change: BridgeChange): void;
}

/** Default of {@link RouterOptions.maxResyncBacklog}. */
export const DEFAULT_MAX_RESYNC_BACKLOG = 10_000;

/** Bounds of a {@link ChannelRouter}. */
export interface RouterOptions {
  /**
   * Most events held while a resync lists the channels. Past it the router stops holding: it
   * routes what it held, in order, then each event as it comes, and applies the list once it is
   * in. Default 10,000.
   */
  readonly maxResyncBacklog?: number;
}

/**
 * The supervisor's hot path: takes each AMI event, delivers it to the channel actors it concerns
 * (`routeKeys`), creating an actor on `Newchannel` or for a channel first met mid-call, and keeps
 * the {@link ChannelDirectory} (names, bridges, early `OriginateResponse`s, lingering channels) in
 * step. While a (re)connect lists the channels it holds events instead; `finishResync` applies the
 * list, then what was held.
 *
 * The hold is bounded (`maxResyncBacklog`). Past the bound, routing the events as they come and
 * applying the list at its end is just as correct: Asterisk writes a session's events in order
 * and a list's items in one go, between two events, so every event read before the list's end
 * happened before the list was taken, and the list is the newest word on each channel it names.
 * What holding adds is only that channel actors never see those events in their state from
 * before the reconnect.
 *
 * Events for a channel that hung up and lingers are dropped: its actor is final, and a late event
 * must not bring a ghost back to life.
 *
 * Why not route inside the supervisor's transitions: at tens of thousands of events per second a
 * supervisor macrostep per event doubled the cost of routing. Channel actors are kept here rather
 * than in the supervisor snapshot's `children`, which XState copies on every spawn and stop.
 *
 * @example
 * const router = new ChannelRouter({
 *   create: (uniqueid, input) => createActor(channelMachine, { id: uniqueid, input }),
 *   created: (uniqueid) => console.log('new channel', uniqueid),
 *   bridge: (change) => console.log(change.action, change.members),
 * });
 * router.route(newchannelMessage);
 */
export class ChannelRouter<Channel extends RoutedChannel = RoutedChannel> {
  readonly directory = new ChannelDirectory<Channel>();
  /** Facts-only events, sent to their channels in one step each at the end of a burst. */
  readonly folds = new FoldQueue((uniqueid, event) => this.directory.get(uniqueid)?.send(event));
  /**
   * A resync under way: who was known before it, and the events held meanwhile (`undefined` once
   * past the bound, with how many were routed as they came instead).
   */
  private resync:
    | { before: Set<string>; held: AmiMessage[] | undefined; routedBeforeList: number }
    | undefined;
  private readonly maxResyncBacklog: number;

  constructor(
    private readonly hooks: RouterHooks<Channel>,
    options: RouterOptions = {},
  ) {
    this.maxResyncBacklog = options.maxResyncBacklog ?? DEFAULT_MAX_RESYNC_BACKLOG;
  }

  /** Events held by the resync under way (at most `maxResyncBacklog`). */
  get resyncBacklog(): number {
    return this.resync?.held?.length ?? 0;
  }

  /** One AMI event from the connection. */
  route(message: AmiMessage): void {
    const resync = this.resync;
    if (resync?.held === undefined) {
      if (resync) resync.routedBeforeList += 1;
      this.dispatch(message);
      return;
    }
    if (resync.held.length < this.maxResyncBacklog) {
      resync.held.push(message);
      return;
    }
    // Full: stop holding. What was held goes first, in order, then this one.
    const held = resync.held;
    resync.held = undefined;
    resync.routedBeforeList = held.length + 1;
    for (const each of held) this.dispatch(each);
    this.dispatch(message);
  }

  /** A (re)connect: hold events until the channel list is in; remember who existed before. */
  beginResync(): void {
    this.resync = {
      before: new Set(this.directory.liveUniqueids()),
      held: [],
      routedBeforeList: 0,
    };
  }

  /** The list is in: rebuild, replay what was held, end the channels that are gone. */
  finishResync(items: readonly AmiMessage[]): ResyncReport {
    const resync = this.resync;
    this.resync = undefined;
    const report = applyResync(this, items, resync?.held ?? [], resync?.before ?? new Set());
    const routed = resync?.routedBeforeList ?? 0;
    return routed > 0 ? { ...report, routedBeforeList: routed } : report;
  }

  /** No list to be had (refused, or the connection dropped): apply what was held, as it came. */
  abandonResync(): void {
    const resync = this.resync;
    this.resync = undefined;
    for (const message of resync?.held ?? []) this.dispatch(message);
  }

  /** Creates the actor of a channel and hands it what arrived for it before it existed. */
  spawn(uniqueid: string, input: ChannelInput): void {
    const channel = this.hooks.create(uniqueid, input);
    // Registered before it starts, so whoever hears of it can look it up.
    this.directory.add(uniqueid, input.name, channel);
    channel.start();
    this.hooks.created(uniqueid, channel);
    for (const held of this.directory.takeEarly(uniqueid)) channel.send(toChannelEvent(held));
  }

  /** Sends an event to a channel's actor, if it has one. */
  deliver(uniqueid: string, event: ChannelEvent): void {
    if (isFoldable(event)) {
      this.folds.offer(uniqueid, event);
      return;
    }
    // Whatever may change its state finds every fact about it that came before folded in.
    this.folds.flushChannel(uniqueid);
    this.directory.get(uniqueid)?.send(event);
  }

  /**
   * Applies one AMI event to the directory, then creates the actors it calls for and delivers it
   * to every live channel it concerns (one event object for all of them: events are immutable).
   */
  dispatch(message: AmiMessage): void {
    const name = message.name;
    // Keys first: a BridgeEnter must also reach the members that were there before it.
    const keys = routeKeys(message, this.directory);
    const members = this.applyBookkeeping(message);
    let event: ChannelEvent | undefined;
    for (const uniqueid of keys) {
      const status = this.directory.status(uniqueid);
      if (status === 'done') continue;
      if (status === undefined) {
        if (name === 'OriginateResponse') {
          this.directory.holdEarly(uniqueid, message);
          continue;
        }
        const input = spawnInput(message, uniqueid);
        if (input === undefined) continue;
        this.spawn(uniqueid, input);
        // The Newchannel is the actor's input; anything else met first is news to apply as well.
        if (name === 'Newchannel') continue;
      } else if (name === 'Newchannel') {
        // Already known (resync rebuilt it from a list item): its birth certificate is old news.
        continue;
      }
      event ??=
        members === undefined
          ? toChannelEvent(message)
          : { type: amiEventType(name), message: message as AmiEvent, members };
      this.deliver(uniqueid, event);
    }
  }

  /** Bridges and renames; returns the bridge's members after a `BridgeEnter`/`BridgeLeave`. */
  private applyBookkeeping(message: AmiMessage): readonly string[] | undefined {
    const name = message.name;
    const bridges = this.directory.bridges;
    switch (name) {
      case 'BridgeCreate':
      case 'BridgeDestroy': {
        const bridgeId = message.get('BridgeUniqueid') ?? '';
        if (name === 'BridgeCreate') bridges.create(bridgeId);
        else bridges.destroy(bridgeId);
        const action = name === 'BridgeCreate' ? 'create' : 'destroy';
        this.hooks.bridge({ action, bridgeId, members: [] });
        return undefined;
      }
      case 'BridgeEnter':
      case 'BridgeLeave': {
        const bridgeId = message.get('BridgeUniqueid') ?? '';
        const uniqueid = message.get('Uniqueid') ?? '';
        const entering = name === 'BridgeEnter';
        const members = entering
          ? bridges.enter(bridgeId, uniqueid)
          : bridges.leave(bridgeId, uniqueid);
        this.hooks.bridge({ action: entering ? 'enter' : 'leave', bridgeId, uniqueid, members });
        return members;
      }
      case 'Rename': {
        const uniqueid = message.get('Uniqueid');
        const newName = message.get('Newname');
        if (uniqueid && newName) this.directory.rename(uniqueid, newName);
        return undefined;
      }
      default:
        return undefined;
    }
  }
}
