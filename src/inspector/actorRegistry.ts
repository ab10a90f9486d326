import type { AnyActorRef, AnyStateMachine, Subscription } from 'xstate';
import { type ActorDetail, type ActorSummary, actorDetail, actorSummary } from './actorViews.js';
import { CallLog, type CallLogOptions, type StepRecord } from './callLog.js';
import { MachineCatalog } from './machineCatalog.js';
import { type StepDetail, type StepSummary, stepDetail, stepSummary } from './stepViews.js';
import {
  channelCall,
  type EndedActor,
  endedActor,
  endedDetail,
  type RegistryChange,
  type TrackedActor,
} from './trackedActor.js';

export type { RegistryChange, TrackedActor } from './trackedActor.js';

interface Entry extends TrackedActor {
  readonly children: Set<string>;
  group: string | null;
  /** Its last steps, newest last (the same records as the call log's). */
  readonly recent: StepRecord[];
  /** Transitions of the microsteps since its last snapshot. */
  pending: unknown[];
  lastTransitions: readonly unknown[];
  subscriptions: Subscription[];
}

/** How an {@link ActorRegistry} runs. */
export interface ActorRegistryOptions extends CallLogOptions {
  /** Steps kept per actor for `events()` (default 20). */
  readonly maxEvents?: number;
  /**
   * Machines to show before any actor runs them (default: octostate's own: `channel`, `ivr`,
   * `passcode`, `menu`, `collectDigits`, `hello`). A running actor's machine replaces the one of
   * the same id.
   */
  readonly machines?: readonly AnyStateMachine[];
}

/**
 * The actors the inspector shows: the supervisor, each channel actor, each call-logic actor and
 * what it invokes, with their steps, grouped by call (the channel's Linkedid) in a {@link CallLog}.
 * A `RuntimeWatch` feeds it from the runtime. Recording a step is a map lookup and two pushes;
 * states and contexts are summarised only when asked for (`summary`, `detail`, `events`).
 */
export class ActorRegistry {
  /** Every call seen: its steps, and its actors once they went away. */
  readonly calls: CallLog<EndedActor>;
  private readonly entries = new Map<string, Entry>();
  private readonly ids = new Map<AnyActorRef, string>();
  private readonly machines: MachineCatalog;
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  private readonly maxEvents: number;
  private seq = 0;

  constructor(options: ActorRegistryOptions = {}) {
    this.maxEvents = options.maxEvents ?? 20;
    this.calls = new CallLog<EndedActor>(options);
    this.machines = new MachineCatalog(options.machines);
    this.calls.onForget((call, actors) => {
      for (const id of actors) this.emit('removed', id, call);
    });
  }

  /** Calls `listener` on each change; returns a function that stops it. */
  subscribe(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many live actors are known (the supervisor included). */
  get size(): number {
    return this.entries.size;
  }

  /** The sequence number of the last step recorded. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Every live actor, the supervisor first, then in the order they appeared. */
  list(): ActorSummary[] {
    return [...this.entries.values()].map((entry) => this.summaryOf(entry));
  }

  /** The actors of the calls that ended and are still kept, as they were last. */
  endedActors(): ActorSummary[] {
    return this.calls
      .list()
      .flatMap((call) => this.calls.endedActors(call.id).map((a) => a.summary));
  }

  /** One live actor in a line, or `undefined`. */
  summary(id: string): ActorSummary | undefined {
    const entry = this.entries.get(id);
    return entry ? this.summaryOf(entry) : undefined;
  }

  /** One actor in full: live, or gone with its call still kept. */
  get(id: string): ActorDetail | undefined {
    const entry = this.entries.get(id);
    if (entry) return this.detailOf(entry);
    const ended = this.calls.endedActor(id);
    return ended ? endedDetail(ended) : undefined;
  }

  /** One actor in a line: live, or gone with its call still kept. */
  line(id: string): ActorSummary | undefined {
    const entry = this.entries.get(id);
    if (entry) return this.summaryOf(entry);
    return this.calls.endedActor(id)?.summary;
  }

  /** The live actors of a call, in full. */
  callActors(group: string): ActorDetail[] {
    const live: ActorDetail[] = [];
    for (const entry of this.entries.values()) {
      if (entry.group === group) live.push(this.detailOf(entry));
    }
    return [...live, ...this.calls.endedActors(group).map(endedDetail)];
  }

  /** The last steps of an actor (after `afterSeq` when given), oldest first. */
  events(id: string, afterSeq = 0): StepSummary[] {
    const entry = this.entries.get(id);
    return (entry?.recent ?? []).filter((step) => step.seq > afterSeq).map(stepSummary);
  }

  /** A call's steps in a line (its timeline), oldest first. */
  callSteps(group: string, afterSeq = 0): StepSummary[] {
    return this.calls.steps(group, afterSeq).map(stepSummary);
  }

  /** One step of a call in full, with the event's detail and the context after it. */
  step(group: string, seq: number): StepDetail | undefined {
    const step = this.calls.step(group, seq);
    return step ? stepDetail(step) : undefined;
  }

  /** The ids of the machines known. */
  machineIds(): string[] {
    return this.machines.ids();
  }

  /** A machine by its id (`ami`, `channel`, `ivr`...). */
  machine(id: string): AnyStateMachine | undefined {
    return this.machines.get(id);
  }

  /** The id given to an actor being followed. */
  idOf(ref: AnyActorRef): string | undefined {
    return this.ids.get(ref);
  }

  /** Whether an actor of that id is followed. */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Starts following an actor (nothing happens when one of that id is already followed). */
  track(actor: TrackedActor, subscriptions: Subscription[] = []): boolean {
    if (this.entries.has(actor.id)) return false;
    const entry: Entry = {
      ...actor,
      children: new Set(),
      group: null,
      recent: [],
      pending: [],
      lastTransitions: [],
      subscriptions,
    };
    entry.group = this.groupOf(entry);
    this.entries.set(entry.id, entry);
    if (entry.parent !== null) this.entries.get(entry.parent)?.children.add(entry.id);
    this.ids.set(entry.ref, entry.id);
    if (entry.machine) this.machines.add(entry.machine);
    if (entry.group !== null) this.calls.actorStarted(entry.group, entry.id);
    this.emit('added', entry.id, entry.group);
    return true;
  }

  /** Adds subscriptions to end with an actor's following. */
  hold(id: string, subscription: Subscription): void {
    this.entries.get(id)?.subscriptions.push(subscription);
  }

  /** Stops following an actor and what it invoked; its call keeps its last look. */
  untrack(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    for (const child of [...entry.children]) this.untrack(child);
    if (entry.parent !== null) this.entries.get(entry.parent)?.children.delete(id);
    for (const subscription of entry.subscriptions) subscription.unsubscribe();
    this.entries.delete(id);
    if (this.ids.get(entry.ref) === id) this.ids.delete(entry.ref);
    if (entry.group !== null) {
      this.emit('ended', id, entry.group);
      this.calls.actorEnded(entry.group, id, endedActor(this.summaryOf(entry), entry));
    } else {
      this.emit('removed', id, null);
    }
  }

  /** A transition an actor took (XState's `@xstate.microstep`), kept for its next step. */
  transitions(ref: AnyActorRef, transitions: readonly unknown[]): void {
    const id = this.ids.get(ref);
    if (id === undefined || transitions.length === 0) return;
    this.entries.get(id)?.pending.push(...transitions);
  }

  /** An actor processed an event (XState's `@xstate.snapshot`): one step. Returns the actor. */
  stepped(
    ref: AnyActorRef,
    event: { type: string },
    snapshot: StepRecord['snapshot'],
  ): TrackedActor | undefined {
    const id = this.ids.get(ref);
    const entry = id === undefined ? undefined : this.entries.get(id);
    if (!entry) return undefined;
    this.seq += 1;
    const transitions = entry.pending;
    entry.pending = [];
    if (transitions.length > 0) entry.lastTransitions = transitions;
    const step: StepRecord = {
      seq: this.seq,
      at: Date.now(),
      actor: entry.id,
      event,
      snapshot,
      transitions,
      machine: entry.machine,
    };
    entry.recent.push(step);
    if (entry.recent.length > this.maxEvents) entry.recent.shift();
    if (entry.kind === 'channel') this.regroup(entry);
    if (entry.group !== null) this.calls.record(entry.group, step);
    this.emit('updated', entry.id, entry.group);
    return entry;
  }

  /** Something about an actor changed outside its steps (it completed, its channel hung up). */
  touch(id: string): void {
    const entry = this.entries.get(id);
    if (entry) this.emit('updated', id, entry.group);
  }

  /** Forgets every actor and call; listeners are told nothing more. */
  clear(): void {
    for (const entry of this.entries.values()) {
      for (const subscription of entry.subscriptions) subscription.unsubscribe();
    }
    this.entries.clear();
    this.ids.clear();
    this.listeners.clear();
    this.calls.clear();
  }

  private summaryOf(entry: Entry): ActorSummary {
    return actorSummary(entry, entry.group);
  }

  private detailOf(entry: Entry): ActorDetail {
    return actorDetail(
      this.summaryOf(entry),
      entry.ref.getSnapshot() as StepRecord['snapshot'],
      entry.lastTransitions,
    );
  }

  /** A channel's call is its Linkedid; anything else belongs to its channel's call. */
  private groupOf(entry: TrackedActor): string | null {
    if (entry.kind === 'channel') return channelCall(entry);
    if (entry.uniqueid === undefined) return null;
    return this.entries.get(`channel:${entry.uniqueid}`)?.group ?? entry.uniqueid;
  }

  /** A channel's Linkedid may change (Asterisk relinks channels): its actors move with it. */
  private regroup(entry: Entry): void {
    const group = this.groupOf(entry);
    if (group === entry.group) return;
    for (const actor of this.entries.values()) {
      if (actor.uniqueid !== entry.uniqueid) continue;
      if (actor.group !== null) this.calls.actorMoved(actor.group, actor.id);
      actor.group = group;
      if (group !== null) this.calls.actorStarted(group, actor.id);
    }
  }

  private emit(kind: RegistryChange['kind'], id: string, group: string | null): void {
    for (const listener of this.listeners) listener({ kind, id, group });
  }
}
