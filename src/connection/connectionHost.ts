import type { AmiEvent } from '../protocol/amiEvent.js';
import { AmiProtocolError } from '../protocol/errors.js';
import type { ActionSender } from './actionSender.js';
import type { AmiConnectionEvents } from './client.js';
import type { AmiConnectionOptions } from './connectionOptions.js';
import { AmiConnectionClosedError } from './errors.js';
import { Keepalive } from './keepalive.js';
import type { LifecycleHost } from './lifecycleMachine.js';
import type { Logger } from './logger.js';
import { openSession } from './openSession.js';
import type { Session, SessionHandlers } from './session.js';
import { connectTcp } from './tcpTransport.js';
import { connectTls } from './tlsTransport.js';
import type { TransportFactory } from './transport.js';

/** Emits one bus event. */
type Emit = <K extends keyof AmiConnectionEvents>(type: K, payload: AmiConnectionEvents[K]) => void;

/** What the host works with: the connection's settings, its outgoing side and its bus. */
export interface ConnectionHostDeps {
  options: AmiConnectionOptions;
  actionTimeoutMs: number;
  sender: ActionSender;
  logger: Logger;
  /** Emits on the bus now (what the sockets read). */
  emit: Emit;
  /** Emits on the bus once the lifecycle's step is committed (what the chart's actions raise). */
  notify(notice: () => void): void;
  /** Keeps a promise among what `close()` waits for. */
  settling(promise: Promise<unknown>): void;
  /** Whether `session` is the logged-in session the chart is in. */
  isLive(session: Session): boolean;
  /** A new session logged in with this banner. */
  loggedIn(banner: string): void;
}

/**
 * The I/O and the notices the lifecycle chart of an `AmiConnection` calls for: opening a session
 * (transport, banner, login), logging off, keepalive pings, and what each step tells the bus.
 *
 * @example
 * const host = createConnectionHost(deps);
 * createActor(connectionLifecycleMachine, { input: { host, policy, retryFirstConnect: false } });
 */
export function createConnectionHost(deps: ConnectionHostDeps): LifecycleHost {
  const { options, sender, logger, emit, notify } = deps;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const tls = options.tls;
  const openTransport: TransportFactory =
    options.transport ??
    (tls ? (o) => connectTls(o, typeof tls === 'object' ? tls : {}) : connectTcp);
  const handlers = sessionHandlers(deps);
  return {
    openSession: (signal) => {
      const attempt = openSession(
        {
          host: options.host,
          port: options.port,
          connectTimeoutMs,
          maxMessageBytes: options.maxMessageBytes,
          login: {
            username: options.username,
            secret: options.secret,
            authType: options.authType ?? 'plain',
            events: options.events,
          },
          openTransport,
          handlers,
          opened: (session) => deps.settling(session.done),
          send: (session) => (name, fields) =>
            sender.internal(session, name, fields, deps.actionTimeoutMs),
        },
        signal,
      );
      deps.settling(attempt);
      return attempt;
    },
    logOff: async (session) => {
      const timeoutMs = Math.min(deps.actionTimeoutMs, 2000);
      await sender.internal(session, 'Logoff', undefined, timeoutMs).catch((error: unknown) => {
        logger.debug({ err: error }, 'Logoff got no answer');
      });
      await session.close();
    },
    keepAlive: (session) => {
      const interval = options.keepaliveIntervalMs ?? 30_000;
      if (interval === false || interval <= 0) return () => undefined;
      const keepalive = new Keepalive(interval, options.keepaliveTimeoutMs ?? 10_000, {
        // Unbounded here: the keepalive bounds the silence, and the session's end settles it.
        ping: () => sender.internal(session, 'Ping', undefined, Number.POSITIVE_INFINITY),
        lastReadAt: () => session.lastReadAt,
        now: () => performance.now(),
        dead: (error) => {
          const lost = new AmiConnectionClosedError(
            `A keepalive Ping waited ${error.timeoutMs} ms with nothing read from the PBX: connection deemed dead`,
            { cause: error },
          );
          void session.close(lost);
        },
      });
      keepalive.start();
      return () => keepalive.stop();
    },
    stateChanged: (state) => notify(() => emit('state', state)),
    sessionStarted: (session) => {
      const banner = session.banner ?? '';
      deps.loggedIn(banner);
      logger.info({ banner }, 'AMI connected');
      sender.flush(session);
      notify(() => {
        emit('connected', { banner });
        session.goLive();
      });
    },
    sessionStopped: (_session, error) => {
      if (error) logger.warn({ err: error }, 'AMI connection lost');
      notify(() => emit('disconnected', error ? { error } : {}));
    },
    retryScheduled: (step, error) => {
      logger.warn({ err: error, ...step }, 'AMI connection down; reconnecting');
      notify(() => emit('reconnecting', step));
    },
    closed: (error) => {
      if (error) logger.error({ err: error }, 'AMI connection closed');
      else logger.info('AMI connection closed');
      sender.failAll(error);
      notify(() => emit('closed', undefined));
    },
  };
}

/** Where the sessions hand what they read. */
function sessionHandlers(deps: ConnectionHostDeps): SessionHandlers {
  const { sender, logger, emit, options } = deps;
  const resends = options.reconnect !== false && options.whileDisconnected !== 'reject';
  return {
    answer: (message) => sender.tracker.handle(message),
    publish: (message) => {
      if (message.kind === 'event') {
        // The catalogue types the names it knows; others are published under their name all the same.
        const event = message as AmiEvent;
        emit('event', event);
        emit(event.name, event);
        return;
      }
      if (message.kind === 'unknown') {
        // Neither Event nor Response: not AMI. Reported like the framing errors, with its text.
        const error = new AmiProtocolError(
          'A message with neither Event nor Response was dropped',
          'unknown-kind',
          message
            .fields()
            .map(([key, value]) => `${key}: ${value}`)
            .join('\n')
            .slice(0, 200),
        );
        logger.warn({ err: error, code: error.code, excerpt: error.excerpt }, error.message);
        emit('protocolError', error);
        return;
      }
      logger.debug(
        { kind: message.kind, name: message.name, actionId: message.get('ActionID') },
        'unsolicited message',
      );
      emit('unsolicited', message);
    },
    protocolError: (error) => {
      logger.warn({ err: error, code: error.code, excerpt: error.excerpt }, error.message);
      emit('protocolError', error);
    },
    ended: (session, error) => sender.sessionEnded(session, error, resends && deps.isLive(session)),
  };
}
