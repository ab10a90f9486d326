import {
  type ActorRefFrom,
  assign,
  fromCallback,
  fromPromise,
  type SnapshotFrom,
  setup,
} from 'xstate';
import type { AmiConnectionState } from './client.js';
import { AmiAuthenticationError, AmiConnectionClosedError } from './errors.js';
import type { ReconnectPolicy } from './reconnectPolicy.js';
import type { Session } from './session.js';

/** A scheduled reconnect attempt. */
export interface RetryStep {
  attempt: number;
  delayMs: number;
}

/**
 * What the lifecycle chart asks of the connection that runs it: the I/O (open a session, log off,
 * keep alive) and the notices (bus events, the offline queue, logs). The chart decides when.
 */
export interface LifecycleHost {
  /** One attempt: transport, banner, login. Aborting `signal` closes what it opened. */
  openSession(signal: AbortSignal): Promise<Session>;
  /** Sends `Logoff` (bounded wait), then closes the session. Never rejects. */
  logOff(session: Session): Promise<void>;
  /** Starts the keepalive pings of a live session; returns what stops them. */
  keepAlive(session: Session): () => void;
  /** The top-level state changed (the `state` bus event). */
  stateChanged(state: AmiConnectionState): void;
  /** Logged in: send what waited offline, announce `connected`. */
  sessionStarted(session: Session): void;
  /** The logged-in session is over; `error` says why (none: logged off). */
  sessionStopped(session: Session, error: Error | undefined): void;
  /** A reconnect attempt is scheduled; `error` says why the last session or attempt ended. */
  retryScheduled(step: RetryStep, error: Error | undefined): void;
  /** Closed for good: reject what waits, announce `closed`. */
  closed(error: Error | undefined): void;
}

/** What the lifecycle chart starts with. */
export interface LifecycleInput {
  host: LifecycleHost;
  /** The reconnect schedule; `undefined`: never reconnect. */
  policy: ReconnectPolicy | undefined;
  /** Apply the policy to the very first attempt too. */
  retryFirstConnect: boolean;
}

interface LifecycleContext extends LifecycleInput {
  /** The logged-in session, while connected. */
  session: Session | undefined;
  /** Why the last session or attempt ended; why the connection closed, once closed. */
  error: Error | undefined;
  /** The next attempt, while reconnecting; `undefined` once the policy gives up. */
  retry: RetryStep | undefined;
}

/** What the connection tells the chart. */
export type LifecycleEvent =
  | { type: 'connect' }
  | { type: 'close' }
  | { type: 'lost'; error: Error | undefined };

/** Keeps the error of a failed attempt (the chart's onError events carry it). */
const recordFailure = {
  type: 'recordFailure',
  params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }),
} as const;

/** Keeps why the live session ended. */
const recordLoss = {
  type: 'recordLoss',
  params: ({ event }: { event: LifecycleEvent }) => ({
    error: event.type === 'lost' ? event.error : undefined,
  }),
} as const;

const sessionInput = ({ context }: { context: LifecycleContext }) => ({
  host: context.host,
  session: context.session as Session,
});

/**
 * The life of an AMI connection, as a statechart:
 *
 * ```text
 * idle ─connect─> connecting ──logged in──> connected.live ─close─> connected.loggingOff ─> closed
 *                   │ failed (retryFirstConnect)    │ lost (reconnect on)
 *                   v                               v
 *                 reconnecting: planning ─> backoff ─(delay: backoff)─> attempt ─logged in─> connected
 *                                   ^                                      │ failed
 *                                   └──────────────────────────────────────┘
 * closed <─ a failed first attempt, a refused login, the policy giving up, close (from anywhere)
 * closed ─connect─> connecting
 * ```
 *
 * One retry loop (`reconnecting`) serves a lost session and a failed first attempt alike. Opening a
 * session is an invoked promise (stopped, and so aborted, by `close`); the wait between attempts is
 * the named delay `backoff`; the keepalive and the watch on the socket live only while `live`.
 * Past `close`, nothing runs: no socket, no timer.
 */
export const connectionLifecycleMachine = setup({
  types: {
    input: {} as LifecycleInput,
    context: {} as LifecycleContext,
    events: {} as LifecycleEvent,
  },
  actors: {
    openSession: fromPromise<Session, { host: LifecycleHost }>(({ input, signal }) =>
      input.host.openSession(signal),
    ),
    logOff: fromPromise<void, { host: LifecycleHost; session: Session }>(({ input }) =>
      input.host.logOff(input.session),
    ),
    keepAlive: fromCallback<LifecycleEvent, { host: LifecycleHost; session: Session }>(
      ({ input }) => input.host.keepAlive(input.session),
    ),
    watchSession: fromCallback<LifecycleEvent, { session: Session }>(({ input, sendBack }) => {
      let watching = true;
      void input.session.done.then((error) => {
        if (watching) sendBack({ type: 'lost', error });
      });
      return () => {
        watching = false;
      };
    }),
  },
  delays: {
    backoff: ({ context }) => context.retry?.delayMs ?? 0,
  },
  guards: {
    retriesFirstConnect: ({ context }, params: { error: unknown }) =>
      context.retryFirstConnect &&
      context.policy !== undefined &&
      !(params.error instanceof AmiAuthenticationError),
    loginRefused: (_, params: { error: unknown }) => params.error instanceof AmiAuthenticationError,
    reconnects: ({ context }) => context.policy !== undefined,
    gaveUp: ({ context }) => context.retry === undefined,
  },
  actions: {
    announce: ({ context }, params: { state: AmiConnectionState }) =>
      context.host.stateChanged(params.state),
    resetPolicy: ({ context }) => context.policy?.reset(),
    forgetError: assign({ error: undefined }),
    keepSession: assign((_, params: { session: Session }) => ({
      session: params.session,
      error: undefined,
    })),
    sessionStarted: ({ context }) => context.host.sessionStarted(context.session as Session),
    sessionStopped: ({ context, event }) =>
      context.host.sessionStopped(
        context.session as Session,
        event.type === 'lost' ? event.error : undefined,
      ),
    dropSession: assign({ session: undefined }),
    recordLoss: assign((_, params: { error: Error | undefined }) => ({ error: params.error })),
    recordFailure: assign((_, params: { error: unknown }) => ({
      error: params.error instanceof Error ? params.error : new Error(String(params.error)),
    })),
    // The policy counts attempts and may call the user's onReconnect hook: its answer is kept here.
    planRetry: assign(({ context }) => ({ retry: context.policy?.next(context.error) })),
    announceRetry: ({ context }) => {
      if (context.retry) context.host.retryScheduled(context.retry, context.error);
    },
    giveUp: assign(({ context }) => ({
      error: new AmiConnectionClosedError(
        `Gave up reconnecting after ${context.policy?.attempt ?? 0} attempt(s)`,
        { cause: context.error },
      ),
    })),
    closed: ({ context }) => context.host.closed(context.error),
  },
}).createMachine({
  id: 'ami',
  context: ({ input }) => ({ ...input, session: undefined, error: undefined, retry: undefined }),
  initial: 'idle',
  states: {
    idle: {
      on: { connect: 'connecting', close: 'closed' },
    },
    connecting: {
      entry: [{ type: 'announce', params: { state: 'connecting' } }, 'resetPolicy', 'forgetError'],
      invoke: {
        src: 'openSession',
        input: ({ context }) => ({ host: context.host }),
        onDone: {
          target: 'connected',
          actions: { type: 'keepSession', params: ({ event }) => ({ session: event.output }) },
        },
        onError: [
          {
            guard: { type: 'retriesFirstConnect', params: ({ event }) => ({ error: event.error }) },
            target: 'reconnecting',
            actions: recordFailure,
          },
          {
            target: 'closed',
            actions: recordFailure,
          },
        ],
      },
      on: { close: { target: 'closed', actions: 'forgetError' } },
    },
    connected: {
      entry: [
        { type: 'announce', params: { state: 'connected' } },
        'resetPolicy',
        'sessionStarted',
      ],
      exit: ['sessionStopped', 'dropSession'],
      initial: 'live',
      states: {
        live: {
          invoke: [
            { src: 'keepAlive', input: sessionInput },
            { src: 'watchSession', input: sessionInput },
          ],
          on: {
            lost: [
              {
                guard: 'reconnects',
                target: '#ami.reconnecting',
                actions: recordLoss,
              },
              {
                target: '#ami.closed',
                actions: recordLoss,
              },
            ],
            close: 'loggingOff',
          },
        },
        loggingOff: {
          invoke: {
            src: 'logOff',
            input: sessionInput,
            onDone: '#ami.closed',
            onError: '#ami.closed',
          },
        },
      },
    },
    reconnecting: {
      entry: { type: 'announce', params: { state: 'reconnecting' } },
      initial: 'planning',
      states: {
        planning: {
          entry: 'planRetry',
          always: [{ guard: 'gaveUp', target: '#ami.closed', actions: 'giveUp' }, 'backoff'],
        },
        backoff: {
          entry: 'announceRetry',
          after: { backoff: 'attempt' },
        },
        attempt: {
          invoke: {
            src: 'openSession',
            input: ({ context }) => ({ host: context.host }),
            onDone: {
              target: '#ami.connected',
              actions: { type: 'keepSession', params: ({ event }) => ({ session: event.output }) },
            },
            onError: [
              {
                guard: { type: 'loginRefused', params: ({ event }) => ({ error: event.error }) },
                target: '#ami.closed',
                actions: recordFailure,
              },
              {
                target: 'planning',
                actions: recordFailure,
              },
            ],
          },
        },
      },
      on: { close: { target: 'closed', actions: 'forgetError' } },
    },
    closed: {
      entry: [{ type: 'announce', params: { state: 'closed' } }, 'closed'],
      on: { connect: 'connecting' },
    },
  },
});

/** The running lifecycle of a connection (`AmiConnection.lifecycle`): observe it, inspect it. */
export type ConnectionLifecycleRef = ActorRefFrom<typeof connectionLifecycleMachine>;

/** A snapshot of the lifecycle. */
export type ConnectionLifecycleSnapshot = SnapshotFrom<typeof connectionLifecycleMachine>;

/** The top-level state of a lifecycle snapshot: `idle`, `connecting`, `connected`... */
export function lifecycleState(snapshot: ConnectionLifecycleSnapshot): AmiConnectionState {
  const value = snapshot.value;
  return typeof value === 'string' ? value : (Object.keys(value)[0] as AmiConnectionState);
}
