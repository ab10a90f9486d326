/**
 * The thread that keeps a node's leases (see `LeaseKeeper`): its own NATS connection, its own event
 * loop, so that a burst of calls on the node's main thread does not delay a renewal. It renews every
 * `ttlMs / 3` while the main thread's heartbeat is fresh (a main thread stuck longer than
 * `maxStallMs` lets its leases go), and writes each lease's deadline where the main thread reads
 * it before every AMI action.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { CLUSTER_BUCKETS } from './clusterStores.js';
import { AsteriskLease } from './lease.js';
import {
  type LeaseWorkerData,
  type LeaseWorkerReply,
  type LeaseWorkerRequest,
  monotonicMs,
} from './leaseProtocol.js';

const data = workerData as LeaseWorkerData;
const port = parentPort!;
const slots = new Float64Array(data.shared);
const nc = await connect({
  ...data.nats,
  servers: data.servers,
  name: `octostate-${data.node}-leases`,
});
const timeoutMs = Math.min(1_000, data.ttlMs / 3);
const bucket = await new Kvm(jetstream(nc, { timeout: timeoutMs })).open(CLUSTER_BUCKETS.leases);
const leases = new Map<number, AsteriskLease>();
const reply = (message: LeaseWorkerReply): void => port.postMessage(message);

/** Publishes a lease's deadline (0: not held) for the main thread. */
const publish = (slot: number, lease: AsteriskLease | undefined): void => {
  slots[slot] = lease?.held ? lease.validUntil : 0;
};

const mainIsAlive = (): boolean => monotonicMs() - (slots[0] ?? 0) < data.maxStallMs;

const renewAll = async (): Promise<void> => {
  if (!mainIsAlive()) return;
  await Promise.all(
    [...leases].map(async ([slot, lease]) => {
      const outcome = await lease.renew();
      if (leases.get(slot) !== lease) return;
      publish(slot, lease);
      if (outcome === 'taken') {
        leases.delete(slot);
        reply({ type: 'taken', slot });
      }
    }),
  );
};
const renewTimer = setInterval(() => void renewAll(), data.ttlMs / 3);

port.on('message', (request: LeaseWorkerRequest) => {
  void (async () => {
    if (request.type === 'acquire') {
      const lease = new AsteriskLease(
        bucket,
        request.asterisk,
        data.node,
        data.ttlMs,
        undefined,
        monotonicMs,
      );
      try {
        const ok = await lease.acquire();
        if (ok) {
          leases.set(request.slot, lease);
          publish(request.slot, lease);
        }
        reply({ type: 'done', id: request.id, ok });
      } catch (error) {
        reply({ type: 'done', id: request.id, ok: false, error: String(error) });
      }
    } else if (request.type === 'release') {
      const lease = leases.get(request.slot);
      leases.delete(request.slot);
      publish(request.slot, undefined);
      await lease?.release();
      reply({ type: 'done', id: request.id, ok: true });
    } else if (request.type === 'drop') {
      leases.get(request.slot)?.drop();
      leases.delete(request.slot);
      publish(request.slot, undefined);
      reply({ type: 'done', id: request.id, ok: true });
    } else if (request.type === 'close') {
      clearInterval(renewTimer);
      await nc.close();
      reply({ type: 'done', id: request.id, ok: true });
      port.close();
    }
  })();
});
reply({ type: 'ready' });
