import type { TimerHandle } from '../clock.js';
import type { Pbx } from '../Pbx.js';
import type { Channel } from './Channel.js';

/** DTMFBegin on `ch`: a digit starts arriving (Direction: Received). */
export function digitBegins(pbx: Pbx, ch: Channel, digit: string): void {
  if (ch.destroyed) return;
  pbx.channelEvent('DTMFBegin', 'dtmf', ch, [
    ['Digit', digit],
    ['Direction', 'Received'],
  ]);
}

/**
 * A digit arrives on `ch` (sent by the other half of its Local pair, or played into it):
 * DTMFBegin (unless `withBegin` is false: it was published when the digit started), DTMFEnd with
 * the duration, both `Direction: Received`, then the digit wakes whatever waits for one.
 */
export function deliverDigit(
  pbx: Pbx,
  ch: Channel,
  digit: string,
  durationMs: number,
  withBegin = true,
): void {
  if (ch.destroyed) return;
  if (withBegin) digitBegins(pbx, ch, digit);
  pbx.channelEvent('DTMFEnd', 'dtmf', ch, [
    ['Digit', digit],
    ['DurationMs', String(durationMs)],
    ['Direction', 'Received'],
  ]);
  ch.receiveDigit(digit);
}

const sleep = (pbx: Pbx, ms: number) =>
  new Promise<void>((resolve) => pbx.clock.setTimer(resolve, ms));

/**
 * Presses digits on `ch` one after the other, as a phone's keys: each begins on the far side at
 * once (the other half of a Local pair) and ends `durationMs` later, when it is delivered.
 */
export async function sendDigits(
  pbx: Pbx,
  ch: Channel,
  digits: string,
  durationMs: number,
): Promise<void> {
  for (const digit of digits) {
    const far = ch.partner;
    if (far) digitBegins(pbx, far, digit);
    await sleep(pbx, durationMs);
    if (far) deliverDigit(pbx, far, digit, durationMs, false);
  }
}

/** Shortest digit Asterisk sends (AST_DEFAULT_EMULATE_DTMF_DURATION). */
const MIN_DIGIT_MS = 100;

/**
 * Streams digits out of `ch` as Asterisk's ast_dtmf_stream does (SendDTMF): 100 ms of quiet,
 * then each digit for `durationMs` (at least 100) followed by `betweenMs` of pause; `w` waits
 * half a second, `W` a second. Stops early when the channel hangs up. Returns false then.
 */
export async function streamDigits(
  pbx: Pbx,
  ch: Channel,
  digits: string,
  { durationMs, betweenMs }: { durationMs: number; betweenMs: number },
): Promise<boolean> {
  const pause = async (ms: number) => (await ch.wait(pbx.clock, ms)).kind !== 'hangup';
  if (!(await pause(100))) return false;
  const duration = Math.max(MIN_DIGIT_MS, durationMs);
  for (const c of digits) {
    if (c === 'w' || c === 'W') {
      if (!(await pause(c === 'w' ? 500 : 1000))) return false;
      continue;
    }
    if (!/[0-9*#A-Da-d]/.test(c)) continue;
    const far = ch.partner;
    if (far) digitBegins(pbx, far, c.toUpperCase());
    await sleep(pbx, duration);
    if (far) deliverDigit(pbx, far, c.toUpperCase(), duration, false);
    if (!(await pause(betweenMs))) return false;
  }
  return true;
}

/** Asterisk's shortest emulated digit (`option_dtmfminduration`), and its length for a 0 ms one. */
const MIN_EMULATED_MS = 80;
const DEFAULT_EMULATED_MS = 100;
/**
 * Measured on Asterisk 22 between two digits queued with `PlayDTMF Receive: true`: the digit's
 * emulated length, then `AST_MIN_DTMF_GAP` (45 ms) and the read that notices the gap.
 */
const RECEIVED_DIGIT_GAP_MS = 60;
/** The longest delay a Node timer takes (longer ones fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Per channel: when the digit being emulated ends, and the digits waiting behind it. */
const receiving = new WeakMap<Channel, { freeAt: number; timers: Set<TimerHandle> }>();

/**
 * A digit queued on `ch` itself (`PlayDTMF` with `Receive: true`): Asterisk reports it
 * (`DTMFEnd` with the `Duration` asked for, no `DTMFBegin`) as the channel reads it, then emulates
 * it for its length; digits queued meanwhile wait their turn, each reported once the one before
 * it is over. So a burst of digits arrives one every length + 60 ms, none lost.
 */
export function receiveDigit(pbx: Pbx, ch: Channel, digit: string, durationMs: number): void {
  if (ch.destroyed) return;
  let queue = receiving.get(ch);
  if (!queue) {
    const fresh = { freeAt: 0, timers: new Set<TimerHandle>() };
    receiving.set(ch, fresh);
    // Digits still waiting when the channel goes are never reported: drop their timers.
    ch.onHangup(() => {
      for (const timer of fresh.timers) pbx.clock.clearTimer(timer);
      fresh.timers.clear();
    });
    queue = fresh;
  }
  const now = pbx.clock.now();
  const at = Math.max(now, queue.freeAt);
  const emulated = durationMs === 0 ? DEFAULT_EMULATED_MS : Math.max(durationMs, MIN_EMULATED_MS);
  queue.freeAt = at + emulated + RECEIVED_DIGIT_GAP_MS;
  if (at === now) {
    deliverDigit(pbx, ch, digit, durationMs, false);
    return;
  }
  const timers = queue.timers;
  const timer = pbx.clock.setTimer(
    () => {
      timers.delete(timer);
      deliverDigit(pbx, ch, digit, durationMs, false);
    },
    Math.min(at - now, MAX_TIMER_MS),
  );
  timers.add(timer);
}
