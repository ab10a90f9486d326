import { AmiProtocolError } from '../protocol/errors.js';
import { AmiConnectionClosedError } from './errors.js';
import { type LoginOptions, login, type SendAction } from './login.js';
import { Session, type SessionHandlers } from './session.js';
import type { TransportFactory } from './transport.js';

const BANNER = /^Asterisk Call Manager/;

/** What one attempt needs: where to connect, how to log in, and the connection's hooks. */
export interface OpenSessionOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  maxMessageBytes?: number | undefined;
  login: LoginOptions;
  openTransport: TransportFactory;
  handlers: SessionHandlers;
  /** Called with the session as soon as it exists, before the banner: its bytes are live. */
  opened(session: Session): void;
  /** Sends Login and Challenge on this session (never queued). */
  send(session: Session): SendAction;
}

/**
 * One connection attempt: the transport, the banner (which must be Asterisk's), the login. Resolves
 * with the logged-in {@link Session}; on any failure, or when `signal` aborts, closes what it
 * opened, waits for it to be closed, and rejects.
 *
 * @example
 * const session = await openSession(options, AbortSignal.timeout(30_000));
 */
export async function openSession(
  options: OpenSessionOptions,
  signal: AbortSignal,
): Promise<Session> {
  const { host, port, connectTimeoutMs } = options;
  const transport = await options.openTransport({ host, port, connectTimeoutMs, signal });
  const session = new Session(transport, options.handlers, {
    maxMessageBytes: options.maxMessageBytes,
  });
  options.opened(session);
  const abort = (): void => {
    void session.close(new AmiConnectionClosedError('close() was called while connecting'));
  };
  signal.addEventListener('abort', abort, { once: true });
  try {
    if (signal.aborted) abort();
    const banner = await session.waitForBanner(connectTimeoutMs);
    if (!BANNER.test(banner)) {
      throw new AmiProtocolError(
        `Not an Asterisk manager interface: ${JSON.stringify(banner.slice(0, 80))}`,
        'bad-banner',
        banner.slice(0, 200),
      );
    }
    await login(options.send(session), options.login);
    if (session.ended) {
      throw new AmiConnectionClosedError('The connection closed right after login', {
        cause: await session.done,
      });
    }
    return session;
  } catch (error) {
    await session.close(error instanceof Error ? error : undefined);
    throw error;
  } finally {
    signal.removeEventListener('abort', abort);
  }
}
