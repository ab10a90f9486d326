import type { Pbx } from '../Pbx.js';
import type { Channel } from './Channel.js';

/**
 * A digit arrives on `ch` (sent by the other half of its Local pair): DTMFBegin, DTMFEnd with the
 * duration, both `Direction: Received`, then the digit wakes whatever waits for one.
 */
export function deliverDigit(
  pbx: Pbx,
  ch: Channel,
  digit: string,
  durationMs: number,
  withBegin = true,
): void {
  if (ch.destroyed) return;
  if (withBegin)
    pbx.channelEvent('DTMFBegin', 'dtmf', ch, [
      ['Digit', digit],
      ['Direction', 'Received'],
    ]);
  pbx.channelEvent('DTMFEnd', 'dtmf', ch, [
    ['Digit', digit],
    ['DurationMs', String(durationMs)],
    ['Direction', 'Received'],
  ]);
  ch.receiveDigit(digit);
}

/**
 * Sends digits out of `ch`: on a Local channel they come in on the other half. Takes the digit's
 * duration on the PBX clock, as Asterisk does, before the far side reports it.
 */
export async function sendDigits(
  pbx: Pbx,
  ch: Channel,
  digits: string,
  durationMs: number,
): Promise<void> {
  for (const digit of digits) {
    await new Promise<void>((r) => pbx.clock.setTimer(r, durationMs));
    const far = ch.partner;
    if (far) deliverDigit(pbx, far, digit, durationMs);
  }
}
