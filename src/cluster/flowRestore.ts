import type { KV } from '@nats-io/kv';
import type { Snapshot } from 'xstate';
import type { Call } from '../calls/Call.js';
import { flowKey } from './flowPersistence.js';
import { decodeFlowSnapshot } from './flowSnapshot.js';

/** The part of the flows bucket a takeover reads. */
export type FlowReader = Pick<KV, 'keys' | 'get' | 'delete'>;

/**
 * The flow snapshots a node finds when it takes an Asterisk over, by Uniqueid. The runtime asks
 * {@link StoredFlows.restore} for each call its handlers claim (through `restoreFlow`): a call with a
 * snapshot resumes from it with its new `Call`; the others start afresh. Once the runtime has
 * rebuilt the channels that are up, {@link StoredFlows.dropUnclaimed} deletes the snapshots of
 * calls that ended while nobody supervised the Asterisk.
 */
export class StoredFlows {
  /** The calls whose logic was handed a snapshot. */
  private readonly resumed = new Set<string>();

  private constructor(
    private readonly bucket: FlowReader,
    private readonly asterisk: string,
    private readonly texts: Map<string, string>,
  ) {}

  /** Reads every snapshot stored for `asterisk`. */
  static async load(bucket: FlowReader, asterisk: string): Promise<StoredFlows> {
    const texts = new Map<string, string>();
    const prefix = `${asterisk}.`;
    const keys: string[] = [];
    for await (const key of await bucket.keys(`${prefix}>`)) keys.push(key);
    await Promise.all(
      keys.map(async (key) => {
        const entry = await bucket.get(key);
        if (entry?.operation === 'PUT') texts.set(key.slice(prefix.length), entry.string());
      }),
    );
    return new StoredFlows(bucket, asterisk, texts);
  }

  /** How many snapshots are waiting for their call. */
  get size(): number {
    return this.texts.size;
  }

  /**
   * The snapshot to resume `call`'s logic from (each is handed out once), its calls revived; `onError`
   * hears of one that cannot be read, and the flow starts afresh.
   */
  restore(call: Call, onError: (error: unknown) => void): Snapshot<unknown> | undefined {
    const text = this.texts.get(call.uniqueid);
    if (text === undefined) return undefined;
    this.texts.delete(call.uniqueid);
    try {
      const snapshot = decodeFlowSnapshot(text, (uniqueid) =>
        uniqueid === call.uniqueid ? call : undefined,
      );
      this.resumed.add(call.uniqueid);
      return snapshot;
    } catch (error) {
      onError(error);
      return undefined;
    }
  }

  /** Whether the call's logic resumed from its snapshot (kept for the takeover's calls only). */
  wasResumed(uniqueid: string): boolean {
    return this.resumed.has(uniqueid);
  }

  /** Deletes the snapshots no live channel claimed (`isLive` says which Uniqueids are up). */
  async dropUnclaimed(isLive: (uniqueid: string) => boolean): Promise<number> {
    const gone = [...this.texts.keys()].filter((uniqueid) => !isLive(uniqueid));
    for (const uniqueid of gone) this.texts.delete(uniqueid);
    await Promise.all(gone.map((uniqueid) => this.bucket.delete(flowKey(this.asterisk, uniqueid))));
    return gone.length;
  }
}
