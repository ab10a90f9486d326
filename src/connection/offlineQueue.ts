import type { PendingAction } from './pendingAction.js';

/**
 * Actions called while the connection is down, held until the next login, in call order. Bounded:
 * `isFull` past `limit` waiting actions (the caller refuses more); each action's own timeout keeps
 * running while it waits, so none waits longer than it asked to.
 *
 * @example
 * const queue = new OfflineQueue(1000);
 * if (!queue.isFull) queue.push(pending);
 * for (const pending of queue.drain()) send(pending); // once logged in
 */
export class OfflineQueue {
  private items: PendingAction[] = [];

  constructor(private readonly limit: number) {}

  /** Actions still waiting (those that timed out meanwhile are forgotten). */
  get size(): number {
    if (this.items.some((pending) => !pending.open)) {
      this.items = this.items.filter((pending) => pending.open);
    }
    return this.items.length;
  }

  /** Whether `limit` actions already wait. */
  get isFull(): boolean {
    return this.size >= this.limit;
  }

  /** Holds an action until the next login. */
  push(pending: PendingAction): void {
    this.items.push(pending);
  }

  /** Puts actions back at the head (idempotent ones that were in flight at a loss): not bounded. */
  requeue(pendings: readonly PendingAction[]): void {
    if (pendings.length > 0) this.items.unshift(...pendings);
  }

  /** Takes every action still waiting, in order, and empties the queue. */
  drain(): PendingAction[] {
    const items = this.items.filter((pending) => pending.open);
    this.items = [];
    return items;
  }

  /** Rejects every waiting action with an error made by `makeError`. */
  failAll(makeError: () => Error): void {
    for (const pending of this.drain()) pending.fail(makeError());
  }
}
