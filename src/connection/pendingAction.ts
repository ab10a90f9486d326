import type { AmiMessage } from '../protocol/message.js';
import { withStack } from '../protocol/pendingRequests.js';
import type { AmiList } from './actionTracker.js';
import type { AmiTimeoutError } from './errors.js';

/** What the tracker needs to know about one action. */
export interface PendingActionSpec {
  /** The ActionID, unique for the connection's life. */
  id: string;
  /** The action name, for errors and logs. */
  name: string;
  /** The whole message as written on the wire. */
  wire: string;
  /** Collect an event list (`listAction`) rather than resolve on the response. */
  list: boolean;
  /** Whether the action may be sent again after a reconnect. */
  idempotent: boolean;
  /**
   * The timeout error, created where the caller called: rejections of this action carry its stack,
   * so they point at the caller rather than at the socket handler.
   */
  origin: AmiTimeoutError;
}

/** Where a pending action stands. */
export type PendingActionState = 'waiting' | 'sent' | 'draining' | 'settled';

/**
 * One action between the call and its answer. `waiting` means not yet on the wire (the connection
 * is down), `sent` in flight, `draining` a list that overflowed its cap: already rejected, its
 * remaining items are swallowed until `EventList: Complete`. Its promise is a request of the
 * tracker's `PendingRequests`, which owns the timeout and gives rejections the caller's stack.
 */
export class PendingAction {
  readonly id: string;
  readonly name: string;
  readonly wire: string;
  readonly list: boolean;
  readonly idempotent: boolean;
  readonly origin: AmiTimeoutError;
  state: PendingActionState = 'waiting';
  response: AmiMessage | undefined;
  items: AmiMessage[] = [];
  itemCount = 0;
  /** What carried it on the wire (a connection's session), when the tracker was told. */
  carrier: unknown;
  constructor(
    spec: PendingActionSpec,
    private readonly settle: {
      resolve(value: AmiMessage | AmiList): void;
      reject(error: Error): void;
    },
  ) {
    this.id = spec.id;
    this.name = spec.name;
    this.wire = spec.wire;
    this.list = spec.list;
    this.idempotent = spec.idempotent;
    this.origin = spec.origin;
  }

  /** Whether the promise is still open. */
  get open(): boolean {
    return this.state === 'waiting' || this.state === 'sent';
  }

  /** Resolve the promise (once). */
  succeed(value: AmiMessage | AmiList): void {
    if (!this.open) return;
    this.state = 'settled';
    this.settle.resolve(value);
  }

  /** Reject the promise (once) with `error`, its stack replaced by the caller's. */
  fail(error: Error, next: 'settled' | 'draining' = 'settled'): void {
    if (!this.open) return;
    this.state = next;
    if (next === 'draining') this.items = [];
    this.settle.reject(error);
  }

  /** Back to `waiting` for a resend: forget what a previous attempt collected. */
  rewind(): void {
    this.state = 'waiting';
    this.response = undefined;
    this.items = [];
    this.itemCount = 0;
  }
}

/** Gives `error` the stack frames of `origin` (created where the caller called). */
export const withCallerStack = withStack;
