import { JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';

/** What a lease key holds: who supervises the Asterisk, since when (wall clock, for people). */
export interface LeaseRecord {
  readonly node: string;
  readonly asterisk: string;
  readonly acquiredAt: number;
  readonly renewedAt: number;
}

/** The part of a KV bucket a lease uses (a fake in unit tests, JetStream in the cluster). */
export type LeaseBucket = Pick<KV, 'create' | 'update' | 'delete' | 'get'>;

/** What a renewal found. */
export type RenewOutcome = 'renewed' | 'taken' | 'unreachable';

/** JetStream's answer to a compare-and-set on a revision that moved on. */
const WRONG_LAST_SEQUENCE = 10071;

/** Whether `error` is a lost compare-and-set (someone else wrote the key first). */
export function isRevisionConflict(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE;
}

/**
 * One node's lease on one Asterisk: a key in a bucket whose max age is the lease's time to live
 * (NATS 2.9 has no per-key TTL). Acquiring creates the key (fails if it exists); renewing writes it
 * again with compare-and-set on the revision this node last wrote, so a node whose key expired and
 * was taken by another cannot write over the new owner's.
 *
 * Fencing: the lease is `held` only until `validUntil`, measured on this process's monotonic clock
 * from the moment the last successful write was *sent*. The server stamps that write no earlier,
 * and keeps the key `ttlMs` after its stamp, so nobody else can create the key before `validUntil`
 * has passed here: a node that stops driving calls at `validUntil` never overlaps the next owner,
 * whether or not it can reach NATS. `marginMs` is taken off for the time stopping takes.
 */
export class AsteriskLease {
  private revision: number | undefined;
  private renewing: Promise<RenewOutcome> | undefined;
  private acquiredAt = 0;
  /** Monotonic time (`now()`) until which the lease is ours; 0 when not held. */
  validUntil = 0;

  constructor(
    private readonly bucket: LeaseBucket,
    readonly asterisk: string,
    readonly node: string,
    readonly ttlMs: number,
    readonly marginMs = Math.max(100, ttlMs / 10),
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether this node may drive the Asterisk's calls now. */
  get held(): boolean {
    return this.revision !== undefined && this.now() < this.validUntil;
  }

  /** How long the lease stays valid without another renewal, in ms (0 when not held). */
  remainingMs(): number {
    return this.held ? this.validUntil - this.now() : 0;
  }

  /**
   * Takes the lease if nobody holds it (the key is absent or deleted). Resolves true when taken,
   * false when another node holds it; rejects when NATS cannot be reached.
   */
  async acquire(): Promise<boolean> {
    const sentAt = this.now();
    const wallNow = Date.now();
    try {
      this.revision = await this.bucket.create(this.asterisk, this.record(wallNow, wallNow));
    } catch (error) {
      if (isRevisionConflict(error)) return false;
      throw error;
    }
    this.acquiredAt = wallNow;
    this.validUntil = sentAt + this.ttlMs - this.marginMs;
    return true;
  }

  /**
   * Writes the lease again, if it is still ours: `renewed`; `taken` when the key moved on (it
   * expired and another node took it: the lease is dropped); `unreachable` when NATS did not
   * answer (the lease stays valid until `validUntil`, no longer).
   */
  renew(): Promise<RenewOutcome> {
    // One renewal at a time: two on the same revision would make the second look taken.
    this.renewing ??= this.write().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async write(): Promise<RenewOutcome> {
    const revision = this.revision;
    if (revision === undefined) return 'taken';
    const sentAt = this.now();
    try {
      const next = await this.bucket.update(
        this.asterisk,
        this.record(this.acquiredAt, Date.now()),
        revision,
      );
      if (this.revision !== revision) return 'taken';
      this.revision = next;
      this.validUntil = sentAt + this.ttlMs - this.marginMs;
      return 'renewed';
    } catch (error) {
      if (!isRevisionConflict(error)) return 'unreachable';
      // A renewal whose answer was lost may have moved the revision on: still ours, then.
      const entry = await this.bucket.get(this.asterisk).catch(() => null);
      const record = entry?.operation === 'PUT' ? entry.json<LeaseRecord>() : undefined;
      if (record?.node === this.node && record.acquiredAt === this.acquiredAt && entry) {
        if (this.revision === revision) this.revision = entry.revision;
        return 'unreachable';
      }
      this.drop();
      return 'taken';
    }
  }

  /** Gives the lease up (deletes the key if it is still ours), so a standby takes it at once. */
  async release(): Promise<void> {
    const revision = this.revision;
    this.drop();
    if (revision === undefined) return;
    try {
      await this.bucket.delete(this.asterisk, { previousSeq: revision });
    } catch (error) {
      // Already taken by someone else, or NATS is gone (then the key expires by itself).
      if (!isRevisionConflict(error)) return;
    }
  }

  /** Forgets the lease locally (it expired, or was taken). */
  drop(): void {
    this.revision = undefined;
    this.validUntil = 0;
  }

  private record(acquiredAt: number, renewedAt: number): string {
    return JSON.stringify({
      node: this.node,
      asterisk: this.asterisk,
      acquiredAt,
      renewedAt,
    } satisfies LeaseRecord);
  }
}

/** Reads who holds an Asterisk's lease, or undefined when nobody does. */
export async function readLease(
  bucket: LeaseBucket,
  asterisk: string,
): Promise<LeaseRecord | undefined> {
  const entry = await bucket.get(asterisk);
  if (entry?.operation !== 'PUT') return undefined;
  return entry.json<LeaseRecord>();
}
