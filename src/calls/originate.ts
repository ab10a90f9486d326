import { randomUUID } from 'node:crypto';
import type { Subscription } from 'xstate';
import type { AmiClient } from '../connection/client.js';
import { AmiConnectionClosedError } from '../connection/errors.js';
import {
  type ChannelActorRef,
  type ChannelSnapshot,
  hasHungUp,
  isAnswered,
} from '../machines/channel/channelSnapshot.js';
import type { AmiMessage } from '../protocol/message.js';
import { type Clock, PendingRequests } from '../protocol/pendingRequests.js';
import type { Call } from './Call.js';
import { NoSuchCallError, OriginateError, type OriginateFailure } from './errors.js';
import {
  type OriginateOptions,
  type OriginateToAgiOptions,
  originateFields,
} from './originateOptions.js';

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

/** How long an originated channel may take to be ready once Asterisk reported it. */
const READY_TIMEOUT_MS = 30_000;

/** Where the originator finds channels and their Calls. */
export interface OriginateCalls {
  /** The actor of a channel, once it exists. */
  channel(uniqueid: string): ChannelActorRef | undefined;
  /** The Call of a channel actor. */
  of(actor: ChannelActorRef): Call;
}

/**
 * Originates calls and hands back the originated channel's {@link Call}. An Originate is sent with
 * `Async: true`; its outcome is the `OriginateResponse` carrying *our* ActionID (other sessions'
 * responses, which Asterisk also delivers, carry theirs), which can arrive before the channel's
 * `Newchannel`: the Call is then handed out once the channel actor exists (`channelCreated`) and is
 * ready. Both waits are {@link PendingRequests} on the runtime's clock.
 *
 * @example
 * const originator = new Originator(client, calls, clock);
 * client.bus.on('event', (event) => originator.handleEvent(event));
 * const call = await originator.originate({ channel: 'Local/401@default', application: 'Wait', data: '5' });
 */
export class Originator {
  /** Originates waiting for their `OriginateResponse`, by ActionID. */
  private readonly responses: PendingRequests<AmiMessage>;
  /** Originated channels waiting for their actor, by Uniqueid. */
  private readonly arrivals: PendingRequests<ChannelActorRef>;
  /** Waits for an originated channel to be ready (cleared when settled). */
  private readonly readiness = new Set<() => void>();
  /** Originates held until Asterisk has booted. */
  private waitingForBoot = 0;

  /**
   * `booted` resolves once Asterisk can take an Originate (a core that is still starting answers
   * one with Reason 0); by default at once.
   */
  constructor(
    private readonly client: Pick<AmiClient, 'action'>,
    private readonly calls: OriginateCalls,
    private readonly clock: Clock,
    private readonly booted: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.responses = new PendingRequests(clock);
    this.arrivals = new PendingRequests(clock);
  }

  /** How many originates wait for their outcome or their channel. */
  get size(): number {
    return this.waitingForBoot + this.responses.size + this.arrivals.size + this.readiness.size;
  }

  /**
   * Sends `Originate` and resolves with the originated channel's Call once Asterisk reports it
   * answered; rejects with an {@link OriginateError} naming the reason (no answer, busy,
   * congestion...), or when Asterisk refuses the action or no outcome comes in time.
   */
  async originate(options: OriginateOptions): Promise<Call> {
    this.waitingForBoot += 1;
    try {
      await this.booted();
    } finally {
      this.waitingForBoot -= 1;
    }
    const response = await this.send(
      originateFields(options),
      options.outcomeTimeoutMs ?? (options.timeoutMs ?? 30_000) + 60_000,
    );
    // A successful OriginateResponse means answered, but the channel's own Newstate may still be
    // on its way to its actor: the Call is handed over once its state says so (or it has already
    // hung up, which the Call then reports).
    return this.callOnceReady(
      response.get('Uniqueid') ?? '',
      (call) => isAnswered(call.actor.getSnapshot()) || hasHungUp(call.actor.getSnapshot()),
      'originate',
    );
  }

  /**
   * Originates straight into `AGI(agi:async)`, correlated by a channel variable, and resolves with
   * the originated channel's Call once its AGI session has started.
   */
  async originateToAgi(options: OriginateToAgiOptions): Promise<Call> {
    const variable = options.correlationVariable ?? 'AsyncOrigId';
    const call = await this.originate({
      ...options,
      application: 'AGI',
      data: 'agi:async',
      variables: { ...options.variables, [variable]: randomUUID() },
    });
    return this.callOnceReady(call.uniqueid, (c) => c.inAgi, 'originateToAgi');
  }

  /** Every AMI event: settles an Originate on its `OriginateResponse`. */
  handleEvent(event: AmiMessage): void {
    if (event.name !== 'OriginateResponse' || this.responses.size === 0) return;
    const actionId = event.get('ActionID');
    if (actionId === undefined || !this.responses.has(actionId)) return;
    if (event.get('Response') === 'Success') {
      this.responses.resolve(actionId, event);
      return;
    }
    const code = Number(event.get('Reason') ?? -1);
    const reason = FAILURES[code] ?? 'unknown';
    const channel = event.get('Channel') ?? '?';
    this.responses.reject(
      actionId,
      new OriginateError(
        `Originate to ${channel} failed: ${DESCRIPTIONS[reason]} (Reason ${code})`,
        reason,
        code,
        event,
      ),
    );
  }

  /** A channel actor was created: an originate may have been waiting for it. */
  channelCreated(uniqueid: string, actor: ChannelActorRef): void {
    this.arrivals.resolve(uniqueid, actor);
  }

  /**
   * The AMI connection dropped: an `OriginateResponse` sent while it is down is lost, so every
   * Originate still waiting for its outcome fails now (`unknown`: the call may have been placed).
   */
  connectionLost(cause: Error | undefined): void {
    this.responses.rejectAll(
      (_, id) =>
        new OriginateError(
          `Originate ${id}: the AMI connection dropped before its outcome came`,
          'unknown',
          -1,
          undefined,
          { cause },
        ),
    );
  }

  /**
   * Rejects everything still waiting (the runtime closes): an Originate without its outcome with
   * an `OriginateError`, one waiting for its channel with `error`.
   */
  close(error: Error): void {
    this.responses.rejectAll(
      (_, id) => new OriginateError(`Originate ${id}: the runtime closed`, 'unknown', -1),
    );
    this.arrivals.rejectAll(() => error);
    for (const abort of [...this.readiness]) abort();
  }

  /** Sends the action; the waiter is registered first, as the response may share its read. */
  private send(
    fields: ReadonlyArray<readonly [string, string]>,
    timeoutMs: number,
  ): Promise<AmiMessage> {
    const origin = new Error('Originate');
    return new Promise((resolve, reject) => {
      let actionId: string | undefined;
      this.client
        .action('Originate', fields, {
          onActionId: (id) => {
            actionId = id;
            this.responses
              .wait(id, {
                timeoutMs,
                timeoutError: () =>
                  new OriginateError(`Originate: no outcome within ${timeoutMs} ms`, 'unknown', -1),
                origin,
                meta: undefined,
              })
              .then(resolve, reject);
          },
        })
        .catch((error: unknown) => {
          // Cut off on the wire, it may have been placed: not a refusal.
          const lost = error instanceof AmiConnectionClosedError;
          const refused = new OriginateError(
            `Originate ${lost ? 'lost' : 'refused'}: ${error instanceof Error ? error.message : String(error)}`,
            lost ? 'unknown' : 'failed',
            lost ? -1 : 0,
            undefined,
            { cause: error },
          );
          if (actionId === undefined || !this.responses.reject(actionId, refused)) reject(refused);
        });
    });
  }

  /**
   * The Call of `uniqueid` once its actor exists and `ready` holds; rejects if the channel hangs
   * up first, time runs out or the runtime closes.
   */
  private async callOnceReady(
    uniqueid: string,
    ready: (call: Call) => boolean,
    what: string,
  ): Promise<Call> {
    const notReady = () =>
      new NoSuchCallError(`${what}: channel ${uniqueid} not ready in ${READY_TIMEOUT_MS} ms`);
    const actor =
      this.calls.channel(uniqueid) ??
      (await this.arrivals.wait(uniqueid, {
        timeoutMs: READY_TIMEOUT_MS,
        timeoutError: notReady,
        meta: undefined,
      }));
    const call = this.calls.of(actor);
    return new Promise<Call>((resolve, reject) => {
      let subscription: Subscription | undefined;
      const settle = (outcome: () => void): true => {
        subscription?.unsubscribe();
        this.clock.clearTimeout(timer);
        this.readiness.delete(abort);
        outcome();
        return true;
      };
      const abort = (): void => {
        settle(() => reject(new NoSuchCallError(`${what}: the runtime closed`)));
      };
      const check = (snapshot: ChannelSnapshot): boolean => {
        if (ready(call)) return settle(() => resolve(call));
        if (hasHungUp(snapshot)) {
          return settle(() => reject(new NoSuchCallError(`${what}: ${call.name} hung up first`)));
        }
        return false;
      };
      const timer = this.clock.setTimeout(() => settle(() => reject(notReady())), READY_TIMEOUT_MS);
      this.readiness.add(abort);
      if (check(actor.getSnapshot())) return;
      subscription = actor.subscribe({
        next: check,
        complete: () => check(actor.getSnapshot()),
        error: () => {},
      });
    });
  }
}
