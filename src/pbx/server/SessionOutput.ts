import type { Socket } from 'node:net';

/** Why a session's output gave up on its client. */
export type OutputFailure = 'write-timeout' | 'queue-full';

/** The bounds of one session's output. */
export interface OutputLimits {
  /**
   * How long one message may take to reach the kernel once the socket's buffers are full: the
   * user's `writetimeout` in `manager.conf` (Asterisk's default and minimum: 100 ms).
   */
  readonly writeTimeoutMs: number;
  /**
   * Bytes of messages that may wait behind the one being written. Asterisk has no such bound (its
   * session thread waits in the write and the events pile up in the session's queue); this one
   * keeps a burst for a stalled client from growing the PBX's memory before the timeout ends it.
   */
  readonly maxQueuedBytes: number;
}

/** Asterisk's default `writetimeout` (ms); smaller values in `manager.conf` are ignored. */
export const DEFAULT_WRITE_TIMEOUT_MS = 100;
/**
 * Default bound on the bytes waiting for one session beyond the kernel's socket buffers: about
 * five times what 1,000 calls set up at once leave waiting for a client that reads them.
 */
export const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/**
 * How often a stalled write looks at the clock (ms). Only the ticks that come on time count
 * towards the timeout: a tick that comes late means the event loop was busy, with the PBX's own
 * burst or with a client in the same process reading it, and that time is not the client's
 * fault. A client in another process that stops reading meets an idle loop: its timeout runs in
 * real time, as on Asterisk.
 */
const STALL_TICK_MS = 10;

/**
 * One session's writer, as Asterisk's `send_string` writes: one message at a time, each given
 * `writeTimeoutMs` to reach the kernel once its buffers are full (counting the time the event
 * loop was idle only: see `STALL_TICK_MS`). Messages written meanwhile wait
 * here, at most `maxQueuedBytes`. Past either bound the writer fails once (`onFailure`), drops
 * what waits and writes nothing more; what the kernel already holds (often the first part of a
 * message) still reaches the client, as on Asterisk.
 */
export class SessionOutput {
  /** Messages waiting, oldest first from `head` (an index, since shift() copies long arrays). */
  private queue: Array<{ readonly text: string; readonly bytes: number }> = [];
  private head = 0;
  private queuedBytes = 0;
  /** Largest `queuedBytes` seen, for tests and figures. */
  peakQueuedBytes = 0;
  private failed = false;
  /** Set by {@link flushThenEnd}: the stream ends once the queue is empty. */
  private ending = false;
  private timer: NodeJS.Timeout | undefined;
  /** Writes handed to the socket so far; each one's number tells its completion from others'. */
  private writes = 0;
  /** The write the kernel has not taken whole yet (0: none), which everything else waits for. */
  private inFlight = 0;

  constructor(
    private readonly socket: Socket,
    private readonly limits: () => OutputLimits,
    private readonly onFailure: (why: OutputFailure) => void,
  ) {}

  /** Bytes waiting behind the message being written. */
  get queued(): number {
    return this.queuedBytes;
  }

  /** Writes `text` now, or queues it behind the message still being written. */
  write(text: string): void {
    if (this.failed) return;
    if (this.inFlight === 0) {
      this.writeNow(text);
      return;
    }
    const bytes = Buffer.byteLength(text);
    if (this.queuedBytes + bytes > this.limits().maxQueuedBytes) {
      this.fail('queue-full');
      return;
    }
    this.queue.push({ text, bytes });
    this.queuedBytes += bytes;
    if (this.queuedBytes > this.peakQueuedBytes) this.peakQueuedBytes = this.queuedBytes;
  }

  /** Ends the stream once what waits is written (a write that stalls still fails it). */
  flushThenEnd(): void {
    if (this.failed) return;
    this.ending = true;
    if (this.inFlight === 0) this.socket.end();
  }

  /** Stops: drops what waits and cancels the stall check (the session is closing). */
  stop(): void {
    this.failed = true;
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    clearTimeout(this.timer);
  }

  private writeNow(text: string): void {
    this.writes += 1;
    const id = this.writes;
    this.socket.write(text, () => this.written(id));
    // A write the kernel took whole has left nothing behind in the socket.
    if (this.socket.writableLength === 0) return;
    this.inFlight = id;
    this.watchStall(id, 0);
  }

  /** Ticks while write `id` waits; fails the session once its idle waiting passes the timeout. */
  private watchStall(id: number, waitedMs: number): void {
    const since = performance.now();
    this.timer = setTimeout(() => {
      if (this.failed || this.inFlight !== id) return;
      const elapsed = performance.now() - since;
      const waited = waitedMs + (elapsed < 2 * STALL_TICK_MS ? elapsed : 0);
      if (waited >= this.limits().writeTimeoutMs) this.fail('write-timeout');
      else this.watchStall(id, waited);
    }, STALL_TICK_MS);
    this.timer.unref();
  }

  private written(id: number): void {
    if (id !== this.inFlight) return;
    this.inFlight = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight === 0 && !this.failed && this.head < this.queue.length) {
      const next = this.queue[this.head]!;
      this.head += 1;
      this.queuedBytes -= next.bytes;
      this.writeNow(next.text);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      if (this.ending && this.inFlight === 0 && !this.failed) this.socket.end();
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private fail(why: OutputFailure): void {
    if (this.failed) return;
    this.stop();
    this.onFailure(why);
  }
}
