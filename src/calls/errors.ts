import { AmiError } from '../protocol/errors.js';
import type { AmiMessage } from '../protocol/message.js';

/** Why an Originate failed, from `OriginateResponse`'s `Reason` (Asterisk's control frame codes). */
export type OriginateFailure =
  | 'failed'
  | 'hangup'
  | 'no-answer'
  | 'busy'
  | 'congestion'
  | 'unknown';

/** An Originate did not produce an answered call; `reason` says why, `response` is Asterisk's word. */
export class OriginateError extends AmiError {
  override name = 'OriginateError';
  constructor(
    message: string,
    readonly reason: OriginateFailure,
    /** The numeric `Reason` of the `OriginateResponse` (0 failed, 1 hangup, 3 no answer, 5 busy, 8 congestion). */
    readonly reasonCode: number,
    /** The `OriginateResponse` (or the error response of a refused action). */
    readonly response?: AmiMessage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No live call matches what was asked for (an extension with nobody at it, an unknown channel). */
export class NoSuchCallError extends AmiError {
  override name = 'NoSuchCallError';
}

/** A DTMF digit outside `0-9`, `*`, `#`, `A-D`, or a tone length out of bounds. */
export class InvalidDtmfError extends AmiError {
  override name = 'InvalidDtmfError';
}

/**
 * Too many DTMF injections are waiting to be heard, for this call (`scope: 'call'`) or for the
 * runtime (`scope: 'runtime'`): nothing was sent; try again once earlier digits have arrived.
 */
export class DtmfInjectionBusyError extends AmiError {
  override name = 'DtmfInjectionBusyError';
  constructor(
    message: string,
    readonly scope: 'call' | 'runtime',
    /** The bound that was reached. */
    readonly limit: number,
  ) {
    super(message);
  }
}
