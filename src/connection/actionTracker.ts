import type { AmiMessage } from '../protocol/message.js';
import { type Clock, PendingRequests, realClock } from '../protocol/pendingRequests.js';
import { AmiConnectionClosedError, AmiListTooLongError, actionErrorFor } from './errors.js';
import { PendingAction, type PendingActionSpec } from './pendingAction.js';

/**
 * The answer to a list action (`CoreShowChannels`, `Status`, `QueueStatus`...): the response that
 * opened the list (`EventList: start`), the item events in order, and the event that closed it
 * (`EventList: Complete`, with `ListItems: N`).
 */
export interface AmiList {
  response: AmiMessage;
  items: AmiMessage[];
  /** The closing event; for a response without `EventList: start`, the response itself. */
  complete: AmiMessage;
}

/** Options of {@link ActionTracker}. */
export interface ActionTrackerOptions {
  /** Most item events a list may collect; more rejects with {@link AmiListTooLongError}. */
  maxListItems: number;
  /** The clock of the timeouts (default: real time, timers that do not keep the process alive). */
  clock?: Clock;
}

/**
 * Matches AMI responses and list events to pending actions by ActionID (sans I/O: the connection
 * writes, the tracker only keeps the books).
 *
 * - a response resolves its action, or rejects it on `Response: Error` with {@link AmiActionError}
 *   ({@link AmiPermissionError} for `Permission denied`);
 * - a list action (`listAction`) collects the events carrying its ActionID until the one with
 *   `EventList: Complete`; past the item cap it rejects at once with {@link AmiListTooLongError} and
 *   keeps swallowing the list's events until its end, so nothing leaks onto the event bus;
 * - every action has a timeout (an idle timeout for lists: each item restarts it);
 * - when the connection drops, in-flight actions are rejected with
 *   {@link AmiConnectionClosedError}, except idempotent ones the caller wants to resend.
 *
 * @example
 * const tracker = new ActionTracker({ maxListItems: 10_000 });
 * const { pending, promise } = tracker.create(spec, 10_000);
 * transport.send(pending.wire);
 * tracker.sent(pending);
 * parserHandlers.message = (m) => tracker.handle(m) || bus.emit('event', m);
 */
export class ActionTracker {
  private readonly inFlight = new Map<string, PendingAction>();
  /** Every action's promise and timeout, sent or not, until it settles. */
  private readonly replies: PendingRequests<AmiMessage | AmiList, PendingAction>;
  /** Overflowed lists still swallowing their items: each stops at `Complete` or when idle. */
  private readonly drains = new Map<string, { timer: unknown; timeoutMs: number }>();
  private readonly maxListItems: number;
  private readonly clock: Clock;

  constructor(options: ActionTrackerOptions) {
    this.maxListItems = options.maxListItems;
    this.clock = options.clock ?? realClock;
    this.replies = new PendingRequests(this.clock);
  }

  /** How many actions are on the wire (including draining lists). */
  get size(): number {
    return this.inFlight.size;
  }

  /** Whether an ActionID belongs to an action on the wire. */
  has(id: string): boolean {
    return this.inFlight.has(id);
  }

  /**
   * Creates a pending action and starts its timeout (which runs from now, waiting time included;
   * for a list, it restarts with each item).
   */
  create(
    spec: PendingActionSpec,
    timeoutMs: number,
  ): { pending: PendingAction; promise: Promise<AmiMessage | AmiList> } {
    const pending = new PendingAction(spec, {
      resolve: (value) => this.replies.resolve(spec.id, value),
      reject: (error) => {
        this.replies.reject(spec.id, error);
        if (pending.state === 'draining') this.startDraining(pending, timeoutMs);
      },
    });
    const promise = this.replies.wait(spec.id, {
      timeoutMs,
      timeoutError: () => this.expire(pending),
      origin: spec.origin,
      meta: pending,
    });
    return { pending, promise };
  }

  /** Records that the action is now on the wire, carried by `carrier` (a session) if given. */
  sent(pending: PendingAction, carrier?: unknown): void {
    if (!pending.open) return;
    pending.state = 'sent';
    pending.carrier = carrier;
    this.inFlight.set(pending.id, pending);
  }

  /**
   * Offers a message to the pending actions. Returns true when it was consumed (a response to an
   * action in flight, or an event of a list being collected); false when it belongs on the bus.
   */
  handle(message: AmiMessage): boolean {
    const id = message.get('ActionID');
    if (id === undefined) return false;
    const pending = this.inFlight.get(id);
    if (!pending) return false;
    if (message.kind === 'response') return this.onResponse(pending, message);
    if (message.kind === 'event' && pending.list) return this.onListEvent(pending, message);
    // Events that merely carry the ActionID (an async Originate's OriginateResponse) are events.
    return false;
  }

  /**
   * The connection is gone: every action on the wire is rejected with
   * {@link AmiConnectionClosedError} (its `cause` is `cause`), except, when `resend` is true, the
   * idempotent ones, which are rewound and returned, in send order, for the caller to queue again.
   * With `carrier`, only the actions it carried (see {@link ActionTracker.sent}) are affected.
   */
  connectionLost(cause: Error | undefined, resend: boolean, carrier?: unknown): PendingAction[] {
    const again: PendingAction[] = [];
    for (const pending of this.inFlight.values()) {
      if (carrier !== undefined && pending.carrier !== carrier) continue;
      this.inFlight.delete(pending.id);
      if (pending.state === 'draining') {
        this.settleDrained(pending);
        continue;
      }
      if (resend && pending.idempotent && pending.open) {
        pending.rewind();
        again.push(pending);
        continue;
      }
      pending.fail(
        new AmiConnectionClosedError(
          `${pending.name} was in flight when the connection was lost; it was not resent`,
          { cause },
        ),
      );
    }
    return again;
  }

  private onResponse(pending: PendingAction, response: AmiMessage): boolean {
    if (pending.state === 'draining') return true;
    if (pending.list && pending.response !== undefined) return false;
    if (response.name.toLowerCase() === 'error') {
      this.inFlight.delete(pending.id);
      pending.fail(actionErrorFor(pending.name, response));
      return true;
    }
    if (!pending.list) {
      this.inFlight.delete(pending.id);
      pending.succeed(response);
      return true;
    }
    if (response.get('EventList')?.toLowerCase() !== 'start') {
      // Not a list after all (some actions answer an empty query without one).
      this.inFlight.delete(pending.id);
      pending.succeed({ response, items: [], complete: response });
      return true;
    }
    pending.response = response;
    this.replies.refresh(pending.id);
    return true;
  }

  private onListEvent(pending: PendingAction, event: AmiMessage): boolean {
    if (event.get('EventList')?.toLowerCase() === 'complete') {
      this.inFlight.delete(pending.id);
      if (pending.state === 'draining') {
        this.settleDrained(pending);
        return true;
      }
      pending.succeed({
        response: pending.response ?? event,
        items: pending.items,
        complete: event,
      });
      return true;
    }
    pending.itemCount += 1;
    if (pending.state === 'draining') {
      this.keepDraining(pending);
      return true;
    }
    this.replies.refresh(pending.id);
    if (pending.itemCount > this.maxListItems) {
      pending.fail(
        new AmiListTooLongError(
          `${pending.name} returned more than ${this.maxListItems} items; the list was dropped`,
        ),
        'draining',
      );
      return true;
    }
    pending.items.push(event);
    return true;
  }

  /** Time ran out (its promise is already forgotten): the error to reject it with. */
  private expire(pending: PendingAction): Error {
    this.inFlight.delete(pending.id);
    pending.state = 'settled';
    return pending.origin;
  }

  private startDraining(pending: PendingAction, timeoutMs: number): void {
    const stop = () => this.settleDrained(pending);
    this.drains.set(pending.id, { timer: this.clock.setTimeout(stop, timeoutMs), timeoutMs });
  }

  /** Another item of an overflowed list: it is still coming, wait for the rest. */
  private keepDraining(pending: PendingAction): void {
    const drain = this.drains.get(pending.id);
    if (!drain) return;
    this.clock.clearTimeout(drain.timer);
    drain.timer = this.clock.setTimeout(() => this.settleDrained(pending), drain.timeoutMs);
  }

  /** The overflowed list is over (or went quiet): stop swallowing its events. */
  private settleDrained(pending: PendingAction): void {
    pending.state = 'settled';
    const drain = this.drains.get(pending.id);
    if (drain) this.clock.clearTimeout(drain.timer);
    this.drains.delete(pending.id);
    this.inFlight.delete(pending.id);
  }
}
