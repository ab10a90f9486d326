/**
 * A source of timers: the global `setTimeout`/`clearTimeout`, or an XState system's clock (so a
 * request times out on the runtime's clock, and a `SimulatedClock` drives it in tests).
 */
export interface Clock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** Real time; the timers do not keep the process alive. */
export const realClock: Clock = {
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** How one request waits. */
export interface WaitOptions<Meta> {
  /** Rejects with `timeoutError(meta)` after this many ms (`Infinity`: never). */
  readonly timeoutMs: number;
  /**
   * The error a timed-out request is rejected with; called when time runs out, after the request
   * is forgotten, so the owner can do its own bookkeeping there.
   */
  readonly timeoutError: (meta: Meta) => Error;
  /**
   * An error made on the caller's stack when the request was made: every rejection is given its
   * frames, so a failure reported far from its cause still names the line that asked.
   */
  readonly origin?: Error;
  /** What the owner needs to know about the request later (its channel, its name...). */
  readonly meta: Meta;
}

interface Entry<T, Meta> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
  readonly origin: Error | undefined;
  readonly meta: Meta;
  readonly timeoutMs: number;
  readonly timeoutError: (meta: Meta) => Error;
  timer: unknown;
}

/**
 * Requests waiting for their reply, by id: an AMI action by its ActionID, an AGI command by its
 * CommandID, an Originate by the ActionID its `OriginateResponse` carries. Each waits with a timeout
 * on the given clock and is settled exactly once (resolved, rejected, timed out, or rejected with
 * everything else when its owner closes); a settled id is forgotten, so nothing outlives its reply.
 *
 * @example
 * const pending = new PendingRequests<AgiResult, { uniqueid: string }>(clock);
 * const result = pending.wait(commandId, {
 *   timeoutMs: 30_000,
 *   timeoutError: () => new AgiError('ANSWER: no result within 30000 ms', 0),
 *   origin: new Error('ANSWER'),
 *   meta: { uniqueid },
 * });
 * // later, when the reply comes in:
 * pending.resolve(commandId, parseAgiResult(reply));
 */
export class PendingRequests<T, Meta = undefined> {
  private readonly entries = new Map<string, Entry<T, Meta>>();

  constructor(private readonly clock: Clock = realClock) {}

  /** How many requests wait. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether `id` waits. */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** What was registered with `id`, while it waits. */
  meta(id: string): Meta | undefined {
    return this.entries.get(id)?.meta;
  }

  /** Registers `id` (which must not be waiting already) and returns what its reply settles. */
  wait(id: string, options: WaitOptions<Meta>): Promise<T> {
    if (this.entries.has(id)) throw new Error(`A request with id ${id} is already waiting`);
    return new Promise<T>((resolve, reject) => {
      const { origin, meta, timeoutMs, timeoutError } = options;
      const entry: Entry<T, Meta> = {
        resolve,
        reject,
        origin,
        meta,
        timeoutMs,
        timeoutError,
        timer: undefined,
      };
      entry.timer = this.startTimer(id, entry);
      this.entries.set(id, entry);
    });
  }

  /** Restarts the timeout of `id` from now (a reply in several parts that is still coming). */
  refresh(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
    entry.timer = this.startTimer(id, entry);
  }

  /** Settles `id` with its reply; false when it was not waiting. */
  resolve(id: string, value: T): boolean {
    const entry = this.take(id);
    entry?.resolve(value);
    return entry !== undefined;
  }

  /** Fails `id` (with the caller's stack); false when it was not waiting. */
  reject(id: string, error: Error): boolean {
    const entry = this.take(id);
    if (entry) entry.reject(withStack(error, entry.origin));
    return entry !== undefined;
  }

  /** Fails every request whose meta matches, each with its own error; returns how many. */
  rejectWhere(matches: (meta: Meta) => boolean, error: (meta: Meta, id: string) => Error): number {
    let count = 0;
    for (const [id, entry] of [...this.entries]) {
      if (!matches(entry.meta)) continue;
      this.reject(id, error(entry.meta, id));
      count++;
    }
    return count;
  }

  /** Fails everything (the owner is closing, the link is lost). */
  rejectAll(error: (meta: Meta, id: string) => Error): number {
    return this.rejectWhere(() => true, error);
  }

  private startTimer(id: string, entry: Entry<T, Meta>): unknown {
    if (entry.timeoutMs === Number.POSITIVE_INFINITY) return undefined;
    return this.clock.setTimeout(() => {
      if (this.entries.get(id) !== entry) return;
      this.take(id);
      entry.reject(withStack(entry.timeoutError(entry.meta), entry.origin));
    }, entry.timeoutMs);
  }

  private take(id: string): Entry<T, Meta> | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
    return entry;
  }
}

/**
 * Gives `error` the caller's stack frames (those of `origin`, made where the caller called),
 * keeping its own name and message. `origin` itself is returned as it is.
 */
export function withStack<E extends Error>(error: E, origin: Error | undefined): E {
  const stack = origin?.stack;
  const firstFrame = stack?.indexOf('\n    at ') ?? -1;
  if (error !== origin && stack && firstFrame !== -1) {
    error.stack = `${error.name}: ${error.message}${stack.slice(firstFrame)}`;
  }
  return error;
}
