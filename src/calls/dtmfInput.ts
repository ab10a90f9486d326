import { InvalidDtmfError } from './errors.js';

/**
 * The tone lengths octostate asks Asterisk for, in ms. Asterisk plays at least 80 ms
 * (`option_dtmfminduration`); the upper bound keeps one digit from holding an AMI session (a
 * `PlayDTMF` without `Receive` answers only once its tone is over) or a channel's DTMF (a received
 * digit is emulated for its whole length, and later digits wait behind it).
 */
export const DTMF_DURATION_MS = { min: 80, max: 2000 } as const;

/** Throws an {@link InvalidDtmfError} unless `digit` is one of `0-9`, `*`, `#`, `A-D`. */
export function checkDigit(digit: string): void {
  if (!/^[0-9*#A-D]$/i.test(digit)) {
    throw new InvalidDtmfError(`Not a DTMF digit: ${JSON.stringify(digit)}`);
  }
}

/**
 * Throws an {@link InvalidDtmfError} unless `durationMs` is absent (Asterisk's default length) or
 * a whole number of ms within {@link DTMF_DURATION_MS}.
 */
export function checkDurationMs(durationMs: number | undefined): void {
  if (durationMs === undefined) return;
  const { min, max } = DTMF_DURATION_MS;
  if (!Number.isInteger(durationMs) || durationMs < min || durationMs > max) {
    throw new InvalidDtmfError(
      `durationMs must be a whole number of ms from ${min} to ${max}, not ${String(durationMs)}`,
    );
  }
}
