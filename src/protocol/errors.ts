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
    readonly code:
      | 'missing-colon'
      | 'too-large'
      | 'binary'
      | 'bad-banner'
      | 'unknown-kind'
      | 'unterminated-follows',
    /** Up to a few hundred bytes of the offending input, for the log. */
    readonly excerpt: string,
  ) {
    super(message);
  }
}

/**
 * A FastAGI peer broke the protocol: a malformed or oversize environment, a line over the bound,
 * a line that is neither a reply nor `HANGUP`, or no environment in time. The connection is closed.
 */
export class FastAgiProtocolError extends AmiError {
  override name = 'FastAgiProtocolError';
  constructor(
    message: string,
    /** What was wrong, for counting and filtering without parsing the message text. */
    readonly code:
      | 'bad-environment'
      | 'environment-too-large'
      | 'environment-timeout'
      | 'line-too-long'
      | 'reply-too-large'
      | 'unexpected-line',
    /** Up to 200 bytes of the offending input, for the log. */
    readonly excerpt: string,
  ) {
    super(message);
  }
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
