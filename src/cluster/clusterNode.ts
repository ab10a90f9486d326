import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CallHandler, CallMatch, HandleOptions } from '../calls/callHandlers.js';
import { createEmitter } from '../connection/emitter.js';
import { getDefaultLogger } from '../connection/logger.js';
import { leasesToTry } from './assignment.js';
import type { AsteriskConfig, Supervision } from './asteriskSupervision.js';
import { superviseAsterisk } from './asteriskSupervision.js';
import { ClusterClient } from './ClusterClient.js';
import type {
  ClusterNode,
  ClusterNodeEvents,
  ClusterNodeOptions,
  LeaseLoss,
} from './clusterNodeTypes.js';
import { type ClusterStores, DEFAULT_STORE_LIMITS, openClusterStores } from './clusterStores.js';
import { LeaseKeeper } from './LeaseKeeper.js';
import { readLease } from './lease.js';
import { liveNodes, type NodeRecord, readClusterStatus } from './membership.js';
import { checkAsteriskId } from './subjects.js';

interface Held {
  supervision?: Supervision;
}

/**
 * Joins a cluster of runtimes sharing several Asterisks through NATS JetStream: each Asterisk is
 * supervised by exactly one node at a time, the holder of its lease; the others stand by and take
 * over when it dies (within the lease's time to live plus a poll). Call flows resume on the new node
 * from their stored snapshots; call events go out on NATS; commands come in as NATS requests.
 *
 * @example
 * const node = createClusterNode({
 *   servers: 'nats://127.0.0.1:4222',
 *   node: 'a',
 *   asterisks: [{ id: 'pbx1', url: 'ami://manager:secret@10.0.0.1:5038' }],
 * });
 * node.handle({ exten: '500', inAgi: true }, ivrMachine);
 * await node.ready();
 */
export function createClusterNode(options: ClusterNodeOptions): ClusterNode {
  const node = checkAsteriskId(options.node);
  for (const asterisk of options.asterisks) checkAsteriskId(asterisk.id);
  const ttlMs = options.leaseTtlMs ?? DEFAULT_STORE_LIMITS.leaseTtlMs;
  const renewMs = ttlMs / 3;
  const pollMs = options.pollMs ?? 250;
  const joinGraceMs = Math.min(ttlMs, 3_000);
  const logger = (options.logger ?? getDefaultLogger()).child({ node });
  const bus = createEmitter<ClusterNodeEvents>();
  const handlers: Array<readonly [CallMatch, CallHandler, HandleOptions]> = [];
  const held = new Map<string, Held>();
  const lastHolder = new Map<string, string>();
  const freeSince = new Map<string, number>();
  /** Asterisks this node failed to take over lately, and when it may try again (monotonic). */
  const notBefore = new Map<string, number>();
  const startedAt = Date.now();
  let nc: NatsConnection | undefined;
  let stores: ClusterStores | undefined;
  let client: ClusterClient | undefined;
  let connected = false;
  let closed = false;
  /** When this node's presence was first written (monotonic). */
  let joinedAt: number | undefined;
  let keeper: LeaseKeeper | undefined;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  const reportError = (error: unknown, during: string): void => {
    logger.warn({ err: error, during }, 'octostate cluster: failure');
    bus.emit('error', { error, during });
  };

  /** Stops driving an Asterisk at once: its lease ran out, was taken, or the node closes. */
  const letGo = async (asterisk: string, reason: LeaseLoss): Promise<void> => {
    const entry = held.get(asterisk);
    if (!entry) return;
    held.delete(asterisk);
    if (reason !== 'closing') void keeper?.drop(asterisk);
    logger.warn({ asterisk, reason }, 'octostate cluster: no longer supervising');
    await entry.supervision?.stop();
    bus.emit('lost', { asterisk, reason });
  };
  /** Lets go of every Asterisk whose lease ran out (every action checks it too, see fencedClient). */
  const fenceExpired = (): void => {
    for (const asterisk of [...held.keys()]) {
      if (!keeper?.held(asterisk)) void letGo(asterisk, 'expired');
    }
  };

  const takeOver = async (config: AsteriskConfig): Promise<void> => {
    const entry: Held = {};
    held.set(config.id, entry);
    try {
      const supervision = await superviseAsterisk({
        asterisk: config,
        node,
        nc: nc!,
        stores: stores!,
        mayDrive: () => keeper!.held(config.id),
        handlers,
        runtimeOptions: options.runtime ?? {},
        logger,
        isConnected: () => connected,
        onError: reportError,
        onFenced: () => {
          if (held.get(config.id) === entry) void letGo(config.id, 'expired');
        },
      });
      if (held.get(config.id) !== entry) {
        await supervision.stop();
        return;
      }
      entry.supervision = supervision;
      bus.emit('acquired', {
        asterisk: config.id,
        runtime: supervision.runtime,
        restored: supervision.restored,
      });
    } catch (error) {
      reportError(error, `taking ${config.id} over`);
      // Give others a go, and do not hammer an Asterisk that does not answer.
      notBefore.set(config.id, performance.now() + ttlMs);
      if (held.get(config.id) === entry) {
        held.delete(config.id);
        await keeper!.release(config.id);
      }
    }
  };

  /** Writes this node's presence (the leases themselves are renewed by the lease thread). */
  const announce = async (): Promise<void> => {
    const record: NodeRecord = {
      node,
      asterisks: [...held.keys()],
      channels: Object.fromEntries(
        [...held].map(([id, e]) => [id, e.supervision?.runtime.channels.all().length ?? 0]),
      ),
      flows: Object.fromEntries(
        [...held].map(([id, e]) => [id, e.supervision?.runtime.stats().flows ?? 0]),
      ),
      startedAt,
      renewedAt: Date.now(),
    };
    await stores!.nodes.put(node, JSON.stringify(record));
    joinedAt ??= performance.now();
  };

  const acquireFree = async (): Promise<void> => {
    // A node that just joined waits a while (a lease time, 3 s at most), so that the nodes started together see each
    // other before they share the Asterisks out (otherwise the first one up would take them all).
    if (joinedAt === undefined || performance.now() - joinedAt < joinGraceMs) return;
    const [leases, nodes] = await Promise.all([
      Promise.all(options.asterisks.map((a) => readLease(stores!.leases, a.id))),
      liveNodes(stores!.nodes),
    ]);
    const holders = new Map(
      leases.flatMap((lease) => (lease ? [[lease.asterisk, lease.node] as const] : [])),
    );
    const now = performance.now();
    for (const { id } of options.asterisks) {
      const holder = holders.get(id);
      if (holder !== undefined) {
        lastHolder.set(id, holder);
        freeSince.delete(id);
      } else if (!freeSince.has(id)) freeSince.set(id, now);
    }
    const preferred = new Set(
      leasesToTry({
        me: node,
        liveNodes: nodes.map((record) => record.node),
        asterisks: options.asterisks.map((a) => a.id),
        holders,
        lastHolders: lastHolder,
      }),
    );
    for (const config of options.asterisks) {
      if (closed || held.has(config.id) || holders.has(config.id)) continue;
      if ((notBefore.get(config.id) ?? 0) > now) continue;
      // Free for a whole lease time with nobody preferred taking it: anyone may.
      const stale = now - (freeSince.get(config.id) ?? now) > ttlMs;
      if (!preferred.has(config.id) && !stale) continue;
      if (await keeper!.acquire(config.id)) {
        logger.info({ asterisk: config.id }, 'octostate cluster: lease acquired');
        bus.emit('leased', { asterisk: config.id });
        void takeOver(config);
      }
    }
  };

  /**
   * Two loops: presence (every `leaseTtlMs / 3`) never waits behind a look for free leases
   * (every `pollMs`), and each step is bounded in time: a request caught by a dropped connection
   * must not hold the next one back.
   */
  const renewLoop = async (): Promise<void> => {
    if (closed) return;
    fenceExpired();
    if (connected) {
      await bounded(announce(), renewMs).catch((error: unknown) =>
        logger.debug({ err: error }, 'octostate cluster: presence not written'),
      );
    }
    if (!closed) renewTimer = setTimeout(() => void renewLoop(), renewMs);
  };
  const pollLoop = async (): Promise<void> => {
    if (closed) return;
    fenceExpired();
    if (connected) {
      await bounded(acquireFree(), Math.max(pollMs, renewMs)).catch((error: unknown) =>
        logger.debug({ err: error }, 'octostate cluster: looking for free leases failed'),
      );
    }
    if (!closed) pollTimer = setTimeout(() => void pollLoop(), pollMs);
  };

  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  /** Both connections (this thread's, the lease thread's) retry for ever and notice a loss fast. */
  const natsOptions = {
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: Math.max(500, ttlMs / 3),
    maxPingOut: 2,
    ...options.nats,
  };
  const starting = (async () => {
    nc = await connect({ servers, name: `octostate-${node}`, ...natsOptions });
    connected = true;
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') {
          connected = status.type === 'reconnect';
          logger.info({ connected }, 'octostate cluster: NATS connection');
          bus.emit('connection', { connected });
        }
      }
    })();
    stores = await openClusterStores(nc, {
      ...DEFAULT_STORE_LIMITS,
      ...options.limits,
      leaseTtlMs: ttlMs,
    });
    client = new ClusterClient(nc);
    keeper = new LeaseKeeper(
      options.asterisks.map((a) => a.id),
      {
        servers,
        nats: natsOptions,
        node,
        ttlMs,
        maxStallMs: options.maxStallMs ?? 10_000,
        onTaken: (asterisk) => void letGo(asterisk, 'taken'),
        onError: (error) => reportError(error, 'the lease thread'),
      },
    );
    if (closed) return;
    void renewLoop();
    void pollLoop();
  })();
  starting.catch((error: unknown) => reportError(error, 'joining the cluster'));

  let closing: Promise<void> | undefined;
  return {
    node,
    bus,
    get client() {
      if (!client) throw new Error('the cluster node is not ready yet');
      return client;
    },
    get nats() {
      if (!nc) throw new Error('the cluster node is not ready yet');
      return nc;
    },
    handle: (match, handler, handleOptions = {}) => {
      const registration = [match, handler, handleOptions] as const;
      handlers.push(registration);
      const removals = [...held.values()].flatMap((e) =>
        e.supervision ? [e.supervision.runtime.handle(match, handler, handleOptions)] : [],
      );
      return () => {
        handlers.splice(handlers.indexOf(registration), 1);
        for (const remove of removals) remove();
      };
    },
    runtime: (asterisk) => held.get(asterisk)?.supervision?.runtime,
    supervised: () => [...held].filter(([, e]) => e.supervision).map(([id]) => id),
    ready: () => starting,
    status: async () => {
      await starting;
      return readClusterStatus(stores!);
    },
    close: () => {
      closing ??= (async () => {
        closed = true;
        clearTimeout(renewTimer);
        clearTimeout(pollTimer);
        await starting.catch(() => {});
        for (const [asterisk, entry] of [...held]) {
          await entry.supervision?.persistence.flush(1_000);
          await letGo(asterisk, 'closing');
          await keeper?.release(asterisk);
        }
        await keeper?.close();
        await stores?.nodes.delete(node).catch(() => {});
        await nc?.close();
      })();
      return closing;
    },
  };
}

/** `promise`, or a rejection once `ms` have passed (the promise itself is left to settle). */
function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
