import type { AmiMessage } from '../protocol/message.js';
import { formatMessage } from '../protocol/serialize.js';
import { type ActionFields, fieldsForLog, toFieldList } from './actionFields.js';
import { createActionIdGenerator } from './actionId.js';
import { ActionTracker, type AmiList } from './actionTracker.js';
import { AmiConnectionClosedError, AmiTimeoutError } from './errors.js';
import type { Logger } from './logger.js';
import { OfflineQueue } from './offlineQueue.js';
import type { PendingAction } from './pendingAction.js';
import type { Session } from './session.js';

/** How an action is to be sent. */
export interface ActionSpec {
  list: boolean;
  idempotent: boolean;
  timeoutMs: number;
  /** Created where the caller called, so that every rejection carries the caller's stack. */
  origin: AmiTimeoutError;
}

/** Settings of an {@link ActionSender}. */
export interface ActionSenderOptions {
  actionIdPrefix?: string | undefined;
  maxListItems: number;
  maxWaitingActions: number;
  logger: Logger;
}

/**
 * The outgoing side of a connection: gives each action its ActionID and wire form, puts it on a
 * session's socket and tracks it there ({@link ActionTracker}), or holds it in the
 * {@link OfflineQueue} until the next login. Each session's end settles exactly the actions it
 * carried.
 *
 * @example
 * const sender = new ActionSender({ maxListItems: 50_000, maxWaitingActions: 1000, logger });
 * const { pending, promise } = sender.create('Ping', undefined, spec);
 * sender.send(pending, session, false);
 */
export class ActionSender {
  readonly tracker: ActionTracker;
  readonly offline: OfflineQueue;
  private readonly nextActionId: () => string;
  private readonly logger: Logger;

  constructor(options: ActionSenderOptions) {
    this.tracker = new ActionTracker({ maxListItems: options.maxListItems });
    this.offline = new OfflineQueue(options.maxWaitingActions);
    this.nextActionId = createActionIdGenerator(options.actionIdPrefix);
    this.logger = options.logger;
  }

  /** Login, Challenge, keepalive Ping, Logoff on the wire: not the application's actions. */
  private internalInFlight = 0;

  /** Actions on the wire or waiting for the connection. */
  get pending(): number {
    return this.tracker.size + this.offline.size;
  }

  /** The application's actions on the wire (what `maxActionsInFlight` bounds). */
  get applicationInFlight(): number {
    return this.tracker.size - this.internalInFlight;
  }

  /** A pending action with a fresh ActionID; its timeout runs from now. */
  create(
    name: string,
    fields: ActionFields | undefined,
    spec: ActionSpec,
  ): { pending: PendingAction; promise: Promise<AmiMessage | AmiList> } {
    const id = this.nextActionId();
    const fieldList = toFieldList(fields);
    const wire = formatMessage([['Action', name], ['ActionID', id], ...fieldList]);
    if (this.logger.isLevelEnabled('debug')) {
      this.logger.debug({ action: name, actionId: id, fields: fieldsForLog(fieldList) }, 'action');
    }
    const { list, idempotent, origin, timeoutMs } = spec;
    return this.tracker.create({ id, name, wire, list, idempotent, origin }, timeoutMs);
  }

  /**
   * Puts an action on `session`'s socket. If that socket died an instant ago (its end not yet
   * handled), the action was never sent: it waits offline when `mayWait`, else it fails.
   */
  send(pending: PendingAction, session: Session, mayWait: boolean): void {
    if (session.ended) {
      if (mayWait) this.offline.push(pending);
      else pending.fail(new AmiConnectionClosedError(`${pending.name}: not connected`));
      return;
    }
    this.tracker.sent(pending, session);
    session.send(pending.wire);
  }

  /** Login, Challenge, keepalive Ping, Logoff: straight onto `session`, never held. */
  internal(
    session: Session,
    name: string,
    fields: ActionFields | undefined,
    timeoutMs: number,
  ): Promise<AmiMessage> {
    const origin = new AmiTimeoutError(name, timeoutMs);
    const spec = { list: false, idempotent: false, timeoutMs, origin };
    const { pending, promise } = this.create(name, fields, spec);
    this.send(pending, session, false);
    if (pending.state === 'sent') {
      this.internalInFlight += 1;
      const settled = (): void => {
        this.internalInFlight -= 1;
      };
      promise.then(settled, settled);
    }
    return promise as Promise<AmiMessage>;
  }

  /** Logged in on `session`: send everything that waited, in order. */
  flush(session: Session): void {
    for (const pending of this.offline.drain()) this.send(pending, session, true);
  }

  /**
   * `session` ended: its actions in flight reject with `AmiConnectionClosedError`, except, when
   * `resend`, the idempotent ones, which wait for the next login.
   */
  sessionEnded(session: Session, error: Error | undefined, resend: boolean): void {
    this.offline.requeue(this.tracker.connectionLost(error, resend, session));
  }

  /** Closed for good: everything still pending rejects. */
  failAll(error: Error | undefined): void {
    const reason = error ? `the connection failed: ${error.message}` : 'the connection was closed';
    this.offline.failAll(() => new AmiConnectionClosedError(reason, { cause: error }));
    this.tracker.connectionLost(error, false);
  }
}
