import { AmiError, AmiProtocolError } from '../protocol/errors.js';
import type { AmiMessage } from '../protocol/message.js';
import { AmiParser } from '../protocol/parser.js';
import { formatMessage } from '../protocol/serialize.js';
import { type ActionFields, fieldsForLog, isKnownIdempotent, toFieldList } from './actionFields.js';
import { createActionIdGenerator } from './actionId.js';
import {
  ActionTracker,
  type AmiList,
  type PendingAction,
  withCallerStack,
} from './actionTracker.js';
import { parseAmiUrl } from './amiUrl.js';
import type {
  ActionOptions,
  AmiClient,
  AmiConnectionEvents,
  AmiConnectionState,
} from './client.js';
import type { AmiConnectionOptions } from './connectionOptions.js';
import { createEmitter, type Emitter } from './emitter.js';
import { AmiAuthenticationError, AmiConnectionClosedError, AmiTimeoutError } from './errors.js';
import { Keepalive } from './keepalive.js';
import { getDefaultLogger, type Logger } from './logger.js';
import { login } from './login.js';
import { ReconnectPolicy } from './reconnectPolicy.js';
import { Session } from './session.js';
import { connectTcp } from './tcpTransport.js';
import { connectTls } from './tlsTransport.js';
import type { Transport, TransportFactory } from './transport.js';

export type { AmiConnectionOptions } from './connectionOptions.js';

const BANNER = /^Asterisk Call Manager/;
/** Bound on the messages held back while logging in (a server should send next to none). */
const MAX_EARLY_MESSAGES = 1000;

/**
 * One AMI session to Asterisk, kept alive: login (plain or MD5), actions matched to their responses
 * by ActionID, event lists, events on a typed bus, keepalive pings, reconnection with backoff.
 *
 * Guarantees: every action settles (response, `AmiActionError`, `AmiTimeoutError`,
 * `AmiConnectionClosedError` or `AmiListTooLongError`); an action on the wire when the connection
 * drops is never resent unless it is idempotent (`Originate` never is); a refused login stops
 * reconnecting with `AmiAuthenticationError`; after `close()` no timer or socket is left.
 *
 * @example
 * const ami = new AmiConnection({ host: '127.0.0.1', port: 5038, username: 'manager', secret: 'secret' });
 * ami.bus.on('event', (event) => {
 *   if (event.name === 'Hangup') log.info({ channel: event.get('Channel') }, 'hung up');
 * });
 * await ami.connect();
 * const pong = await ami.action('Ping');
 * const channels = await ami.listAction('CoreShowChannels');
 * await ami.action('Originate', {
 *   Channel: 'Local/401@default', Application: 'Wait', Data: '5', Async: true,
 *   Variable: ['A=1', 'B=2'],
 * });
 * await ami.close();
 */
export class AmiConnection implements AmiClient {
  /** Events, unsolicited responses and connection life-cycle notices. */
  readonly bus: Emitter<AmiConnectionEvents> = createEmitter<AmiConnectionEvents>();

  private readonly options: AmiConnectionOptions;
  private readonly actionTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly openTransport: TransportFactory;
  private readonly policy: ReconnectPolicy | undefined;
  private readonly tracker: ActionTracker;
  private readonly nextActionId: () => string;
  private readonly logger: Logger;

  private stateValue: AmiConnectionState = 'idle';
  private session: Session | undefined;
  private waiting: PendingAction[] = [];
  private keepalive: Keepalive | undefined;
  private bannerText: string | undefined;
  private lastError: Error | undefined;
  private closeRequested = false;
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private reconnectLoop: Promise<void> | undefined;
  private attemptAbort: AbortController | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private wakeSleep: (() => void) | undefined;

  constructor(options: AmiConnectionOptions) {
    this.options = options;
    this.actionTimeoutMs = options.actionTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.policy = options.reconnect === false ? undefined : new ReconnectPolicy(options.reconnect);
    this.tracker = new ActionTracker({ maxListItems: options.maxListItems ?? 50_000 });
    this.nextActionId = createActionIdGenerator(options.actionIdPrefix);
    this.logger = (options.logger ?? getDefaultLogger()).child({
      component: 'ami',
      server: `${options.host}:${options.port}`,
    });
    const tls = options.tls;
    this.openTransport =
      options.transport ??
      (tls ? (o) => connectTls(o, typeof tls === 'object' ? tls : {}) : connectTcp);
  }

  /**
   * Options from an `ami://user:secret@host:port` (or `amis://`) URL, overridable by `overrides`.
   *
   * @example
   * const ami = AmiConnection.fromUrl(process.env.ASTERISK_AMI_URL ?? 'ami://manager:secret@127.0.0.1');
   */
  static fromUrl(url: string, overrides: Partial<AmiConnectionOptions> = {}): AmiConnection {
    const { tls, authType, events, ...rest } = parseAmiUrl(url);
    return new AmiConnection({
      ...rest,
      tls,
      ...(authType ? { authType } : {}),
      ...(events ? { events } : {}),
      ...overrides,
    });
  }

  /** Where the connection stands; every change is also emitted as `state` on the bus. */
  get state(): AmiConnectionState {
    return this.stateValue;
  }

  /** The server's greeting line of the current (or last) session. */
  get banner(): string | undefined {
    return this.bannerText;
  }

  /** Why the connection last dropped or closed (`undefined` after an orderly `close()`). */
  get closeReason(): Error | undefined {
    return this.lastError;
  }

  /** How many actions are waiting for the connection or for their answer. */
  get pendingActions(): number {
    return this.tracker.size + this.waiting.filter((p) => p.open).length;
  }

  /**
   * Connects and logs in. Resolves once logged in; rejects with `AmiAuthenticationError` if the
   * login is refused (without retrying), or with the connection error if the first attempt fails
   * (unless `retryFirstConnect`). While reconnecting, resolves at the next successful login.
   */
  connect(): Promise<void> {
    if (this.stateValue === 'connected') return Promise.resolve();
    if (this.connecting) return this.connecting;
    if (this.closing) {
      return Promise.reject(new AmiConnectionClosedError('connect() called while closing'));
    }
    if (this.stateValue === 'reconnecting') return this.nextLogin();
    this.closeRequested = false;
    this.lastError = undefined;
    const attempt = this.firstConnect();
    this.connecting = attempt;
    const clear = (): void => {
      if (this.connecting === attempt) this.connecting = undefined;
    };
    attempt.then(clear, clear);
    return attempt;
  }

  /**
   * Logs off (when connected) and closes. Actions still pending reject with
   * `AmiConnectionClosedError`; reconnect attempts stop; no timer is left running.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown().finally(() => {
      this.closing = undefined;
    });
    return this.closing;
  }

  /**
   * Sends an action and resolves with its response. Rejects with `AmiActionError` (carrying the
   * response) on `Response: Error`, `AmiTimeoutError` when no answer comes in time, or
   * `AmiConnectionClosedError` when the connection is down (see `whileDisconnected`) or drops
   * while the action is on the wire (unless it is idempotent and gets resent).
   *
   * @example
   * const answer = await ami.action('Getvar', { Channel: channel, Variable: 'CALLERID(num)' });
   * answer.get('Value');
   */
  action(name: string, fields?: ActionFields, options?: ActionOptions): Promise<AmiMessage> {
    return this.submit(name, fields, options, false) as Promise<AmiMessage>;
  }

  /**
   * Sends a list action and resolves once the event with `EventList: Complete` arrives, with the
   * response, every item event (they do not go to the bus) and the closing event. Rejects like
   * {@link AmiConnection.action}, and with `AmiListTooLongError` past `maxListItems`. The timeout
   * restarts at each item.
   *
   * @example
   * const { items } = await ami.listAction('CoreShowChannels');
   * const channels = items.map((item) => item.get('Channel'));
   */
  listAction(name: string, fields?: ActionFields, options?: ActionOptions): Promise<AmiList> {
    return this.submit(name, fields, options, true) as Promise<AmiList>;
  }

  // --- actions ---------------------------------------------------------------------------------

  private submit(
    name: string,
    fields: ActionFields | undefined,
    options: ActionOptions | undefined,
    list: boolean,
  ): Promise<AmiMessage | AmiList> {
    const timeoutMs = options?.timeoutMs ?? this.actionTimeoutMs;
    // Created here, on the caller's stack: every rejection of this action reuses these frames.
    const origin = new AmiTimeoutError(name, timeoutMs);
    const refuse = (error: Error): Promise<never> => Promise.reject(withCallerStack(error, origin));
    const state = this.stateValue;
    if (this.closeRequested || state === 'closed' || state === 'idle') {
      return refuse(
        new AmiConnectionClosedError(
          state === 'idle' ? `${name}: call connect() first` : `${name}: the connection is closed`,
          { cause: this.lastError },
        ),
      );
    }
    const waits = state !== 'connected';
    if (waits && this.options.whileDisconnected === 'reject') {
      return refuse(
        new AmiConnectionClosedError(`${name}: not connected (${state})`, {
          cause: this.lastError,
        }),
      );
    }
    if (waits && this.waitingCount() >= (this.options.maxWaitingActions ?? 1000)) {
      return refuse(
        new AmiConnectionClosedError(`${name}: too many actions already wait for the connection`),
      );
    }
    let created: ReturnType<AmiConnection['create']>;
    try {
      created = this.create(name, fields, list, options?.idempotent ?? isKnownIdempotent(name), {
        origin,
        timeoutMs,
      });
    } catch (error) {
      return refuse(asError(error));
    }
    options?.onActionId?.(created.pending.id);
    if (waits) this.waiting.push(created.pending);
    else this.transmit(created.pending);
    return created.promise;
  }

  /** Login, Challenge, keepalive Ping, Logoff: straight onto the current session, never queued. */
  private internalAction(
    name: string,
    fields: ActionFields | undefined,
    timeoutMs: number,
  ): Promise<AmiMessage> {
    const origin = new AmiTimeoutError(name, timeoutMs);
    const { pending, promise } = this.create(name, fields, false, false, { origin, timeoutMs });
    this.transmit(pending, true);
    return promise as Promise<AmiMessage>;
  }

  private create(
    name: string,
    fields: ActionFields | undefined,
    list: boolean,
    idempotent: boolean,
    timing: { origin: AmiTimeoutError; timeoutMs: number },
  ): { pending: PendingAction; promise: Promise<AmiMessage | AmiList> } {
    const id = this.nextActionId();
    const fieldList = toFieldList(fields);
    const wire = formatMessage([['Action', name], ['ActionID', id], ...fieldList]);
    if (this.logger.isLevelEnabled('debug')) {
      this.logger.debug({ action: name, actionId: id, fields: fieldsForLog(fieldList) }, 'action');
    }
    return this.tracker.create(
      { id, name, wire, list, idempotent, origin: timing.origin },
      timing.timeoutMs,
    );
  }

  private transmit(pending: PendingAction, internal = false): void {
    const session = this.session;
    if (!session || session.transport.isClosed) {
      // The socket died an instant ago and the loss is not processed yet: not sent, so it may wait.
      if (!internal && this.policy && this.options.whileDisconnected !== 'reject') {
        this.waiting.push(pending);
        return;
      }
      pending.fail(new AmiConnectionClosedError(`${pending.name}: not connected`));
      return;
    }
    this.tracker.sent(pending);
    session.transport.send(pending.wire);
  }

  private waitingCount(): number {
    if (this.waiting.some((p) => !p.open)) this.waiting = this.waiting.filter((p) => p.open);
    return this.waiting.length;
  }

  private failWaiting(makeError: () => Error): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const pending of waiting) pending.fail(makeError());
  }

  // --- sessions --------------------------------------------------------------------------------

  private async firstConnect(): Promise<void> {
    this.setState('connecting');
    this.policy?.reset();
    for (;;) {
      try {
        await this.openSession();
        return;
      } catch (caught) {
        const error = asError(caught);
        if (this.closeRequested) {
          throw new AmiConnectionClosedError('close() was called while connecting', {
            cause: error,
          });
        }
        const retry =
          this.options.retryFirstConnect && !(error instanceof AmiAuthenticationError)
            ? this.policy?.next(error)
            : undefined;
        if (!retry) {
          this.logger.error({ err: error }, 'AMI connection failed');
          this.finish(error);
          throw error;
        }
        this.logger.warn({ err: error, ...retry }, 'AMI connection failed; retrying');
        this.emit('reconnecting', retry);
        await this.sleep(retry.delayMs);
        if (this.closeRequested)
          throw new AmiConnectionClosedError('close() called while connecting');
      }
    }
  }

  private async reconnect(error: Error | undefined): Promise<void> {
    this.setState('reconnecting');
    let last = error;
    try {
      for (;;) {
        const step = this.policy?.next(last);
        if (!step) {
          const attempts = this.policy?.attempt ?? 0;
          const gaveUp = new AmiConnectionClosedError(
            `Gave up reconnecting after ${attempts} attempt(s)`,
            { cause: last },
          );
          this.logger.error({ err: gaveUp }, 'AMI reconnection abandoned');
          this.finish(gaveUp);
          return;
        }
        this.emit('reconnecting', step);
        await this.sleep(step.delayMs);
        if (this.closeRequested) return;
        try {
          await this.openSession();
          return;
        } catch (caught) {
          if (this.closeRequested) return;
          last = asError(caught);
          if (last instanceof AmiAuthenticationError) {
            this.logger.error({ err: last }, 'AMI login refused while reconnecting; giving up');
            this.finish(last);
            return;
          }
          this.logger.warn({ err: last, attempt: step.attempt }, 'AMI reconnect attempt failed');
        }
      }
    } catch (unexpected) {
      this.logger.error({ err: unexpected }, 'AMI reconnect loop failed');
      this.finish(asError(unexpected));
    }
  }

  /** One attempt: transport, banner, login. On success the state is `connected`. */
  private async openSession(): Promise<void> {
    const abort = new AbortController();
    this.attemptAbort = abort;
    let session: Session | undefined;
    try {
      const transport = await this.openTransport({
        host: this.options.host,
        port: this.options.port,
        connectTimeoutMs: this.connectTimeoutMs,
        signal: abort.signal,
      });
      session = this.startSession(transport);
      if (this.closeRequested)
        throw new AmiConnectionClosedError('close() called while connecting');
      const banner = await session.waitForBanner(this.connectTimeoutMs);
      if (!BANNER.test(banner)) {
        throw new AmiProtocolError(
          `Not an Asterisk manager interface: ${JSON.stringify(banner.slice(0, 80))}`,
          'bad-banner',
          banner.slice(0, 200),
        );
      }
      await login((name, fields) => this.internalAction(name, fields, this.actionTimeoutMs), {
        username: this.options.username,
        secret: this.options.secret,
        authType: this.options.authType ?? 'plain',
        events: this.options.events,
      });
      if (this.closeRequested)
        throw new AmiConnectionClosedError('close() called while connecting');
      if (session.transport.isClosed) {
        throw new AmiConnectionClosedError('The connection closed right after login', {
          cause: session.endError ?? session.transport.closeError,
        });
      }
      this.onLoggedIn(session, banner);
    } catch (error) {
      if (session) {
        if (this.session === session) this.session = undefined;
        await session.transport.close(asError(error));
      }
      throw error;
    } finally {
      if (this.attemptAbort === abort) this.attemptAbort = undefined;
    }
  }

  private startSession(transport: Transport): Session {
    const session = new Session(transport);
    const parser = new AmiParser(
      {
        banner: (text) => session.receivedBanner(text),
        message: (message) => {
          if (this.session === session) this.dispatch(message, session);
        },
        error: (error) => {
          this.logger.warn({ err: error, code: error.code, excerpt: error.excerpt }, error.message);
          this.emit('protocolError', error);
        },
      },
      { maxMessageBytes: this.options.maxMessageBytes },
    );
    this.session = session;
    session.done = this.readLoop(session, parser);
    return session;
  }

  private async readLoop(session: Session, parser: AmiParser): Promise<void> {
    try {
      for await (const chunk of session.transport) parser.push(chunk);
    } catch (error) {
      session.endError ??= asError(error);
    }
    try {
      this.sessionEnded(session, session.endError ?? session.transport.closeError);
    } catch (error) {
      this.logger.error({ err: error }, 'AMI session clean-up failed');
    }
  }

  private onLoggedIn(session: Session, banner: string): void {
    this.bannerText = banner;
    this.lastError = undefined;
    this.policy?.reset();
    this.setState('connected');
    this.logger.info({ banner }, 'AMI connected');
    const interval = this.options.keepaliveIntervalMs ?? 30_000;
    if (interval !== false && interval > 0) {
      const keepalive = new Keepalive(interval, this.options.keepaliveTimeoutMs ?? 10_000, {
        ping: (timeoutMs) => this.internalAction('Ping', undefined, timeoutMs),
        dead: (error) => {
          if (this.session !== session) return;
          const lost = new AmiConnectionClosedError(
            `No answer to a keepalive Ping within ${error.timeoutMs} ms: connection deemed dead`,
            { cause: error },
          );
          session.endError ??= lost;
          void session.transport.close(lost);
        },
      });
      this.keepalive = keepalive;
      keepalive.start();
    }
    const queued = this.waiting;
    this.waiting = [];
    for (const pending of queued) if (pending.open) this.transmit(pending);
    this.emit('connected', { banner });
    const early = session.early ?? [];
    session.early = undefined;
    for (const message of early) {
      if (this.session !== session) break;
      this.publish(message);
    }
  }

  private dispatch(message: AmiMessage, session: Session): void {
    if (this.tracker.handle(message)) return;
    // Events that arrive with the login response (FullyBooted...) go out after `connected`.
    if (session.early && session.early.length < MAX_EARLY_MESSAGES) {
      session.early.push(message);
      return;
    }
    this.publish(message);
  }

  private publish(message: AmiMessage): void {
    if (message.kind === 'event') {
      this.emit('event', message);
    } else {
      this.logger.debug(
        { kind: message.kind, name: message.name, actionId: message.get('ActionID') },
        'unsolicited message',
      );
      this.emit('unsolicited', message);
    }
  }

  private sessionEnded(session: Session, error: Error | undefined): void {
    session.ended(error);
    if (this.session !== session) return;
    this.session = undefined;
    this.keepalive?.stop();
    this.keepalive = undefined;
    const wasConnected = this.stateValue === 'connected';
    const resend =
      wasConnected &&
      !this.closeRequested &&
      this.policy !== undefined &&
      this.options.whileDisconnected !== 'reject';
    const again = this.tracker.connectionLost(error, resend);
    if (again.length > 0) this.waiting.unshift(...again);
    // During an attempt, the attempt's own failure drives what happens next.
    if (!wasConnected) return;
    if (error) this.lastError = error;
    if (this.closeRequested) {
      this.emit('disconnected', {});
      return;
    }
    this.logger.warn({ err: error }, 'AMI connection lost');
    this.emit('disconnected', error ? { error } : {});
    if (!this.policy) {
      this.finish(error);
      return;
    }
    const loop = this.reconnect(error);
    this.reconnectLoop = loop;
    void loop.finally(() => {
      if (this.reconnectLoop === loop) this.reconnectLoop = undefined;
    });
  }

  /** Terminal: reject everything still pending, state `closed`. */
  private finish(error: Error | undefined): void {
    if (this.stateValue === 'closed') return;
    if (error) this.lastError = error;
    this.keepalive?.stop();
    this.keepalive = undefined;
    this.cancelSleep();
    const reason = error ? `the connection failed: ${error.message}` : 'the connection was closed';
    this.failWaiting(() => new AmiConnectionClosedError(reason, { cause: error }));
    this.tracker.connectionLost(error, false);
    this.setState('closed');
    this.emit('closed', undefined);
  }

  private async shutDown(): Promise<void> {
    if (this.stateValue === 'closed') return;
    if (this.stateValue === 'idle') {
      this.setState('closed');
      this.emit('closed', undefined);
      return;
    }
    this.closeRequested = true;
    this.keepalive?.stop();
    this.keepalive = undefined;
    this.cancelSleep();
    this.attemptAbort?.abort();
    this.failWaiting(() => new AmiConnectionClosedError('close() was called before it was sent'));
    const session = this.session;
    if (session && this.stateValue === 'connected') {
      try {
        await this.internalAction('Logoff', undefined, Math.min(this.actionTimeoutMs, 2000));
      } catch (error) {
        this.logger.debug({ err: error }, 'Logoff got no answer');
      }
    }
    if (session) {
      await session.transport.close();
      await session.done;
    }
    // Let an attempt in progress notice the close and unwind.
    await this.reconnectLoop;
    await this.connecting?.catch(() => undefined);
    this.failWaiting(() => new AmiConnectionClosedError('the connection was closed'));
    this.finish(undefined);
    this.logger.info('AMI connection closed');
  }

  /** Resolves at the next login, rejects if the connection closes first. */
  private nextLogin(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onState = (state: AmiConnectionState): void => {
        if (state === 'connected') {
          this.bus.off('state', onState);
          resolve();
        } else if (state === 'closed') {
          this.bus.off('state', onState);
          reject(
            new AmiConnectionClosedError('The connection closed while reconnecting', {
              cause: this.lastError,
            }),
          );
        }
      };
      this.bus.on('state', onState);
    });
  }

  // --- plumbing --------------------------------------------------------------------------------

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeSleep = resolve;
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = undefined;
        this.wakeSleep = undefined;
        resolve();
      }, ms);
    });
  }

  private cancelSleep(): void {
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.sleepTimer = undefined;
    const wake = this.wakeSleep;
    this.wakeSleep = undefined;
    wake?.();
  }

  private setState(state: AmiConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  /** Emits on the bus; a listener that throws is logged, never allowed into the socket handler. */
  private emit<K extends keyof AmiConnectionEvents>(
    type: K,
    payload: AmiConnectionEvents[K],
  ): void {
    try {
      this.bus.emit(type, payload);
    } catch (error) {
      this.logger.error({ err: error, event: type }, 'An AMI bus listener threw');
    }
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new AmiError(String(value));
}
