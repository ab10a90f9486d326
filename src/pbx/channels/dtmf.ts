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
