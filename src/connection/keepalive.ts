import { AmiTimeoutError } from './errors.js';

/** What {@link Keepalive} needs from the connection. */
export interface KeepaliveHooks {
  /** Sends a `Ping` that fails with `AmiTimeoutError` if unanswered within `timeoutMs`. */
  ping(timeoutMs: number): Promise<unknown>;
  /** The peer did not answer in time: treat the connection as lost. */
  dead(error: AmiTimeoutError): void;
}

/**
 * Sends a `Ping` every `intervalMs` while connected (never two at once) and reports the peer dead
 * when one goes unanswered for `timeoutMs`. A TCP connection to a crashed or partitioned host can
 * look open for a long time; this notices within `intervalMs + timeoutMs`.
 *
 * @example
 * const keepalive = new Keepalive(30_000, 10_000, {
 *   ping: (timeoutMs) => connection.action('Ping', {}, { timeoutMs }),
 *   dead: (error) => transport.close(error),
 * });
 * keepalive.start();
 */
export class Keepalive {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private generation = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly hooks: KeepaliveHooks,
  ) {}

  /** Starts (or restarts) pinging. The timer is `unref`ed. */
  start(): void {
    this.stop();
    const generation = this.generation;
    this.timer = setInterval(() => this.tick(generation), this.intervalMs);
    this.timer.unref();
  }

  /** Stops pinging; the answer to a ping in flight is ignored. */
  stop(): void {
    this.generation += 1;
    this.inFlight = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(generation: number): void {
    if (this.inFlight) return;
    this.inFlight = true;
    this.hooks.ping(this.timeoutMs).then(
      () => {
        if (generation === this.generation) this.inFlight = false;
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.inFlight = false;
        // An error answer still proves the peer alive; a closed connection is handled elsewhere.
        if (error instanceof AmiTimeoutError) {
          this.stop();
          this.hooks.dead(error);
        }
      },
    );
  }
}
