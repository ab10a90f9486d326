import { AmiError } from '../protocol/errors.js';
import type { AmiMessage } from '../protocol/message.js';

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

/**
 * Asterisk refused an action because the logged-in user lacks its privilege class
 * (`Response: Error`, `Message: Permission denied`: `manager.conf`'s `read`/`write`).
 */
export class AmiPermissionError extends AmiActionError {
  override name = 'AmiPermissionError';
}

/**
 * The error for an action Asterisk answered with `Response: Error`: an {@link AmiPermissionError}
 * when it says `Permission denied`, else an {@link AmiActionError}.
 */
export function actionErrorFor(action: string, response: AmiMessage): AmiActionError {
  return response.get('Message') === 'Permission denied'
    ? new AmiPermissionError(action, response)
    : new AmiActionError(action, response);
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

/**
 * `maxActionsInFlight` actions already wait for their answer (the PBX answers slower than they are
 * sent): this one was refused without being sent. Safe to retry later.
 */
export class AmiTooManyActionsError extends AmiError {
  override name = 'AmiTooManyActionsError';
}

/** A list action produced more items than the configured cap; the partial list is dropped. */
export class AmiListTooLongError extends AmiError {
  override name = 'AmiListTooLongError';
}

/**
 * An `ami://` URL that cannot be used. `part` says which part is wrong; the message says how to write
 * it and never repeats the URL, which may hold the secret.
 */
export class AmiUrlError extends AmiError {
  override name = 'AmiUrlError';
  constructor(
    message: string,
    /** The part of the URL at fault. */
    readonly part: 'scheme' | 'user' | 'secret' | 'host' | 'port' | 'query',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
