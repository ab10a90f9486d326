import { Worker } from 'node:worker_threads';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import {
  type LeaseWorkerData,
  type LeaseWorkerReply,
  type LeaseWorkerRequest,
  monotonicMs,
} from './leaseProtocol.js';

type Request = LeaseWorkerRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

/**
 * A node's leases, kept by a thread of their own (`leaseWorker.ts`): acquiring, renewing and
 * releasing happen there, on its own NATS connection, so a busy main thread does not lose its
 * leases. The main thread only reads each lease's deadline from shared memory (`held`: no message,
 * no wait) and sends a heartbeat; a main thread stuck for `maxStallMs` stops being renewed for.
 */
export class LeaseKeeper {
  private readonly worker: Worker;
  private readonly slots: Float64Array;
  private readonly pending = new Map<number, (reply: { ok: boolean; error?: string }) => void>();
  private readonly ready: Promise<void>;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly asterisks: readonly string[],
    options: {
      servers: string[];
      nats: Partial<NodeConnectionOptions>;
      node: string;
      ttlMs: number;
      maxStallMs: number;
      /** A lease was found taken by another node at a renewal. */
      onTaken: (asterisk: string) => void;
      onError: (error: unknown) => void;
    },
  ) {
    const shared = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * (asterisks.length + 1));
    this.slots = new Float64Array(shared);
    this.slots[0] = monotonicMs();
    this.heartbeat = setInterval(() => {
      this.slots[0] = monotonicMs();
    }, 100);
    this.heartbeat.unref();
    const data: LeaseWorkerData = {
      servers: options.servers,
      nats: options.nats,
      node: options.node,
      ttlMs: options.ttlMs,
      maxStallMs: options.maxStallMs,
      shared,
    };
    this.worker = startWorker(data);
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.on('message', (reply: LeaseWorkerReply) => {
        if (reply.type === 'ready') resolve();
        else if (reply.type === 'taken') options.onTaken(this.asterisks[reply.slot - 1]!);
        else {
          this.pending.get(reply.id)?.(reply);
          this.pending.delete(reply.id);
        }
      });
    });
    this.ready.catch(() => {});
    this.worker.on('error', (error) => {
      options.onError(error);
      for (const settle of this.pending.values()) settle({ ok: false, error: String(error) });
      this.pending.clear();
    });
  }

  /** Whether this node holds `asterisk`'s lease now (a read of shared memory, on the monotonic clock). */
  held(asterisk: string): boolean {
    return this.remainingMs(asterisk) > 0;
  }

  /** How long the lease stays valid without another renewal, in ms. */
  remainingMs(asterisk: string): number {
    const deadline = this.slots[this.slot(asterisk)] ?? 0;
    return Math.max(0, deadline - monotonicMs());
  }

  /** Takes the lease if it is free: true when taken. Rejects when NATS cannot be reached. */
  async acquire(asterisk: string): Promise<boolean> {
    const reply = await this.ask({ type: 'acquire', slot: this.slot(asterisk), asterisk });
    if (reply.error) throw new Error(reply.error);
    return reply.ok;
  }

  /** Gives the lease up so that another node can take it at once. */
  async release(asterisk: string): Promise<void> {
    await this.ask({ type: 'release', slot: this.slot(asterisk) });
  }

  /** Forgets a lease without touching the bucket (it ran out, or was taken). */
  async drop(asterisk: string): Promise<void> {
    this.slots[this.slot(asterisk)] = 0;
    await this.ask({ type: 'drop', slot: this.slot(asterisk) });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    await this.ask({ type: 'close' }).catch(() => {});
    await this.worker.terminate();
  }

  private slot(asterisk: string): number {
    const index = this.asterisks.indexOf(asterisk);
    if (index < 0) throw new TypeError(`unknown Asterisk ${asterisk}`);
    return index + 1;
  }

  private async ask(request: Request): Promise<{ ok: boolean; error?: string }> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...request, id } as LeaseWorkerRequest);
    });
  }
}

/**
 * Starts `leaseWorker`: from the build, its `.js` sibling; from sources run with tsx (tests,
 * `npm start`), its `.ts` sibling, through tsx's loader, which a worker thread does not inherit.
 */
function startWorker(data: LeaseWorkerData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts'))
    return new Worker(new URL('./leaseWorker.js', here), { workerData: data });
  const source = new URL('./leaseWorker.ts', here).href;
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}
