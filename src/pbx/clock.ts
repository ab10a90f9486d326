/** An opaque timer handle returned by {@link Clock.setTimer}. */
export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

/**
 * Time as the PBX sees it: the wall clock for demos, a driven clock for tests. Every delay of the
 * PBX (playback lengths, Wait(), the 500 ms after Answer, AGI polling) goes through it.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** The wall clock (Node timers). */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * A clock that only moves when told: `advance(ms)` fires due timers in time order. For tests that
 * must not wait for real playbacks.
 *
 * @example
 * const clock = new ManualClock(Date.UTC(2026, 0, 1));
 * const pbx = await startPbx({ clock });
 * await clock.advance(5000); // five seconds of call time, instantly
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    if (typeof handle === 'object' && handle !== null && 'id' in handle)
      this.timers.delete(handle.id);
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `ms`, firing due timers one by one (earliest first) and letting promise
   * callbacks run between them, so chains of delays inside the window all happen.
   */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next || next[1].at > end) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
    }
    this.time = end;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise<void>((r) => setImmediate(r));
}

/** A clock that remembers its live timers so that they can all be cancelled at once. */
export class TrackedClock implements Clock {
  private readonly live = new Set<TimerHandle>();

  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const handle: TimerHandle = this.inner.setTimer(() => {
      this.live.delete(handle);
      fn();
    }, ms);
    this.live.add(handle);
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    this.live.delete(handle);
    this.inner.clearTimer(handle);
  }

  /** Cancels every timer still pending (the PBX is stopping). */
  clearAll(): void {
    for (const h of this.live) this.inner.clearTimer(h);
    this.live.clear();
  }
}
