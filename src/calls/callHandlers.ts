import type { ActorLogic } from 'xstate';
import type { ChannelContext } from '../machines/channel/channelContext.js';
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
  | ((channel: ChannelContext, state: string) => boolean);

/**
 * Call logic: actor logic (typically a state machine) started once per matching call with input
 * `{ call }`; its invoked services (see `agiServices`) drive the call.
 */
// biome-ignore lint/suspicious/noExplicitAny: call logic of any snapshot, events and system must fit; only the input is fixed.
export type CallLogic = ActorLogic<any, any, { call: Call }, any, any>;

/**
 * What takes a matching call: a function called once with its {@link Call} (may be async; errors
 * go to the bus), or {@link CallLogic} run as an actor for the call.
 */
export type CallHandler = ((call: Call) => void | Promise<void>) | CallLogic;

interface Registration {
  readonly match: CallMatch;
  readonly handler: CallHandler;
}

/**
 * The handlers an application registered, tried in order: each channel goes to the first handler
 * whose match it meets, once. A channel is checked again as it changes (it may reach the extension
 * or AsyncAGI later) until claimed or hung up.
 *
 * @example
 * const handlers = new CallHandlers();
 * handlers.add({ context: 'default', exten: '403', inAgi: true }, (channel) => serve(channel));
 */
export class CallHandlers {
  private readonly registrations: Registration[] = [];

  /** Register a handler; returns a function that unregisters it. */
  add(match: CallMatch, handler: CallHandler): () => void {
    const registration = { match, handler };
    this.registrations.push(registration);
    return () => {
      const index = this.registrations.indexOf(registration);
      if (index !== -1) this.registrations.splice(index, 1);
    };
  }

  get size(): number {
    return this.registrations.length;
  }

  /** The handler that takes a channel in this state, if any. */
  find(context: ChannelContext, state: string): CallHandler | undefined {
    for (const { match, handler } of this.registrations) {
      if (matches(match, context, state)) return handler;
    }
    return undefined;
  }
}

function matches(match: CallMatch, context: ChannelContext, state: string): boolean {
  if (typeof match === 'function') return match(context, state);
  if (match.context !== undefined && match.context !== context.dialplan.context) return false;
  if (match.exten !== undefined && match.exten !== context.dialplan.exten) return false;
  if (match.inAgi && !state.includes('+inAgi')) return false;
  return true;
}
