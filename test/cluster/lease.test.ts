import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ClusterStores, openClusterStores } from '../../src/cluster/clusterStores.js';
import { AsteriskLease, readLease } from '../../src/cluster/lease.js';
import { type NatsServer, startNatsServer } from '../support/natsServer.js';
import { describeWithNats } from './natsAvailable.js';

/**
 * The per-Asterisk lease on a real `nats-server` 2.9: a JetStream KV bucket whose max age is the
 * lease's time to live (no per-key TTL in 2.9), compare-and-set on the revision.
 */
describeWithNats('the Asterisk lease on JetStream KV', () => {
  // Long enough that a renewal every TTL / 3 keeps it on a busy machine.
  const TTL = 3_000;
  let server: NatsServer;
  let nc: NatsConnection;
  let stores: ClusterStores;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    stores = await openClusterStores(nc, {
      leaseTtlMs: TTL,
      flowMaxAgeMs: 60_000,
      eventsMaxAgeMs: 60_000,
      eventsMaxBytes: 1 << 20,
    });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('should give a lease to one node only, and refuse another bucket lifetime', async () => {
    const a = new AsteriskLease(stores.leases, 'one', 'a', TTL);
    const b = new AsteriskLease(stores.leases, 'one', 'b', TTL);
    const [gotA, gotB] = await Promise.all([a.acquire(), b.acquire()]);
    expect([gotA, gotB].filter(Boolean)).toHaveLength(1);
    const winner = gotA ? a : b;
    expect(winner.held).toBe(true);
    expect(winner.remainingMs()).toBeGreaterThan(TTL / 2);
    expect((await readLease(stores.leases, 'one'))?.node).toBe(winner.node);
    await winner.release();
    expect(await readLease(stores.leases, 'one')).toBeUndefined();
    await expect(
      openClusterStores(nc, {
        leaseTtlMs: 2 * TTL,
        flowMaxAgeMs: 60_000,
        eventsMaxAgeMs: 60_000,
        eventsMaxBytes: 1 << 20,
      }),
    ).rejects.toThrow(/same leaseTtlMs/);
  });

  it('should keep a renewed lease past its lifetime, and let an unrenewed one expire to another node', async () => {
    const a = new AsteriskLease(stores.leases, 'two', 'a', TTL);
    const b = new AsteriskLease(stores.leases, 'two', 'b', TTL);
    expect(await a.acquire()).toBe(true);
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, TTL / 3));
      expect(await a.renew()).toBe('renewed');
      expect(await b.acquire()).toBe(false);
    }
    // a stops renewing: its lease ends locally first, then on the server.
    const stoppedAt = performance.now();
    await until(() => !a.held);
    expect(performance.now() - stoppedAt).toBeLessThan(TTL);
    let takenAt = 0;
    await until(async () => {
      if (await b.acquire()) takenAt = performance.now();
      return takenAt > 0;
    });
    expect(takenAt - stoppedAt).toBeGreaterThanOrEqual(TTL * 0.5);
    // a's late renewal finds the key moved on: it is told, and does not write over b's.
    expect(await a.renew()).toBe('taken');
    expect((await readLease(stores.leases, 'two'))?.node).toBe('b');
    expect(await b.renew()).toBe('renewed');
    await b.release();
  });

  it('should say unreachable, not taken, while NATS is away, and stay valid only until its deadline', async () => {
    const lonely = await connect({ servers: server.url });
    const own = await openClusterStores(lonely, {
      leaseTtlMs: TTL,
      flowMaxAgeMs: 60_000,
      eventsMaxAgeMs: 60_000,
      eventsMaxBytes: 1 << 20,
    });
    const a = new AsteriskLease(own.leases, 'three', 'a', TTL);
    expect(await a.acquire()).toBe(true);
    await lonely.close();
    expect(await a.renew()).toBe('unreachable');
    await until(() => !a.held);
    expect(a.remainingMs()).toBe(0);
  });
});

async function until(probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  for (const start = performance.now(); !(await probe()); ) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
