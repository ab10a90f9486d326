import { createActor, waitFor } from 'xstate';
import { AmiError } from '../protocol/errors.js';
import type { AmiMessage } from '../protocol/message.js';
import { type ActionArgs, type ActionFields, isKnownIdempotent } from './actionFields.js';
import { ActionSender } from './actionSender.js';
import type { AmiList } from './actionTracker.js';
import { parseAmiUrl } from './amiUrl.js';
import type {
  ActionOptions,
  AmiClient,
  AmiConnectionEvents,
  AmiConnectionState,
} from './client.js';
import { createConnectionHost } from './connectionHost.js';
import type { AmiConnectionOptions } from './connectionOptions.js';
import { createEmitter, type Emitter } from './emitter.js';
import { AmiConnectionClosedError, AmiTimeoutError, AmiTooManyActionsError } from './errors.js';
import {
  type ConnectionLifecycleRef,
  connectionLifecycleMachine,
  lifecycleState,
} from './lifecycleMachine.js';
import { getDefaultLogger, type Logger } from './logger.js';
import { withCallerStack } from './pendingAction.js';
import { ReconnectPolicy } from './reconnectPolicy.js';

export type { AmiConnectionOptions } from './connectionOptions.js';

/**
 * One AMI session to Asterisk, kept alive: login (plain or MD5), actions matched to their responses
 * by ActionID, event lists, events on a typed bus, keepalive pings, reconnection with backoff. Its
 * life (idle, connecting, connected, reconnecting, closed) is a statechart, `lifecycle`.
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
  /**
   * The connection's life as a running statechart, to observe and inspect. The top level of its
   * value is the {@link AmiConnectionState}: `lifecycle.getSnapshot().matches('reconnecting')`.
   */
  readonly lifecycle: ConnectionLifecycleRef;

  private readonly options: AmiConnectionOptions;
  private readonly maxActionsInFlight: number;
  private readonly actionTimeoutMs: number;
  private readonly sender: ActionSender;
  private readonly logger: Logger;
  /** Attempts and sessions still winding down: `close()` waits for them. */
  private readonly unsettled = new Set<Promise<unknown>>();
  /** Bus notices raised by the chart's actions, emitted once its new snapshot is committed. */
  private readonly outbox: Array<() => void> = [];
  private lastBanner: string | undefined;

  constructor(options: AmiConnectionOptions) {
    this.options = options;
    this.actionTimeoutMs = options.actionTimeoutMs ?? 10_000;
    this.maxActionsInFlight = options.maxActionsInFlight ?? 10_000;
    this.logger = (options.logger ?? getDefaultLogger()).child({
      component: 'ami',
      server: `${options.host}:${options.port}`,
    });
    this.sender = new ActionSender({
      actionIdPrefix: options.actionIdPrefix,
      maxListItems: options.maxListItems ?? 50_000,
      maxWaitingActions: options.maxWaitingActions ?? 1000,
      logger: this.logger,
    });
    this.lifecycle = createActor(connectionLifecycleMachine, {
      input: {
        host: createConnectionHost({
          options,
          actionTimeoutMs: this.actionTimeoutMs,
          sender: this.sender,
          logger: this.logger,
          emit: (type, payload) => this.emit(type, payload),
          notify: (notice) => this.outbox.push(notice),
          settling: (promise) => this.settling(promise),
          isLive: (session) => {
            const snapshot = this.lifecycle.getSnapshot();
            return snapshot.matches({ connected: 'live' }) && snapshot.context.session === session;
          },
          loggedIn: (banner) => {
            this.lastBanner = banner;
          },
        }),
        policy: options.reconnect === false ? undefined : new ReconnectPolicy(options.reconnect),
        retryFirstConnect: options.retryFirstConnect ?? false,
      },
    });
    this.lifecycle.subscribe(() => this.flushOutbox());
    this.lifecycle.start();
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
    return lifecycleState(this.lifecycle.getSnapshot());
  }

  /** The server's greeting line of the current (or last) session. */
  get banner(): string | undefined {
    return this.lastBanner;
  }

  /** Why the connection last dropped or closed (`undefined` after an orderly `close()`). */
  get closeReason(): Error | undefined {
    return this.lifecycle.getSnapshot().context.error;
  }

  /** How many actions are waiting for the connection or for their answer. */
  get pendingActions(): number {
    return this.sender.pending;
  }

  /**
   * Connects and logs in. Resolves once logged in; rejects with `AmiAuthenticationError` if the
   * login is refused (without retrying), or with the connection error if the first attempt fails
   * (unless `retryFirstConnect`). While reconnecting, resolves at the next successful login.
   */
  connect(): Promise<void> {
    const snapshot = this.lifecycle.getSnapshot();
    if (snapshot.matches({ connected: 'live' })) return Promise.resolve();
    if (snapshot.matches('connected')) {
      return Promise.reject(new AmiConnectionClosedError('connect() called while closing'));
    }
    this.lifecycle.send({ type: 'connect' });
    return new Promise((resolve, reject) => {
      const subscription = this.lifecycle.subscribe((next) => {
        if (next.matches('connected')) resolve();
        else if (next.matches('closed')) {
          const error = next.context.error;
          reject(error ?? new AmiConnectionClosedError('close() was called while connecting'));
        } else return;
        subscription.unsubscribe();
      });
    });
  }

  /**
   * Logs off (when connected) and closes. Actions still pending reject with
   * `AmiConnectionClosedError`; reconnect attempts stop; no timer or socket is left.
   */
  async close(): Promise<void> {
    this.lifecycle.send({ type: 'close' });
    await waitFor(this.lifecycle, (snapshot) => snapshot.matches('closed'), {
      timeout: Number.POSITIVE_INFINITY,
    });
    while (this.unsettled.size > 0) await Promise.allSettled([...this.unsettled]);
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
  action<Name extends string>(
    name: Name,
    ...[fields, options]: ActionArgs<Name>
  ): Promise<AmiMessage> {
    return this.submit(
      name,
      fields as ActionFields | undefined,
      options,
      false,
    ) as Promise<AmiMessage>;
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
  listAction<Name extends string>(
    name: Name,
    ...[fields, options]: ActionArgs<Name>
  ): Promise<AmiList> {
    return this.submit(name, fields as ActionFields | undefined, options, true) as Promise<AmiList>;
  }

  private submit(
    name: string,
    fields: ActionFields | undefined,
    options: ActionOptions | undefined,
    list: boolean,
  ): Promise<AmiMessage | AmiList> {
    const timeoutMs = options?.timeoutMs ?? this.actionTimeoutMs;
    // Created here, on the caller's stack: every rejection of this action reuses these frames.
    const origin = new AmiTimeoutError(name, timeoutMs);
    const refuse = (message: string): Promise<never> => {
      const error = new AmiConnectionClosedError(message, { cause: this.closeReason });
      return Promise.reject(withCallerStack(error, origin));
    };
    const snapshot = this.lifecycle.getSnapshot();
    const live = snapshot.matches({ connected: 'live' }) ? snapshot.context.session : undefined;
    if (!live) {
      if (!snapshot.matches('connecting') && !snapshot.matches('reconnecting')) {
        const why = snapshot.matches('idle') ? 'call connect() first' : 'the connection is closed';
        return refuse(`${name}: ${why}`);
      }
      if (this.options.whileDisconnected === 'reject') {
        return refuse(`${name}: not connected (${lifecycleState(snapshot)})`);
      }
      if (this.sender.offline.isFull) {
        return refuse(`${name}: too many actions already wait for the connection`);
      }
    }
    const inFlight = this.sender.applicationInFlight;
    if (live && inFlight >= this.maxActionsInFlight) {
      const error = new AmiTooManyActionsError(
        `${name}: ${inFlight} actions already wait for an answer (maxActionsInFlight)`,
      );
      return Promise.reject(withCallerStack(error, origin));
    }
    let created: ReturnType<ActionSender['create']>;
    try {
      const idempotent = options?.idempotent ?? isKnownIdempotent(name);
      created = this.sender.create(name, fields, { list, idempotent, timeoutMs, origin });
    } catch (error) {
      return Promise.reject(withCallerStack(asError(error), origin));
    }
    options?.onActionId?.(created.pending.id);
    if (live) this.sender.send(created.pending, live, this.resends);
    else this.sender.offline.push(created.pending);
    return created.promise;
  }

  /** Whether there is a next login for actions cut off by a loss to wait for. */
  private get resends(): boolean {
    return this.options.reconnect !== false && this.options.whileDisconnected !== 'reject';
  }

  /** Keeps `promise` among what `close()` waits for, until it settles. */
  private settling(promise: Promise<unknown>): void {
    this.unsettled.add(promise);
    const forget = (): void => void this.unsettled.delete(promise);
    promise.then(forget, forget);
  }

  private flushOutbox(): void {
    for (let notice = this.outbox.shift(); notice; notice = this.outbox.shift()) notice();
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
