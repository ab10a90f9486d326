import type { KV } from '@nats-io/kv';
import type { AnyActorRef, Subscription } from 'xstate';
import type { Runtime } from '../runtime/createRuntime.js';
import { encodeFlowSnapshot } from './flowSnapshot.js';

/** The part of the flows bucket persistence uses. */
export type FlowBucket = Pick<KV, 'put' | 'delete'>;

/** The key of a flow's snapshot: `<asterisk>.<uniqueid>` (both are valid KV key characters). */
export function flowKey(asterisk: string, uniqueid: string): string {
  return `${asterisk}.${uniqueid}`;
}

/** How often a snapshot that could not be written is tried again while NATS is away, in ms. */
const RETRY_MS = 250;

/** What {@link persistFlows} returns. */
export interface FlowPersistence {
  /** Flows followed now. */
  size(): number;
  /** Flows whose latest snapshot is not written yet (NATS away, or a write on its way). */
  pending(): number;
  /** Resolves once every followed flow's latest snapshot is written (or `timeoutMs` passed). */
  flush(timeoutMs?: number): Promise<void>;
  /** Stops following, without deleting anything: what a fenced node does before it lets go. */
  detach(): void;
}

/**
 * Writes each call-logic actor's persisted snapshot to the flows bucket at each state change of the
 * actor or of any actor under it (the IVR's `passcode`, its `getData`...), seen through XState's
 * inspection API on the runtime's actor system (one observer for every flow: a snapshot event is
 * matched to its flow by walking up its actor's parents, two steps for a channel actor's), and
 * deletes it when the flow ends or its channel is removed.
 *
 * Writes are coalesced per flow: one write in flight, then the latest snapshot (a burst of changes
 * costs at most two writes). While NATS is unreachable the latest snapshot of each flow waits (one
 * per flow: the bound) and is written when it is back. Writes happen only while `mayWrite()` holds
 * (this node's lease): a fenced node never writes over the next owner's snapshots.
 */
export function persistFlows(
  runtime: Pick<Runtime, 'bus' | 'supervisor'>,
  bucket: FlowBucket,
  asterisk: string,
  options: { mayWrite: () => boolean; onError: (error: unknown, during: string) => void },
): FlowPersistence {
  const followed = new Map<string, FlowWriter>();
  /** The same writers by their flow actor, for the inspection observer. */
  const byActor = new Map<AnyActorRef, FlowWriter>();
  let detached = false;

  const onFlow = ({ uniqueid, ref }: { uniqueid: string; ref: AnyActorRef }): void => {
    followed.get(uniqueid)?.stop();
    const writer = new FlowWriter(bucket, flowKey(asterisk, uniqueid), ref, options, () => {
      if (followed.get(uniqueid) === writer) followed.delete(uniqueid);
      if (byActor.get(ref) === writer) byActor.delete(ref);
    });
    followed.set(uniqueid, writer);
    byActor.set(ref, writer);
  };
  const inspection = runtime.supervisor.system.inspect((event) => {
    if (event.type !== '@xstate.snapshot' || byActor.size === 0) return;
    for (let at = event.actorRef as AnyActorRef | undefined; at; at = at._parent) {
      const writer = byActor.get(at);
      if (writer) return writer.changed();
    }
  });
  const onRemoved = ({ uniqueid }: { uniqueid: string }): void => {
    const writer = followed.get(uniqueid);
    if (writer) writer.end();
    else void forget(bucket, flowKey(asterisk, uniqueid), options);
  };
  runtime.bus.on('flow', onFlow);
  runtime.bus.on('removed', onRemoved);
  return {
    size: () => followed.size,
    pending: () => [...followed.values()].filter((writer) => writer.dirty).length,
    flush: async (timeoutMs = 5_000) => {
      const deadline = performance.now() + timeoutMs;
      while ([...followed.values()].some((w) => w.dirty) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    detach: () => {
      if (detached) return;
      detached = true;
      runtime.bus.off('flow', onFlow);
      runtime.bus.off('removed', onRemoved);
      inspection.unsubscribe();
      for (const writer of followed.values()) writer.stop();
      followed.clear();
      byActor.clear();
    },
  };
}

/**
 * Deletes a flow's key, trying again every {@link RETRY_MS} while NATS is away, for as long as this
 * node may write (once it may not, the next owner deletes it: a snapshot without a live call is
 * dropped at takeover).
 */
async function forget(
  bucket: FlowBucket,
  key: string,
  options: { mayWrite: () => boolean; onError: (error: unknown, during: string) => void },
): Promise<void> {
  for (let attempt = 0; options.mayWrite(); attempt++) {
    try {
      await bucket.delete(key);
      return;
    } catch (error) {
      // Once per outage, not at every retry.
      if (attempt === 0) options.onError(error, `deleting flow snapshot ${key}`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

/** Follows one flow actor and keeps its stored snapshot up to date. */
class FlowWriter {
  dirty = true;
  private writing = false;
  /** The last write failed (NATS away): retries are not reported again. */
  private failing = false;
  private stopped = false;
  private ended = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly completion: Subscription;

  constructor(
    private readonly bucket: FlowBucket,
    private readonly key: string,
    private readonly actor: AnyActorRef,
    private readonly options: {
      mayWrite: () => boolean;
      onError: (error: unknown, during: string) => void;
    },
    private readonly onGone: () => void,
  ) {
    this.completion = actor.subscribe({
      complete: () => this.end(),
      error: () => this.end(),
    });
    this.changed();
  }

  /** The flow moved: write its snapshot now, or after the write in flight. */
  changed(): void {
    if (this.stopped || this.ended) return;
    this.dirty = true;
    void this.write();
  }

  /** The flow finished or its call is gone: its snapshot goes. */
  end(): void {
    if (this.stopped || this.ended) return;
    this.ended = true;
    this.dirty = false;
    this.unsubscribe();
    this.onGone();
    void forget(this.bucket, this.key, this.options);
  }

  /** Stops following, keeping the stored snapshot. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  private unsubscribe(): void {
    clearTimeout(this.retry);
    this.completion.unsubscribe();
  }

  private async write(): Promise<void> {
    if (this.writing || !this.dirty || this.stopped || this.ended) return;
    if (!this.options.mayWrite()) return;
    if (this.actor.getSnapshot().status !== 'active') return;
    let text: string;
    try {
      text = encodeFlowSnapshot(this.actor);
    } catch (error) {
      // Not persistable (too large): this flow will not survive its node; the others still do.
      this.options.onError(error, `encoding flow snapshot ${this.key}`);
      this.stop();
      this.onGone();
      return;
    }
    this.writing = true;
    this.dirty = false;
    try {
      await this.bucket.put(this.key, text);
    } catch (error) {
      this.dirty = true;
      this.writing = false;
      // Once per outage, not at every retry.
      if (!this.failing) this.options.onError(error, `writing flow snapshot ${this.key}`);
      this.failing = true;
      clearTimeout(this.retry);
      this.retry = setTimeout(() => void this.write(), RETRY_MS);
      return;
    }
    this.writing = false;
    this.failing = false;
    // Ended while the write was on its way: make sure the delete comes after it.
    if (this.ended) void forget(this.bucket, this.key, this.options);
    else if (this.dirty) void this.write();
  }
}
