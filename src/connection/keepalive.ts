import { AmiTimeoutError } from './errors.js';

/** What {@link Keepalive} needs from the connection. */
export interface KeepaliveHooks {
  /**
   * Writes a `Ping` now and returns what settles on its answer (an error answer too). It must not
   * time out by itself: the keepalive judges the silence.
   */
  ping(): Promise<unknown>;
  /** When the last bytes from the peer were read, on the clock of `now` (or earlier than any). */
  lastReadAt(): number;
  /** A monotonic clock in milliseconds. */
  now(): number;
  /** The peer sent nothing for `timeoutMs` while a Ping waited: treat the connection as lost. */
  dead(error: AmiTimeoutError): void;
}

/**
 * Sends a `Ping` every `intervalMs` while connected (never two at once) and reports the peer dead
 * once a Ping has waited `timeoutMs` with not one byte read from the peer. A TCP connection to a
 * crashed or partitioned host can look open for a long time; this notices within
 * `intervalMs + timeoutMs`.
 *
 * Silence is what counts, not the Ping's own answer: Asterisk writes the events queued for a
 * session before it reads that session's next action, so under load the answer waits behind
 * every event ahead of it, each one proof that the peer is alive. The clock starts when the Ping
 * is written, and when a deadline passes the verdict waits for the poll phase: a timer due after
 * a stalled event loop fires before the bytes already waiting in the socket are read.
 *
 * @example
 * const keepalive = new Keepalive(30_000, 10_000, {
 *   ping: () => connection.action('Ping', {}, { timeoutMs: Number.POSITIVE_INFINITY }),
 *   lastReadAt: () => session.lastReadAt,
 *   now: () => performance.now(),
 *   dead: (error) => transport.close(error),
 * });
 * keepalive.start();
 */
export class Keepalive {
  private interval: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private verdict: NodeJS.Immediate | undefined;
  private waiting = false;
  private generation = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly hooks: KeepaliveHooks,
  ) {}

  /** Starts (or restarts) pinging. The timers are `unref`ed. */
  start(): void {
    this.stop();
    const generation = this.generation;
    this.interval = setInterval(() => this.tick(generation), this.intervalMs);
    this.interval.unref();
  }

  /** Stops pinging; the answer to a ping in flight is ignored. */
  stop(): void {
    this.generation += 1;
    this.waiting = false;
    clearInterval(this.interval);
    clearTimeout(this.deadline);
    if (this.verdict) clearImmediate(this.verdict);
    this.interval = undefined;
    this.deadline = undefined;
    this.verdict = undefined;
  }

  private tick(generation: number): void {
    if (this.waiting) return;
    this.waiting = true;
    const answered = (): void => {
      if (generation !== this.generation) return;
      this.waiting = false;
      clearTimeout(this.deadline);
      if (this.verdict) clearImmediate(this.verdict);
    };
    // Any answer, an error one too, proves the peer alive; a closed connection is handled elsewhere.
    this.hooks.ping().then(answered, answered);
    const writtenAt = this.hooks.now();
    this.watch(generation, writtenAt);
  }

  /** Judges the peer `timeoutMs` after `since` (the Ping's write, then the last byte read). */
  private watch(generation: number, since: number): void {
    const delay = Math.max(0, since + this.timeoutMs - this.hooks.now());
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      this.verdict = setImmediate(() => this.judge(generation, since));
      this.verdict.unref();
    }, delay);
    this.deadline.unref();
  }

  private judge(generation: number, since: number): void {
    this.verdict = undefined;
    if (generation !== this.generation || !this.waiting) return;
    const lastRead = this.hooks.lastReadAt();
    if (lastRead > since) {
      this.watch(generation, lastRead);
      return;
    }
    this.stop();
    this.hooks.dead(new AmiTimeoutError('Ping', this.timeoutMs));
  }
}
