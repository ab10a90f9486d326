import type { NodeConnectionOptions } from '@nats-io/transport-node';

/**
 * Milliseconds on the system's monotonic clock (`process.hrtime`): the same clock in every thread
 * of a process (and every process of a machine), unlike `performance.now()`, whose origin is the
 * thread's start.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

/** What the lease thread starts with. */
export interface LeaseWorkerData {
  readonly servers: string[];
  /** Plain-data NATS settings (credentials as strings; no functions cross threads). */
  readonly nats: Partial<NodeConnectionOptions>;
  readonly node: string;
  readonly ttlMs: number;
  /** The main thread's heartbeat may be this old before the leases are let go, in ms. */
  readonly maxStallMs: number;
  /** Float64 slots: [0] the main thread's heartbeat, [1 + i] the deadline of Asterisk i's lease. */
  readonly shared: SharedArrayBuffer;
}

export type LeaseWorkerRequest =
  | {
      readonly type: 'acquire';
      readonly id: number;
      readonly slot: number;
      readonly asterisk: string;
    }
  | { readonly type: 'release'; readonly id: number; readonly slot: number }
  | { readonly type: 'drop'; readonly id: number; readonly slot: number }
  | { readonly type: 'close'; readonly id: number };

export type LeaseWorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly ok: boolean; readonly error?: string }
  | { readonly type: 'taken'; readonly slot: number };
