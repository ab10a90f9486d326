import type { SimulatedClock } from 'xstate';

/**
 * Moves a `SimulatedClock` on by `ms` in steps of at most `stepMs`, as real time passes: a timer
 * set while another fires (the supervisor's sweep, every 50 ms while channels linger) gets its
 * turn within the same advance, which one `increment(ms)` would not give it.
 */
export function advanceClock(clock: SimulatedClock, ms: number, stepMs = 10): void {
  for (let left = ms; left > 0; left -= stepMs) clock.increment(Math.min(stepMs, left));
}
