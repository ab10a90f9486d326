import type { ActionFields } from '../connection/actionFields.js';
import type { AmiClient } from '../connection/client.js';
import type { AmiMessage } from '../protocol/message.js';
import { OriginateError, type OriginateFailure } from './errors.js';

/** What Asterisk's `Reason` codes of `OriginateResponse` mean (they are control frame numbers). */
const FAILURES: Readonly<Record<number, OriginateFailure>> = {
  0: 'failed',
  1: 'hangup',
  3: 'no-answer',
  5: 'busy',
  8: 'congestion',
};

const DESCRIPTIONS: Readonly<Record<OriginateFailure, string>> = {
  failed: 'the channel could not be created or dialled',
  hangup: 'the far end hung up',
  'no-answer': 'no answer',
  busy: 'busy',
  congestion: 'congestion',
  unknown: 'unknown reason',
};

interface Waiter {
  resolve(response: AmiMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Sends asynchronous Originates and settles each with its `OriginateResponse`: the event that
 * carries the ActionID of *our* Originate (other sessions' responses, which Asterisk also delivers,
 * carry theirs). The waiter is registered before the action is sent, since the response may be
 * processed in the same read as the action's own `Response`.
 *
 * @example
 * const originates = new OriginateTracker(ami);
 * const response = await originates.originate({ Channel: 'Local/401@default', Application: 'Wait', Data: '5' });
 * response.get('Uniqueid');
 */
export class OriginateTracker {
  private readonly waiters = new Map<string, Waiter>();
  private readonly onEvent = (event: AmiMessage): void => {
    if (event.name !== 'OriginateResponse' || this.waiters.size === 0) return;
    const actionId = event.get('ActionID');
    const waiter = actionId === undefined ? undefined : this.waiters.get(actionId);
    if (!waiter || actionId === undefined) return;
    this.waiters.delete(actionId);
    clearTimeout(waiter.timer);
    if (event.get('Response') === 'Success') {
      waiter.resolve(event);
      return;
    }
    const code = Number(event.get('Reason') ?? -1);
    const reason = FAILURES[code] ?? 'unknown';
    waiter.reject(
      new OriginateError(
        `Originate to ${event.get('Channel') ?? '?'} failed: ${DESCRIPTIONS[reason]} (Reason ${code})`,
        reason,
        code,
        event,
      ),
    );
  };

  constructor(private readonly client: Pick<AmiClient, 'action' | 'bus'>) {
    client.bus.on('event', this.onEvent);
  }

  /** How many Originates wait for their outcome. */
  get size(): number {
    return this.waiters.size;
  }

  /**
   * Sends `Originate` with `Async: true` and resolves with the successful `OriginateResponse`;
   * rejects with an {@link OriginateError} naming the reason (no answer, busy, congestion...), or
   * when Asterisk refuses the action, or when no outcome arrives within `outcomeTimeoutMs`.
   */
  originate(fields: ActionFields, outcomeTimeoutMs = 120_000): Promise<AmiMessage> {
    let actionId: string | undefined;
    const outcome = new Promise<AmiMessage>((resolve, reject) => {
      const sent = this.client.action('Originate', withAsync(fields), {
        onActionId: (id) => {
          actionId = id;
          const timer = setTimeout(() => {
            this.waiters.delete(id);
            reject(
              new OriginateError(
                `Originate: no outcome within ${outcomeTimeoutMs} ms`,
                'unknown',
                -1,
              ),
            );
          }, outcomeTimeoutMs);
          timer.unref?.();
          this.waiters.set(id, { resolve, reject, timer });
        },
      });
      sent.catch((error: unknown) => {
        if (actionId !== undefined) {
          const waiter = this.waiters.get(actionId);
          if (waiter) clearTimeout(waiter.timer);
          this.waiters.delete(actionId);
        }
        reject(
          new OriginateError(
            `Originate refused: ${error instanceof Error ? error.message : String(error)}`,
            'failed',
            0,
            undefined,
            { cause: error },
          ),
        );
      });
    });
    return outcome;
  }

  /** Stops listening and rejects every Originate still waiting. */
  close(): void {
    this.client.bus.off('event', this.onEvent);
    for (const [id, waiter] of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new OriginateError(`Originate ${id}: the runtime closed`, 'unknown', -1));
    }
    this.waiters.clear();
  }
}

/** The fields with `Async: true` (in place if present, so the caller's field order is kept). */
function withAsync(fields: ActionFields): ActionFields {
  if (Array.isArray(fields)) {
    const list = fields as ReadonlyArray<readonly [string, string]>;
    const has = list.some(([key]) => key.toLowerCase() === 'async');
    return has
      ? list.map(([key, value]) => [key, key.toLowerCase() === 'async' ? 'true' : value] as const)
      : [...list, ['Async', 'true'] as const];
  }
  return { ...(fields as Record<string, unknown>), Async: 'true' } as ActionFields;
}
