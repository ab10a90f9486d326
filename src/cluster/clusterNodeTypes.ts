import type { NatsConnection, NodeConnectionOptions } from '@nats-io/transport-node';
import type { CallHandler, CallMatch, HandleOptions } from '../calls/callHandlers.js';
import type { Emitter } from '../connection/emitter.js';
import type { Logger } from '../connection/logger.js';
import type { Runtime } from '../runtime/createRuntime.js';
import type { AsteriskConfig, ClusterRuntimeOptions } from './asteriskSupervision.js';
import type { ClusterClient } from './ClusterClient.js';
import type { StoreLimits } from './clusterStores.js';
import type { ClusterStatus } from './membership.js';

/** How to join a cluster. */
export interface ClusterNodeOptions {
  /** NATS server(s): `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** This node's name, unique in the cluster (letters, digits, `-`, `_`). */
  readonly node: string;
  /** Every Asterisk of the cluster (every node lists the same ones). */
  readonly asterisks: readonly AsteriskConfig[];
  /** A lease lasts this long after its last renewal; failover takes about this long (3,000 ms). */
  readonly leaseTtlMs?: number;
  /** How often a node looks for free leases, in ms (250). Renewals go every `leaseTtlMs / 3`. */
  readonly pollMs?: number;
  /** Runtime settings for every Asterisk this node supervises (linger, channel logic, clock). */
  readonly runtime?: ClusterRuntimeOptions;
  readonly logger?: Logger;
  /**
   * More NATS connection settings (credentials, TLS...): plain data, since the lease thread opens
   * a connection of its own with them.
   */
  readonly nats?: Partial<NodeConnectionOptions>;
  /**
   * How long the main thread may be stuck (no heartbeat) before the lease thread stops renewing
   * for it, in ms (default 10,000). A busy event loop delays calls but does not lose the leases.
   */
  readonly maxStallMs?: number;
  /** Retention of flow snapshots and call events (see `StoreLimits`). */
  readonly limits?: Partial<Omit<StoreLimits, 'leaseTtlMs'>>;
}

/** Why a node stopped supervising an Asterisk. */
export type LeaseLoss = 'expired' | 'taken' | 'closing' | 'failed';

/** What a cluster node publishes on its `bus`. */
export type ClusterNodeEvents = {
  /** This node won an Asterisk's lease; it takes the Asterisk over next (see `acquired`). */
  leased: { asterisk: string };
  /** This node took an Asterisk over (its runtime is resynchronised, stored flows resumed). */
  acquired: { asterisk: string; runtime: Runtime; restored: { found: number; dropped: number } };
  /** This node stopped driving an Asterisk's calls (fenced when `expired` or `taken`). */
  lost: { asterisk: string; reason: LeaseLoss };
  /** The NATS connection went down or came back. */
  connection: { connected: boolean };
  error: { error: unknown; during: string };
};

/** One runtime process of a cluster (see `createClusterNode`). */
export interface ClusterNode {
  readonly node: string;
  readonly bus: Emitter<ClusterNodeEvents>;
  /** Commands to any Asterisk of the cluster, answered by its owner (after `ready()`). */
  readonly client: ClusterClient;
  /** The NATS connection (after `ready()`). */
  readonly nats: NatsConnection;
  /**
   * Like `runtime.handle`, for every Asterisk this node supervises, now or later. A flow resumed
   * from a stored snapshot keeps its stored context: `input` counts only for fresh starts.
   */
  handle(match: CallMatch, handler: CallHandler, options?: HandleOptions): () => void;
  /** The runtime of an Asterisk this node supervises now. */
  runtime(asterisk: string): Runtime | undefined;
  /** The Asterisks this node supervises now. */
  supervised(): string[];
  /** Resolves once connected to NATS with the buckets open. */
  ready(): Promise<void>;
  /** Nodes, leases and stored flows, as the buckets say. */
  status(): Promise<ClusterStatus>;
  /** Hands its Asterisks over (flows written, leases released) and leaves the cluster. */
  close(): Promise<void>;
}
