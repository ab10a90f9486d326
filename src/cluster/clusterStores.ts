import type { JetStreamManager } from '@nats-io/jetstream';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** Names of what a cluster keeps in JetStream. Every node of one cluster must use the same. */
export const CLUSTER_BUCKETS = {
  /** One key per Asterisk: which node supervises it (max age: the lease's time to live). */
  leases: 'octostate_leases',
  /** One key per live node: what it holds (max age: the lease's time to live). */
  nodes: 'octostate_nodes',
  /** One key per running call flow: its persisted snapshot (`<asterisk>.<uniqueid>`). */
  flows: 'octostate_flows',
} as const;

/** The stream that keeps published call events for replay. */
export const EVENTS_STREAM = 'OCTOSTATE_EVENTS';

/** How long things are kept; the defaults are what `createClusterNode` uses. */
export interface StoreLimits {
  /** A lease (and a node's presence) expires this long after its last renewal (default 3,000 ms). */
  readonly leaseTtlMs: number;
  /** A flow snapshot nobody deleted (a lost hang-up) goes after this long (default 24 h). */
  readonly flowMaxAgeMs: number;
  /** Call events are kept this long for replay (default 1 h)... */
  readonly eventsMaxAgeMs: number;
  /** ...and at most this many bytes, oldest dropped first (default 256 MiB). */
  readonly eventsMaxBytes: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  leaseTtlMs: 3_000,
  flowMaxAgeMs: 24 * 3_600_000,
  eventsMaxAgeMs: 3_600_000,
  eventsMaxBytes: 256 * 1024 * 1024,
};

/** The buckets of a cluster, opened (and created if missing) on one connection. */
export interface ClusterStores {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly leases: KV;
  readonly nodes: KV;
  readonly flows: KV;
}

/** A bucket exists with settings this node does not share (another lease time to live...). */
export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
}

/**
 * Opens the cluster's buckets and stream, creating them when missing. JetStream of NATS 2.9 has no
 * per-key time to live, so expiry comes from each bucket's max age: a key lives `leaseTtlMs` after
 * its last write, which is what makes an unrenewed lease run out.
 *
 * @throws ClusterConfigError when a bucket exists with another max age than `limits` asks for.
 */
export async function openClusterStores(
  nc: NatsConnection,
  limits: StoreLimits = DEFAULT_STORE_LIMITS,
  /** How long one bucket operation may wait for the server, in ms: a renewal must fail fast. */
  timeoutMs = Math.min(1_000, limits.leaseTtlMs / 3),
): Promise<ClusterStores> {
  const kvm = new Kvm(jetstream(nc, { timeout: timeoutMs }));
  const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
  const bucket = async (name: string, ttlMs: number): Promise<KV> => {
    const kv = await kvm.create(name, { history: 1, ttl: ttlMs });
    const status = await kv.status();
    if (status.ttl !== ttlMs) {
      throw new ClusterConfigError(
        `bucket ${name} keeps keys ${status.ttl} ms, this node expects ${ttlMs} ms: every node of a cluster needs the same leaseTtlMs`,
      );
    }
    return kv;
  };
  const [leases, nodes, flows] = await Promise.all([
    bucket(CLUSTER_BUCKETS.leases, limits.leaseTtlMs),
    bucket(CLUSTER_BUCKETS.nodes, limits.leaseTtlMs),
    bucket(CLUSTER_BUCKETS.flows, limits.flowMaxAgeMs),
  ]);
  await ensureEventsStream(jsm, limits);
  return { nc, jsm, leases, nodes, flows };
}

async function ensureEventsStream(jsm: JetStreamManager, limits: StoreLimits): Promise<void> {
  const config = {
    name: EVENTS_STREAM,
    subjects: ['octostate.*.call.>', 'octostate.*.gap'],
    max_age: limits.eventsMaxAgeMs * 1_000_000,
    max_bytes: limits.eventsMaxBytes,
  };
  try {
    await jsm.streams.add(config);
  } catch {
    // It exists with other limits (another node's, or older ones): this node's win.
    await jsm.streams.update(EVENTS_STREAM, config);
  }
}

/**
 * Opens the buckets of an existing cluster to read them (`octostate cluster status`): nothing is
 * created, no setting is checked.
 */
export async function openClusterStoresToRead(nc: NatsConnection): Promise<ClusterStores> {
  const kvm = new Kvm(jetstream(nc, { timeout: 5_000 }));
  const [leases, nodes, flows] = await Promise.all([
    kvm.open(CLUSTER_BUCKETS.leases),
    kvm.open(CLUSTER_BUCKETS.nodes),
    kvm.open(CLUSTER_BUCKETS.flows),
  ]);
  return { nc, jsm: await jetstreamManager(nc), leases, nodes, flows };
}
