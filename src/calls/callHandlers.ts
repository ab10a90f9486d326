import type { ActorLogic, AnyActorRef } from 'xstate';
import {
  type ChannelActorRef,
  type ChannelSnapshot,
  isInAgi,
} from '../machines/channel/channelSnapshot.js';
import type { Call } from './Call.js';

/** Which calls a handler takes: by dialplan context/extension (and AGI), or by a predicate. */
export type CallMatch =
  | {
      /** Dialplan context the channel is in (`default`). */
      readonly context?: string;
      /** Extension the channel is at (`403`). */
      readonly exten?: string;
      /** Only once the channel is in AsyncAGI (so AGI commands can be sent). */
      readonly inAgi?: boolean;
    }
  | ((channel: ChannelSnapshot) => boolean);

/**
 * Call logic: actor logic (typically a state machine) started once per matching call, with input
 * `{ call }` plus the handler's own `input`; its invoked services (see `agiServices`) drive the call.
 */
// biome-ignore lint/suspicious/noExplicitAny: call logic of any snapshot, events and system must fit; only `call` in the input is fixed.
export type CallLogic = ActorLogic<any, any, any, any, any>;

/** A function that takes a matching call (may be async; errors go to the bus). */
export type CallFunction = (call: Call) => void | Promise<void>;

/** What takes a matching call: a {@link CallFunction}, or {@link CallLogic} run for the call. */
export type CallHandler = CallFunction | CallLogic;

/** How a handler runs. */
export interface HandleOptions {
  /** Input for call logic besides `call` (a pool to take agents from, prompts...). */
  readonly input?: Readonly<Record<string, unknown>>;
}

/** What the handlers tell the runtime. */
export interface CallHandlerHooks {
  /** The Call of a channel actor. */
  call(actor: ChannelActorRef): Call;
  /** Call logic started for a channel: its actor, a child of the channel actor. */
  flow(uniqueid: string, ref: AnyActorRef): void;
  /** A handler failed (a function threw or rejected, call logic errored). */
  error(error: unknown, during: string): void;
}

interface Registration {
  readonly match: CallMatch;
  readonly handler: CallHandler;
  readonly input: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The handlers an application registered, tried in order: each channel goes to the first handler
 * whose match it meets, once. A channel is offered again as it changes (it may reach the
 * extension or AsyncAGI later) until claimed or hung up. Call logic is started as the channel
 * actor's child `logic` (see `channelMachine`), so it lives in the runtime's actor system, on its
 * clock, and XState stops it with the channel.
 *
 * @example
 * const handlers = new CallHandlers(hooks);
 * handlers.add({ context: 'default', exten: '403', inAgi: true }, (call) => call.hangup());
 * handlers.add({ exten: '600', inAgi: true }, hotlineMachine, { input: { pool } });
 */
export class CallHandlers {
  private readonly registrations: Registration[] = [];

  constructor(private readonly hooks: CallHandlerHooks) {}

  /** Register a handler; returns a function that unregisters it. */
  add(match: CallMatch, handler: CallHandler, options: HandleOptions = {}): () => void {
    const registration = { match, handler, input: options.input };
    this.registrations.push(registration);
    return () => {
      const index = this.registrations.indexOf(registration);
      if (index !== -1) this.registrations.splice(index, 1);
    };
  }

  get size(): number {
    return this.registrations.length;
  }

  /**
   * Offers a channel to the handlers, in its current state; true once a handler took it (then it
   * is not offered again).
   */
  offer(actor: ChannelActorRef, snapshot: ChannelSnapshot): boolean {
    if (snapshot.status !== 'active') return false;
    const registration = this.registrations.find(({ match }) => matches(match, snapshot));
    if (!registration) return false;
    const { handler, input } = registration;
    const call = this.hooks.call(actor);
    if (isCallFunction(handler)) {
      this.runFunction(handler, call);
      return true;
    }
    actor.send({ type: 'logic.start', logic: handler, input: { ...input, call } });
    return true;
  }

  /**
   * Follows the channel's `logic` child: announces it once it appears and reports its failure.
   * Returns whether it was announced by this snapshot.
   */
  announce(uniqueid: string, snapshot: ChannelSnapshot): boolean {
    const logic = (snapshot.children as Record<string, AnyActorRef | undefined>).logic;
    if (!logic) return false;
    logic.subscribe({
      error: (error) => this.hooks.error(error, `call logic ${uniqueid}`),
    });
    this.hooks.flow(uniqueid, logic);
    return true;
  }

  private runFunction(handler: CallFunction, call: Call): void {
    const during = `handler ${call.uniqueid}`;
    try {
      Promise.resolve(handler(call)).catch((error: unknown) => this.hooks.error(error, during));
    } catch (error) {
      this.hooks.error(error, during);
    }
  }
}

function isCallFunction(handler: CallHandler): handler is CallFunction {
  return typeof handler === 'function';
}

function matches(match: CallMatch, snapshot: ChannelSnapshot): boolean {
  if (typeof match === 'function') return match(snapshot);
  const position = snapshot.context.dialplan;
  if (match.context !== undefined && match.context !== position.context) return false;
  if (match.exten !== undefined && match.exten !== position.exten) return false;
  if (match.inAgi && !isInAgi(snapshot)) return false;
  return true;
}
