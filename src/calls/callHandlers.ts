import type { ActorLogic, AnyActorRef, Snapshot } from 'xstate';
import {
  type ChannelActorRef,
  type ChannelSnapshot,
  isInAgi,
} from '../machines/channel/channelSnapshot.js';
import type { Call } from './Call.js';

/**
 * Which calls a handler takes: by dialplan context/extension (and AGI), by FastAGI script, or by a
 * predicate. A match with `agiScript` takes FastAGI calls only; any other match, AMI-side calls
 * (AsyncAGI, or none) only.
 */
export type CallMatch =
  | {
      /** Dialplan context the channel is in (`default`). */
      readonly context?: string;
      /** Extension the channel is at (`403`). */
      readonly exten?: string;
      /** Only once the channel is in AsyncAGI (so AGI commands can be sent). */
      readonly inAgi?: boolean;
      /**
       * FastAGI calls whose `agi://` URL names this script (`ivr` for `agi://host/ivr?x=1`), or
       * whose script this expression matches.
       */
      readonly agiScript?: string | RegExp;
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
  /** A persisted snapshot to start this call's logic from, if it ran elsewhere before. */
  restore?(call: Call, logic: CallLogic): Snapshot<unknown> | undefined;
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
    const stored = this.hooks.restore?.(call, handler);
    actor.send({
      type: 'logic.start',
      logic: stored ? resumingFrom(handler, stored) : handler,
      input: { ...input, call },
    });
    return true;
  }

  /**
   * Follows the channel's `logic` child: announces it once it appears and reports its failure.
   * Returns whether it was announced by this snapshot.
   */
  announce(uniqueid: string, snapshot: ChannelSnapshot): boolean {
    const logic = logicOf(snapshot);
    if (!logic) return false;
    logic.subscribe({
      error: (error) => this.hooks.error(error, `call logic ${uniqueid}`),
    });
    this.hooks.flow(uniqueid, logic);
    return true;
  }

  /**
   * Hands a FastAGI call to the first handler registered for its script whose context/extension
   * the channel is at. Call logic starts as the channel actor's child, like any (announced with
   * `flow`). Returns when the handler is done (the function settled, the logic or the channel
   * ended), or `undefined` when no handler takes the call.
   */
  takeFastAgi(
    script: string,
    actor: ChannelActorRef,
    call: Call,
  ): { readonly done: Promise<void> } | undefined {
    const snapshot = actor.getSnapshot();
    if (snapshot.status !== 'active') return undefined;
    const registration = this.registrations.find(({ match }) =>
      takesScript(match, script, snapshot),
    );
    if (!registration) return undefined;
    const { handler, input } = registration;
    if (isCallFunction(handler)) return { done: this.runFunction(handler, call) };
    actor.send({ type: 'logic.start', logic: handler, input: { ...input, call } });
    const started = actor.getSnapshot();
    const logic = logicOf(started);
    if (!logic) return { done: Promise.resolve() };
    this.announce(call.uniqueid, started);
    return { done: untilEnded(logic, actor) };
  }

  /** Runs a handler function; the promise settles (never rejects) once it is done. */
  private runFunction(handler: CallFunction, call: Call): Promise<void> {
    const during = `handler ${call.uniqueid}`;
    try {
      return Promise.resolve(handler(call)).then(
        () => undefined,
        (error: unknown) => this.hooks.error(error, during),
      );
    } catch (error) {
      this.hooks.error(error, during);
      return Promise.resolve();
    }
  }
}

/**
 * `logic` starting from `snapshot` instead of its initial state: the same logic (its transitions,
 * its named children) with another first snapshot, restored as `createActor(logic, { snapshot })`
 * would (a machine revives its children from theirs).
 */
function resumingFrom(logic: CallLogic, snapshot: Snapshot<unknown>): CallLogic {
  return Object.create(logic, {
    getInitialSnapshot: {
      value: (scope: unknown) =>
        logic.restoreSnapshot ? logic.restoreSnapshot(snapshot, scope as never) : snapshot,
    },
  }) as CallLogic;
}

function isCallFunction(handler: CallHandler): handler is CallFunction {
  return typeof handler === 'function';
}

function matches(match: CallMatch, snapshot: ChannelSnapshot): boolean {
  if (typeof match === 'function') return match(snapshot);
  if (match.agiScript !== undefined) return false;
  const position = snapshot.context.dialplan;
  if (match.context !== undefined && match.context !== position.context) return false;
  if (match.exten !== undefined && match.exten !== position.exten) return false;
  if (match.inAgi && !isInAgi(snapshot)) return false;
  return true;
}

/** Whether a match takes a FastAGI call for `script` on this channel (`inAgi` does not apply). */
function takesScript(match: CallMatch, script: string, snapshot: ChannelSnapshot): boolean {
  if (typeof match === 'function' || match.agiScript === undefined) return false;
  const named =
    typeof match.agiScript === 'string' ? match.agiScript === script : match.agiScript.test(script);
  if (!named) return false;
  const position = snapshot.context.dialplan;
  if (match.context !== undefined && match.context !== position.context) return false;
  return match.exten === undefined || match.exten === position.exten;
}

function logicOf(snapshot: ChannelSnapshot): AnyActorRef | undefined {
  return (snapshot.children as Record<string, AnyActorRef | undefined>).logic;
}

/** Resolves once the call logic is over: done, failed, or stopped with its channel. */
function untilEnded(logic: AnyActorRef, channel: ChannelActorRef): Promise<void> {
  return new Promise((resolve) => {
    const subscriptions: Array<{ unsubscribe(): void }> = [];
    const check = (): void => {
      if (logic.getSnapshot().status === 'active' && channel.getSnapshot().status === 'active') {
        return;
      }
      for (const subscription of subscriptions) subscription.unsubscribe();
      resolve();
    };
    const observer = { next: check, complete: check, error: check };
    subscriptions.push(logic.subscribe(observer), channel.subscribe(observer));
    check();
  });
}
