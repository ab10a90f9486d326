import type { AnyStateMachine } from 'xstate';

/**
 * One step of one actor: the event it received and its snapshot after it, as XState's inspection
 * reported them. Kept as references (XState snapshots are immutable), summarised only when
 * someone looks, so recording costs a push.
 */
export interface StepRecord {
  /** Increasing over the inspector's life: which steps a client has already seen. */
  readonly seq: number;
  /** `Date.now()` when it happened. */
  readonly at: number;
  /** The inspector's id of the actor (`channel:<Uniqueid>`, `flow:<Uniqueid>/menu`...). */
  readonly actor: string;
  readonly event: { readonly type: string };
  readonly snapshot: {
    readonly value?: unknown;
    readonly context?: unknown;
    readonly status?: string;
  };
  /** The transitions taken (XState transition definitions), empty when none was. */
  readonly transitions: readonly unknown[];
  /** The actor's machine, to name the event as its diagram does. */
  readonly machine?: AnyStateMachine | undefined;
}

/** A call as the inspector keeps it: its actors' steps, live or ended. */
export interface CallSummary {
  /** The call's Linkedid. */
  readonly id: string;
  readonly startedAt: number;
  /** When its last actor went away, `null` while it has live actors. */
  readonly endedAt: number | null;
  /** Steps kept, and steps dropped because the call had more than the limit. */
  readonly steps: number;
  readonly droppedSteps: number;
}

/** How long a {@link CallLog} keeps what. */
export interface CallLogOptions {
  /** Steps kept per call, the oldest dropped first (default 1,000). */
  readonly maxStepsPerCall?: number;
  /** Ended calls kept (default 200), the oldest forgotten first... */
  readonly maxEndedCalls?: number;
  /** ...and for how long after they ended, in ms (default 10 minutes). */
  readonly endedRetentionMs?: number;
}

interface CallEntry<Last> {
  readonly id: string;
  readonly startedAt: number;
  endedAt: number | null;
  readonly steps: StepRecord[];
  droppedSteps: number;
  /** Its actors still running. */
  readonly live: Set<string>;
  /** Its actors that went away, as they were last. */
  readonly ended: Map<string, Last>;
}

/**
 * The calls the inspector has seen, by Linkedid: every step of every actor of each call (channel
 * actors, call logic, the machines it invokes), and the last look (`Last`) of actors gone. A call ends when
 * its last actor goes; ended calls stay browsable within the limits (200 calls, 10 minutes by
 * default), then are forgotten and `onForget` is told which actors went with them.
 *
 * @example
 * const log = new CallLog<ActorDetail>({ maxEndedCalls: 50 });
 * log.actorStarted('1795808408.3', 'channel:1795808408.3');
 * log.record('1795808408.3', step);
 * log.steps('1795808408.3'); // [step]
 */
export class CallLog<Last> {
  private readonly calls = new Map<string, CallEntry<Last>>();
  /** The call of each actor gone while its call is kept. */
  private readonly endedIn = new Map<string, string>();
  /** Ended calls, oldest ending first. */
  private readonly endedOrder = new Set<string>();
  private readonly maxSteps: number;
  private readonly maxEnded: number;
  private readonly retentionMs: number;
  private expiry: ReturnType<typeof setTimeout> | undefined;
  private readonly forgetListeners = new Set<(call: string, actors: string[]) => void>();

  constructor(options: CallLogOptions = {}) {
    this.maxSteps = Math.max(1, options.maxStepsPerCall ?? 1000);
    this.maxEnded = Math.max(0, options.maxEndedCalls ?? 200);
    this.retentionMs = Math.max(0, options.endedRetentionMs ?? 600_000);
  }

  /** Calls `listener` with the ids of the ended actors of each call forgotten. */
  onForget(listener: (call: string, actors: string[]) => void): () => void {
    this.forgetListeners.add(listener);
    return () => this.forgetListeners.delete(listener);
  }

  /** An actor of `call` started (or was found running): the call is live. */
  actorStarted(call: string, actor: string): void {
    const entry = this.entry(call);
    entry.live.add(actor);
    if (entry.ended.delete(actor)) this.endedIn.delete(actor);
    if (entry.endedAt !== null) {
      entry.endedAt = null;
      this.endedOrder.delete(call);
    }
  }

  /** An actor of `call` went away, looking like `last`; the call ends with its last actor. */
  actorEnded(call: string, actor: string, last: Last): void {
    const entry = this.calls.get(call);
    if (!entry?.live.delete(actor)) return;
    entry.ended.set(actor, last);
    this.endedIn.set(actor, call);
    if (entry.live.size > 0) return;
    entry.endedAt = Date.now();
    this.endedOrder.add(call);
    this.forgetOld();
  }

  /** An actor of `call` moved to another call (its channel was relinked). */
  actorMoved(call: string, actor: string): void {
    const entry = this.calls.get(call);
    if (!entry?.live.delete(actor) || entry.live.size > 0) return;
    entry.endedAt = Date.now();
    this.endedOrder.add(call);
    this.forgetOld();
  }

  /** Keeps one step of an actor of `call` (the oldest dropped past the limit). */
  record(call: string, step: StepRecord): void {
    const entry = this.entry(call);
    entry.steps.push(step);
    // Dropping in batches keeps a long call from paying an array shift per step.
    if (entry.steps.length >= this.maxSteps + Math.ceil(this.maxSteps / 4)) {
      const extra = entry.steps.length - this.maxSteps;
      entry.steps.splice(0, extra);
      entry.droppedSteps += extra;
    }
  }

  /** The calls kept, in the order they started. */
  list(): CallSummary[] {
    return [...this.calls.values()].map((entry) => this.summary(entry));
  }

  /** One call, or `undefined` when it is not (or no longer) kept. */
  get(call: string): CallSummary | undefined {
    const entry = this.calls.get(call);
    return entry ? this.summary(entry) : undefined;
  }

  /** A call's steps after `afterSeq`, oldest first (at most the limit). */
  steps(call: string, afterSeq = 0): StepRecord[] {
    const steps = this.calls.get(call)?.steps;
    if (!steps) return [];
    let start = steps.length;
    while (start > 0 && (steps[start - 1]?.seq ?? 0) > afterSeq) start -= 1;
    return steps.slice(Math.max(start, steps.length - this.maxSteps));
  }

  /** One step of a call by its sequence number. */
  step(call: string, seq: number): StepRecord | undefined {
    return this.calls.get(call)?.steps.find((step) => step.seq === seq);
  }

  /** The actors of a call that went away, as they were last. */
  endedActors(call: string): Last[] {
    return [...(this.calls.get(call)?.ended.values() ?? [])];
  }

  /** An actor gone while its call is kept, as it was last. */
  endedActor(actor: string): Last | undefined {
    const call = this.endedIn.get(actor);
    return call === undefined ? undefined : this.calls.get(call)?.ended.get(actor);
  }

  /** How many calls are kept, and how many of them ended. */
  get sizes(): { calls: number; ended: number } {
    return { calls: this.calls.size, ended: this.endedOrder.size };
  }

  /** Forgets everything and stops its timer. */
  clear(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = undefined;
    this.calls.clear();
    this.endedOrder.clear();
    this.endedIn.clear();
  }

  private entry(call: string): CallEntry<Last> {
    let entry = this.calls.get(call);
    if (!entry) {
      entry = {
        id: call,
        startedAt: Date.now(),
        endedAt: null,
        steps: [],
        droppedSteps: 0,
        live: new Set(),
        ended: new Map(),
      };
      this.calls.set(call, entry);
    }
    return entry;
  }

  private summary(entry: CallEntry<Last>): CallSummary {
    return {
      id: entry.id,
      startedAt: entry.startedAt,
      endedAt: entry.endedAt,
      steps: entry.steps.length,
      droppedSteps: entry.droppedSteps,
    };
  }

  /** Forgets ended calls past the count or the age limit; wakes up when the next one expires. */
  private forgetOld(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = undefined;
    const now = Date.now();
    for (const call of this.endedOrder) {
      const endedAt = this.calls.get(call)?.endedAt ?? now;
      if (this.endedOrder.size <= this.maxEnded && now - endedAt < this.retentionMs) {
        this.expiry = setTimeout(() => this.forgetOld(), endedAt + this.retentionMs - now + 1);
        this.expiry.unref();
        return;
      }
      this.forget(call);
    }
  }

  private forget(call: string): void {
    const entry = this.calls.get(call);
    this.endedOrder.delete(call);
    this.calls.delete(call);
    if (!entry) return;
    const actors = [...entry.ended.keys()];
    for (const actor of actors) this.endedIn.delete(actor);
    for (const listener of this.forgetListeners) listener(call, actors);
  }
}
