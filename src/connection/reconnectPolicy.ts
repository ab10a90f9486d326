/** Information handed to {@link ReconnectOptions.onReconnect} before each attempt. */
export interface ReconnectAttempt {
  /** 1 for the first attempt after a loss. */
  attempt: number;
  /** The delay the policy computed (backoff and jitter applied). */
  delayMs: number;
  /** Why the previous connection or attempt ended. */
  error: Error | undefined;
}

/**
 * How to reconnect after the connection is lost: exponential backoff with jitter, a maximum delay,
 * an optional maximum number of attempts, and a hook to override each decision.
 */
export interface ReconnectOptions {
  /** Delay before the first attempt. Default 250 ms. */
  initialDelayMs?: number;
  /** Upper bound of any delay. Default 30 s. */
  maxDelayMs?: number;
  /** Growth of the delay per attempt. Default 2. */
  factor?: number;
  /** Random spread, as a fraction of the delay (0.2: ±20%). Default 0.2. */
  jitter?: number;
  /** Give up after this many failed attempts in a row. Default: never. */
  maxAttempts?: number;
  /**
   * Called before each attempt: return a number to use that delay instead, `false` to give up, or
   * nothing to accept the policy's choice.
   */
  onReconnect?: (attempt: ReconnectAttempt) => number | false | undefined;
}

/**
 * The reconnect schedule, sans I/O: `next()` says how long to wait before the next attempt, or
 * `undefined` to give up; `reset()` after a successful login.
 *
 * @example
 * const policy = new ReconnectPolicy({ initialDelayMs: 100, maxDelayMs: 5000, maxAttempts: 10 });
 * const delay = policy.next(error); // ~100, then ~200, ~400, ... capped at 5000
 */
export class ReconnectPolicy {
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly maxAttempts: number;
  private readonly onReconnect: ReconnectOptions['onReconnect'];
  private readonly random: () => number;
  private attempts = 0;

  /** @param random a `[0, 1)` source, replaceable for deterministic tests */
  constructor(options: ReconnectOptions = {}, random: () => number = Math.random) {
    this.initialDelayMs = Math.max(0, options.initialDelayMs ?? 250);
    this.maxDelayMs = Math.max(this.initialDelayMs, options.maxDelayMs ?? 30_000);
    this.factor = Math.max(1, options.factor ?? 2);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
    this.maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    this.onReconnect = options.onReconnect;
    this.random = random;
  }

  /** How many attempts were scheduled since the last reset. */
  get attempt(): number {
    return this.attempts;
  }

  /** The delay before the next attempt, or `undefined` to stop trying. */
  next(error?: Error): { attempt: number; delayMs: number } | undefined {
    if (this.attempts >= this.maxAttempts) return undefined;
    this.attempts += 1;
    const base = Math.min(
      this.maxDelayMs,
      this.initialDelayMs * this.factor ** (this.attempts - 1),
    );
    const spread = base * this.jitter * (2 * this.random() - 1);
    let delayMs = Math.round(Math.min(this.maxDelayMs, Math.max(0, base + spread)));
    const override = this.onReconnect?.({ attempt: this.attempts, delayMs, error });
    if (override === false) return undefined;
    if (typeof override === 'number' && Number.isFinite(override)) delayMs = Math.max(0, override);
    return { attempt: this.attempts, delayMs };
  }

  /** Start over (after a successful login). */
  reset(): void {
    this.attempts = 0;
  }
}
