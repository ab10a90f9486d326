import type { AmiMessage } from './connection/message.js';

/** Base class of every error octostate raises. `name` tells the kind; `cause` keeps the origin. */
export class AmiError extends Error {
  override name = 'AmiError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The byte stream broke the AMI framing rules (a line without a colon, an oversize message...). */
export class AmiProtocolError extends AmiError {
  override name = 'AmiProtocolError';
  constructor(
    message: string,
    /** What was wrong: lets callers count or filter without parsing the message text. */
    readonly code: 'missing-colon' | 'too-large' | 'binary' | 'bad-banner' | 'unknown-kind',
    /** Up to a few hundred bytes of the offending input, for the log. */
    readonly excerpt: string,
  ) {
    super(message);
  }
}

/** Asterisk answered an action with `Response: Error`; the response is kept whole. */
export class AmiActionError extends AmiError {
  override name = 'AmiActionError';
  constructor(
    readonly action: string,
    readonly response: AmiMessage,
    options?: { cause?: unknown },
  ) {
    super(`${action} failed: ${response.get('Message') ?? 'Response: Error'}`, options);
  }
}

/** An action got no (complete) answer in time. Created at send time so its stack names the caller. */
export class AmiTimeoutError extends AmiError {
  override name = 'AmiTimeoutError';
  constructor(
    readonly action: string,
    readonly timeoutMs: number,
  ) {
    super(`${action} got no answer within ${timeoutMs} ms`);
  }
}

/** The connection closed (or was never open) while the action was pending. */
export class AmiConnectionClosedError extends AmiError {
  override name = 'AmiConnectionClosedError';
}

/** Login was refused (wrong secret, unknown user, failed MD5 challenge). Not retried. */
export class AmiAuthenticationError extends AmiError {
  override name = 'AmiAuthenticationError';
}

/** A list action produced more items than the configured cap; the partial list is dropped. */
export class AmiListTooLongError extends AmiError {
  override name = 'AmiListTooLongError';
}

/** An AGI command failed; `code` is the AGI status (510, 511, 520...), `result` the raw reply. */
export class AgiError extends AmiError {
  override name = 'AgiError';
  constructor(
    message: string,
    /** The AGI status code of the reply, or 0 when the command never got one. */
    readonly code: number,
    /** The decoded AGI reply text, when there was one. */
    readonly result?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `510 Invalid or unknown command`. */
export class AgiInvalidCommandError extends AgiError {
  override name = 'AgiInvalidCommandError';
}

/** `511 Command Not Permitted on a dead channel or intercept routine`. */
export class AgiDeadChannelError extends AgiError {
  override name = 'AgiDeadChannelError';
}

/** `520` usage error: the command's syntax was wrong; `usage` holds what Asterisk printed. */
export class AgiUsageError extends AgiError {
  override name = 'AgiUsageError';
  constructor(
    message: string,
    result: string,
    readonly usage: string,
  ) {
    super(message, 520, result);
  }
}

/** The channel hung up, or its AGI session ended, before the command's result came back. */
export class AgiSessionEndedError extends AgiError {
  override name = 'AgiSessionEndedError';
}

/** The command was aimed at a channel that is not running AsyncAGI right now. */
export class AgiNotInAgiError extends AgiError {
  override name = 'AgiNotInAgiError';
}

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

/** A DTMF digit outside `0-9`, `*`, `#`, `A-D`. */
export class InvalidDtmfError extends AmiError {
  override name = 'InvalidDtmfError';
}
