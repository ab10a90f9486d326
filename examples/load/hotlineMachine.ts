import { type AgiChannel, agiServices, type channelMachine, hasHungUp, isBridged } from 'octostate';
import {
  type ActorRefFrom,
  assign,
  fromCallback,
  fromPromise,
  type SnapshotFrom,
  sendTo,
  setup,
} from 'xstate';
import type { AgentAssignedEvent, AgentQueuedEvent, agentPoolMachine } from './agentPoolMachine.js';

/** The pool a hotline call takes its agent from. */
export type AgentPoolRef = ActorRefFrom<typeof agentPoolMachine>;

/**
 * A hotline call: AGI commands, and (on the runtime's `Call`) the channel actor, whose state tells
 * the machine when the call is bridged and when it hangs up.
 */
export interface HotlineCall extends AgiChannel {
  /** Who the call is to the pool. */
  readonly uniqueid: string;
  readonly actor?: {
    getSnapshot(): SnapshotFrom<typeof channelMachine>;
    subscribe(observer: {
      next?: (snapshot: SnapshotFrom<typeof channelMachine>) => void;
      complete?: () => void;
      error?: (error: unknown) => void;
    }): { unsubscribe(): void };
  };
}

/** The call, the pool, and how to connect. Everything but `call` and `pool` has a default. */
export interface HotlineInput {
  readonly call: HotlineCall;
  readonly pool: AgentPoolRef;
  /** Played in a loop while the caller waits for an agent (default `beep`). */
  readonly holdFile?: string;
  /** How an agent is dialled: `${dialPrefix}${agent}` (default `PJSIP/`). */
  readonly dialPrefix?: string;
  /** Dial's ring timeout, in seconds (default 30). */
  readonly dialTimeoutSeconds?: number;
  /** Agents tried (busy, no answer...) before giving up (default 3). */
  readonly maxAttempts?: number;
}

/** How a hotline call ended: talked to an agent, no agent could be reached, or hung up first. */
export type HotlineOutcome = 'connected' | 'failed' | 'abandoned';

/** The outcome of {@link hotlineMachine}. */
export interface HotlineOutput {
  readonly outcome: HotlineOutcome;
  /** The agent it talked to (or last tried). */
  readonly agent: string | undefined;
  /** Agents dialled, in order. */
  readonly tried: readonly string[];
  /** `DIALSTATUS` after each Dial that returned (`ANSWER`, `BUSY`, `NOANSWER`...). */
  readonly dialStatuses: readonly string[];
}

/** What {@link hotlineMachine} keeps while it runs. */
export interface HotlineContext {
  readonly call: HotlineCall;
  readonly pool: AgentPoolRef;
  readonly holdFile: string;
  readonly dialPrefix: string;
  readonly dialTimeoutSeconds: number;
  readonly maxAttempts: number;
  readonly agent: string | undefined;
  readonly tried: readonly string[];
  readonly dialStatuses: readonly string[];
  /** The call has been in a bridge (with its agent). */
  readonly connected: boolean;
  /** Every agent it may try failed. */
  readonly exhausted: boolean;
}

/** What a Dial came back with. */
export interface DialOutcome {
  readonly status: string;
}

export type HotlineEvent =
  | AgentAssignedEvent
  | AgentQueuedEvent
  | { type: 'call.bridged' }
  | { type: 'call.hungUp' };

/**
 * A hotline call, connected to a free agent: answer, take an agent from the pool (playing the hold
 * sound in a loop once the pool puts it in line), `EXEC Dial <prefix><agent>,<timeout>`, and hang
 * up once the Dial returns. A busy (or unanswered, unavailable) agent goes back to the pool and another one is
 * asked for, excluding those already tried, up to `maxAttempts`. The agent goes back to the pool
 * when the Dial returns, and on every way the call ends (`agent.leave` on entering a final state),
 * so a caller who hangs up while queued, ringing or talking never keeps one.
 *
 * Named implementations, swappable with `.provide()`: the AGI services `answer`, `streamFile`,
 * `dial` (EXEC Dial then GET VARIABLE DIALSTATUS), `hangup`; `callEvents` (bridged and hung-up
 * events from the channel actor); guards `isAnswered`, `canRetry`.
 *
 * @example
 * const pool = createActor(agentPoolMachine, { input: { agents: ['agent-001', 'agent-002'] } }).start();
 * runtime.handle({ exten: '600', inAgi: true }, hotlineMachine, { input: { pool } });
 */
export const hotlineMachine = setup({
  types: {
    context: {} as HotlineContext,
    input: {} as HotlineInput,
    output: {} as HotlineOutput,
    events: {} as HotlineEvent,
  },
  actors: {
    answer: agiServices.answer,
    streamFile: agiServices.streamFile,
    hangup: agiServices.hangup,
    dial: fromPromise<DialOutcome, { call: AgiChannel; target: string }>(async ({ input }) => {
      await input.call.exec('Dial', input.target);
      return { status: (await input.call.getVariable('DIALSTATUS')) ?? '' };
    }),
    /** Sends `call.bridged` and `call.hungUp` from the channel actor (none without one). */
    callEvents: fromCallback<HotlineEvent, { call: HotlineCall }>(({ input, sendBack }) => {
      const actor = input.call.actor;
      if (!actor) return;
      let bridged = false;
      const check = (snapshot: SnapshotFrom<typeof channelMachine>): void => {
        if (!bridged && isBridged(snapshot)) {
          bridged = true;
          sendBack({ type: 'call.bridged' });
        }
        if (hasHungUp(snapshot)) sendBack({ type: 'call.hungUp' });
      };
      const subscription = actor.subscribe({
        next: check,
        complete: () => check(actor.getSnapshot()),
        error: () => {},
      });
      check(actor.getSnapshot());
      return () => subscription.unsubscribe();
    }),
  },
  guards: {
    /** The agent answered (the Dial bridged them). */
    isAnswered: (_, params: { status: string }) => params.status === 'ANSWER',
    /** Another agent may be tried. */
    canRetry: ({ context }) => context.tried.length < context.maxAttempts,
  },
  actions: {
    requestAgent: sendTo(
      ({ context }) => context.pool,
      ({ context, self }) => ({
        type: 'agent.request' as const,
        id: context.call.uniqueid,
        replyTo: self,
        exclude: context.tried,
      }),
    ),
    releaseAgent: sendTo(
      ({ context }) => context.pool,
      ({ context }) => ({
        type: 'agent.release' as const,
        id: context.call.uniqueid,
        agent: context.agent ?? '',
      }),
    ),
    /** An agent assigned when the call no longer wants one goes straight back. */
    returnAgent: sendTo(
      ({ context }) => context.pool,
      ({ context, event }) => ({
        type: 'agent.release' as const,
        id: context.call.uniqueid,
        agent: event.type === 'agent.assigned' ? event.agent : '',
      }),
    ),
    leavePool: sendTo(
      ({ context }) => context.pool,
      ({ context }) => ({ type: 'agent.leave' as const, id: context.call.uniqueid }),
    ),
    keepStatus: assign({
      dialStatuses: ({ context }, params: { status: string }) => [
        ...context.dialStatuses,
        params.status,
      ],
    }),
  },
}).createMachine({
  id: 'hotline',
  context: ({ input }) => ({
    call: input.call,
    pool: input.pool,
    holdFile: input.holdFile ?? 'beep',
    dialPrefix: input.dialPrefix ?? 'PJSIP/',
    dialTimeoutSeconds: input.dialTimeoutSeconds ?? 30,
    maxAttempts: input.maxAttempts ?? 3,
    agent: undefined,
    tried: [],
    dialStatuses: [],
    connected: false,
    exhausted: false,
  }),
  invoke: { id: 'callEvents', src: 'callEvents', input: ({ context }) => ({ call: context.call }) },
  on: {
    'call.bridged': { actions: assign({ connected: true }) },
    'call.hungUp': '.gone',
    'agent.assigned': { actions: 'returnAgent' },
  },
  initial: 'answering',
  states: {
    answering: {
      invoke: {
        src: 'answer',
        input: ({ context }) => ({ call: context.call }),
        onDone: 'queued',
        onError: 'gone',
      },
    },
    /** Waiting for an agent; once the pool says none is free, hearing the hold sound over and over. */
    queued: {
      entry: 'requestAgent',
      on: {
        'agent.assigned': {
          target: 'dialing',
          actions: assign({
            agent: ({ event }) => event.agent,
            tried: ({ context, event }) => [...context.tried, event.agent],
          }),
        },
      },
      initial: 'asking',
      states: {
        /** Asked the pool; no hold sound yet, so a free agent is dialled at once. */
        asking: { on: { 'agent.queued': 'holding' } },
        holding: {
          invoke: {
            src: 'streamFile',
            input: ({ context }) => ({ call: context.call, file: context.holdFile }),
            onDone: { target: 'holding', reenter: true },
            onError: '#hotline.gone',
          },
        },
      },
    },
    dialing: {
      invoke: {
        src: 'dial',
        input: ({ context }) => ({
          call: context.call,
          target: `${context.dialPrefix}${context.agent},${context.dialTimeoutSeconds}`,
        }),
        onDone: [
          {
            guard: { type: 'isAnswered', params: ({ event }) => ({ status: event.output.status }) },
            target: 'hangingUp',
            actions: [
              'releaseAgent',
              { type: 'keepStatus', params: ({ event }) => ({ status: event.output.status }) },
              assign({ connected: true }),
            ],
          },
          {
            guard: 'canRetry',
            target: 'queued',
            actions: [
              'releaseAgent',
              { type: 'keepStatus', params: ({ event }) => ({ status: event.output.status }) },
            ],
          },
          {
            target: 'hangingUp',
            actions: [
              'releaseAgent',
              { type: 'keepStatus', params: ({ event }) => ({ status: event.output.status }) },
              assign({ exhausted: true }),
            ],
          },
        ],
        onError: 'gone',
      },
    },
    hangingUp: {
      invoke: {
        src: 'hangup',
        input: ({ context }) => ({ call: context.call }),
        onDone: 'done',
        onError: 'done',
      },
    },
    done: { type: 'final', entry: 'leavePool' },
    /** The caller hung up (or AGI failed) before the call was over. */
    gone: { type: 'final', entry: 'leavePool' },
  },
  output: ({ context }) => ({
    outcome: context.connected ? 'connected' : context.exhausted ? 'failed' : 'abandoned',
    agent: context.agent,
    tried: context.tried,
    dialStatuses: context.dialStatuses,
  }),
});
