import type { KV } from '@nats-io/kv';
import type { LeaseRecord } from './lease.js';

/** A node's presence key: what it holds, refreshed with its leases (same max age). */
export interface NodeRecord {
  readonly node: string;
  /** Asterisks it supervises. */
  readonly asterisks: readonly string[];
  /** Live channels per Asterisk it supervises. */
  readonly channels: Readonly<Record<string, number>>;
  /** Call flows running per Asterisk it supervises. */
  readonly flows: Readonly<Record<string, number>>;
  readonly startedAt: number;
  readonly renewedAt: number;
}

/** Everything a cluster's buckets say about it right now. */
export interface ClusterStatus {
  readonly nodes: NodeRecord[];
  readonly leases: LeaseRecord[];
  /** Flow snapshots stored, per Asterisk. */
  readonly storedFlows: Readonly<Record<string, number>>;
}

/** Every live entry of a bucket, parsed. */
async function entries<T>(bucket: Pick<KV, 'keys' | 'get'>): Promise<T[]> {
  const keys: string[] = [];
  for await (const key of await bucket.keys()) keys.push(key);
  const values = await Promise.all(keys.map((key) => bucket.get(key)));
  return values.flatMap((entry) => (entry?.operation === 'PUT' ? [entry.json<T>()] : []));
}

/** The nodes whose presence key is live. */
export function liveNodes(nodes: Pick<KV, 'keys' | 'get'>): Promise<NodeRecord[]> {
  return entries<NodeRecord>(nodes);
}

/** Who holds which lease. */
export function currentLeases(leases: Pick<KV, 'keys' | 'get'>): Promise<LeaseRecord[]> {
  return entries<LeaseRecord>(leases);
}

/** Reads the cluster's state from its buckets (any process connected to NATS can). */
export async function readClusterStatus(stores: {
  nodes: Pick<KV, 'keys' | 'get'>;
  leases: Pick<KV, 'keys' | 'get'>;
  flows: Pick<KV, 'keys'>;
}): Promise<ClusterStatus> {
  const [nodes, leases] = await Promise.all([
    liveNodes(stores.nodes),
    currentLeases(stores.leases),
  ]);
  const storedFlows: Record<string, number> = {};
  for await (const key of await stores.flows.keys()) {
    const asterisk = key.slice(0, key.indexOf('.'));
    storedFlows[asterisk] = (storedFlows[asterisk] ?? 0) + 1;
  }
  nodes.sort((a, b) => a.node.localeCompare(b.node));
  leases.sort((a, b) => a.asterisk.localeCompare(b.asterisk));
  return { nodes, leases, storedFlows };
}
