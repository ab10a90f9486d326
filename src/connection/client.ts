import type { AmiEvent, AmiEventsByName } from '../protocol/amiEvent.js';
import type { AmiProtocolError } from '../protocol/errors.js';
import type { AmiMessage } from '../protocol/message.js';
import type { ActionArgs } from './actionFields.js';
import type { AmiList } from './actionTracker.js';
import type { Emitter } from './emitter.js';
import type { AmiConnectionClosedError } from './errors.js';

/**
 * Where a connection stands: `idle` before `connect()`, `connecting` during the first attempt
 * (transport, banner, login), `connected` once logged in, `reconnecting` between a loss (or a failed
 * first attempt, with `retryFirstConnect`) and the next login, `closed` after `close()`, a refused
 * login, or giving up. The top-level states of `AmiConnection.lifecycle`.
 */
export type AmiConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/**
 * What a connection publishes on its `bus` (a typed `mitt` emitter): each AMI event under `event`
 * and under its own name (`bus.on('Hangup', (event) => event.get('Cause-txt'))`), and the
 * connection's life under lower-case names. A type alias rather than an interface because mitt
 * wants a record type.
 */
export type AmiConnectionEvents = AmiEventsByName & {
  /**
   * Every AMI event that is not an item of a list being collected by `listAction`;
   * `event.name === 'Hangup'` narrows it to that event's keys.
   */
  event: AmiEvent;
  /** A response that matches no pending action (a late answer after a timeout, for instance). */
  unsolicited: AmiMessage;
  /** Logged in (first time or after a reconnect); `banner` is the server's greeting line. */
  connected: { banner: string };
  /** The logged-in session ended; `error` says why (none for an orderly `close()`). */
  disconnected: { error?: Error };
  /** A reconnect attempt is scheduled in `delayMs`. */
  reconnecting: { attempt: number; delayMs: number };
  /** The server sent bytes that broke the framing; the parser resynchronised. */
  protocolError: AmiProtocolError;
  /** Every state change. */
  state: AmiConnectionState;
  /** The connection is closed for good (see `closeReason`). */
  closed: undefined;
};

/** Per-action settings. */
export interface ActionOptions {
  /**
   * Reject with `AmiTimeoutError` if no answer (for a list: no further item) arrives within this
   * time, counted from the call, waiting time included. Default: the connection's
   * `actionTimeoutMs`.
   */
  timeoutMs?: number;
  /**
   * May the action be sent again after a reconnect if it was on the wire when the connection
   * dropped? Default: true only for known read-only actions (`Ping`, `CoreShowChannels`,
   * `Status`, `Getvar`...), false for everything else, `Originate` first: a call must never be
   * placed twice. A non-idempotent action in flight at a loss rejects with
   * {@link AmiConnectionClosedError}.
   */
  idempotent?: boolean;
  /**
   * Called synchronously with the ActionID the action is sent with, before it is sent: for actions
   * whose outcome arrives later in events carrying that ActionID (`OriginateResponse`), so that a
   * listener is in place before the first such event can arrive.
   */
  onActionId?: (actionId: string) => void;
}

/**
 * What the runtime needs from an AMI connection; tests can fake it.
 *
 * @example
 * async function channelCount(ami: AmiClient): Promise<number> {
 *   const list = await ami.listAction('CoreShowChannels');
 *   return list.items.length;
 * }
 */
export interface AmiClient {
  /** Events, unsolicited responses and connection life-cycle notices. */
  readonly bus: Emitter<AmiConnectionEvents>;
  readonly state: AmiConnectionState;
  /** Why the connection closed for good, when it did not close in order (a refused login...). */
  readonly closeReason?: Error | undefined;
  /**
   * Sends an action; resolves with its response, rejects with `AmiActionError` (carrying the
   * response) on `Response: Error`, `AmiTimeoutError`, or `AmiConnectionClosedError`. The fields
   * of an action Asterisk documents are type-checked (required ones, no misspelt keys); any other
   * action takes any fields.
   */
  action<Name extends string>(name: Name, ...args: ActionArgs<Name>): Promise<AmiMessage>;
  /**
   * Sends a list action (`EventList: start` ... `EventList: Complete`) and resolves with the whole
   * list; also rejects with `AmiListTooLongError` past the item cap.
   */
  listAction<Name extends string>(name: Name, ...args: ActionArgs<Name>): Promise<AmiList>;
}
