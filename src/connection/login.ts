import { createHash } from 'node:crypto';
import type { AmiMessage } from '../protocol/message.js';
import type { ActionFields } from './actionFields.js';
import { AmiActionError, AmiAuthenticationError } from './errors.js';

/** How to log in. */
export interface LoginOptions {
  username: string;
  secret: string;
  /** `plain` sends the secret; `md5` asks for a challenge and sends `md5(challenge + secret)`. */
  authType: 'plain' | 'md5';
  /** The `Events` field of `Login`: `on`, `off`, or an event class mask (`call,agent`). */
  events?: string | undefined;
}

/** Sends one action and resolves with its response (rejects with `AmiActionError` on `Error`). */
export type SendAction = (name: string, fields: ActionFields) => Promise<AmiMessage>;

/**
 * The MD5 challenge key: the lowercase hex MD5 of the challenge followed by the secret.
 *
 * @example
 * md5Key('494248310', 'secret'); // 'ef9be24d41fa2c7f5143cc808122339d'
 */
export function md5Key(challenge: string, secret: string): string {
  return createHash('md5').update(challenge).update(secret).digest('hex');
}

/**
 * Logs in on a fresh AMI session: `Login` with the secret, or `Challenge` (`AuthType: MD5`) then
 * `Login` with `Key: md5(challenge + secret)`. A refusal becomes an {@link AmiAuthenticationError}
 * (with the `AmiActionError`, and so the server's response, as its `cause`); any other failure (the
 * connection dropping, a timeout) is passed through as it is.
 *
 * @example
 * await login((name, fields) => connection.action(name, fields), {
 *   username: 'manager', secret: 'secret', authType: 'md5',
 * });
 */
export async function login(send: SendAction, options: LoginOptions): Promise<AmiMessage> {
  const { username, secret, authType, events } = options;
  try {
    if (authType === 'md5') {
      const challengeResponse = await send('Challenge', { AuthType: 'MD5' });
      const challenge = challengeResponse.get('Challenge');
      if (challenge === undefined) {
        throw new AmiAuthenticationError('The server answered Challenge without a challenge');
      }
      return await send('Login', {
        AuthType: 'MD5',
        Username: username,
        Key: md5Key(challenge, secret),
        Events: events,
      });
    }
    return await send('Login', { Username: username, Secret: secret, Events: events });
  } catch (error) {
    if (error instanceof AmiActionError) {
      throw new AmiAuthenticationError(
        `AMI login as ${username} refused: ${error.response.get('Message') ?? 'Response: Error'}`,
        { cause: error },
      );
    }
    throw error;
  }
}
