import type { AmiMessage } from '../protocol/message.js';
import { BridgeRegistry } from './bridgeRegistry.js';
import type { ChannelIndex } from './routeKeys.js';

/** What the supervisor remembers about one channel actor. */
interface Entry<Ref> {
  name: string;
  ref: Ref;
  /** The actor reached `hungUp`: it lingers for late events, which are dropped. */
  done: boolean;
}

/** How many channels may have an `OriginateResponse` waiting for their `Newchannel`. */
const MAX_EARLY = 256;

/** Messages held for one such channel (one is the norm; more are repeats, dropped). */
export const MAX_EARLY_PER_CHANNEL = 8;

/**
 * The supervisor's bookkeeping: which channel actors exist (by Uniqueid, and by name for events
 * without one), which have hung up and linger, the bridges, and the few messages that arrived
 * before their channel's `Newchannel` (an `OriginateResponse` under load).
 *
 * Every entry is removed when its channel is removed, so an idle runtime holds nothing: `sizes`
 * lets tests prove it.
 *
 * @example
 * const directory = new ChannelDirectory();
 * directory.add('1795808402.0', 'Local/401@default-00000000;1', actorRef);
 * directory.uniqueidByName('Local/401@default-00000000;1'); // '1795808402.0'
 */
export class ChannelDirectory<Ref = unknown> implements ChannelIndex {
  readonly bridges = new BridgeRegistry();
  private readonly channels = new Map<string, Entry<Ref>>();
  /** Hung-up channels in the order they hung up, each with the sweep count when it did. */
  private readonly done = new LingerQueue();
  /** Sweeps so far. */
  private sweeps = 0;
  private readonly names = new Map<string, string>();
  private readonly early = new Map<string, AmiMessage[]>();
  /** The entry `status` found last: routing asks `status` then `get` for the same channel. */
  private lastKey: string | undefined;
  private lastEntry: Entry<Ref> | undefined;

  /** Whether an actor exists for the channel; `'done'` when it hung up and lingers. */
  status(uniqueid: string): 'live' | 'done' | undefined {
    const entry = this.entry(uniqueid);
    return entry === undefined ? undefined : entry.done ? 'done' : 'live';
  }

  /** The actor of a channel (live or lingering). */
  get(uniqueid: string): Ref | undefined {
    return this.entry(uniqueid)?.ref;
  }

  private entry(uniqueid: string): Entry<Ref> | undefined {
    if (uniqueid === this.lastKey) return this.lastEntry;
    const entry = this.channels.get(uniqueid);
    this.lastKey = uniqueid;
    this.lastEntry = entry;
    return entry;
  }

  add(uniqueid: string, name: string, ref: Ref): void {
    this.lastKey = undefined;
    this.lastEntry = undefined;
    this.channels.set(uniqueid, { name, ref, done: false });
    if (name !== '') this.names.set(name, uniqueid);
  }

  rename(uniqueid: string, newName: string): void {
    const entry = this.channels.get(uniqueid);
    if (!entry) return;
    if (this.names.get(entry.name) === uniqueid) this.names.delete(entry.name);
    entry.name = newName;
    this.names.set(newName, uniqueid);
  }

  /** The channel hung up: it lingers until a later {@link sweep} returns it. */
  markDone(uniqueid: string): void {
    const entry = this.channels.get(uniqueid);
    if (!entry || entry.done) return;
    entry.done = true;
    this.done.push(uniqueid, this.sweeps);
  }

  /**
   * Called at a steady period: returns, for the caller to stop and `remove`, the channels that
   * hung up at least `sweeps` sweeps ago counting this one (so at least `sweeps - 1` whole periods).
   */
  sweep(sweeps: number): string[] {
    this.sweeps += 1;
    return this.done.takeUpTo(this.sweeps - sweeps);
  }

  /** How many hung-up channels wait for a sweep. */
  get lingering(): number {
    return this.done.size;
  }

  /** Every channel actor, live or lingering. */
  refs(): Ref[] {
    return [...this.channels.values()].map((entry) => entry.ref);
  }

  /** Forget a channel: its entry, its name, its bridge membership, anything held for it. */
  remove(uniqueid: string): void {
    this.lastKey = undefined;
    this.lastEntry = undefined;
    const entry = this.channels.get(uniqueid);
    if (entry && this.names.get(entry.name) === uniqueid) this.names.delete(entry.name);
    this.channels.delete(uniqueid);
    this.early.delete(uniqueid);
    this.bridges.forgetChannel(uniqueid);
  }

  /** Uniqueids of the channels that have not hung up. */
  liveUniqueids(): string[] {
    const live: string[] = [];
    for (const [uniqueid, entry] of this.channels) if (!entry.done) live.push(uniqueid);
    return live;
  }

  /**
   * Keep a message for a channel that has no actor yet. Bounded: past `MAX_EARLY` channels the
   * oldest channel's are dropped, past `MAX_EARLY_PER_CHANNEL` messages a channel's newest are.
   */
  holdEarly(uniqueid: string, message: AmiMessage): void {
    const held = this.early.get(uniqueid);
    if (held) {
      if (held.length < MAX_EARLY_PER_CHANNEL) held.push(message);
      return;
    }
    if (this.early.size >= MAX_EARLY) {
      const oldest = this.early.keys().next().value;
      if (oldest !== undefined) this.early.delete(oldest);
    }
    this.early.set(uniqueid, [message]);
  }

  /** The messages held for a channel, removed from the directory. */
  takeEarly(uniqueid: string): readonly AmiMessage[] {
    const held = this.early.get(uniqueid);
    if (!held) return [];
    this.early.delete(uniqueid);
    return held;
  }

  uniqueidByName(name: string): string | undefined {
    return this.names.get(name);
  }

  bridgeMembers(bridgeId: string): readonly string[] {
    return this.bridges.hasMembers(bridgeId) ? this.bridges.members(bridgeId) : [];
  }

  /** Entry counts of every map, for leak checks. */
  get sizes(): {
    channels: number;
    names: number;
    early: number;
    lingering: number;
    bridges: number;
    inBridges: number;
  } {
    const bridges = this.bridges.size;
    return {
      channels: this.channels.size,
      names: this.names.size,
      early: this.early.size,
      lingering: this.lingering,
      bridges: bridges.bridges,
      inBridges: bridges.channels,
    };
  }
}

/** A FIFO of hung-up channels, each with the sweep count it hung up at (never decreasing). */
class LingerQueue {
  private ids: string[] = [];
  private marks: number[] = [];
  private head = 0;

  get size(): number {
    return this.ids.length - this.head;
  }

  push(uniqueid: string, mark: number): void {
    this.ids.push(uniqueid);
    this.marks.push(mark);
  }

  /** Takes the channels marked at `mark` or before, oldest first. */
  takeUpTo(mark: number): string[] {
    let end = this.head;
    while (end < this.ids.length && (this.marks[end] ?? 0) <= mark) end += 1;
    const taken = this.ids.slice(this.head, end);
    this.head = end;
    if (this.head === this.ids.length) {
      this.ids = [];
      this.marks = [];
      this.head = 0;
    }
    // Compact once the taken part outweighs the rest, so memory follows what still lingers.
    if (this.head > 1024 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.marks = this.marks.slice(this.head);
      this.head = 0;
    }
    return taken;
  }
}
