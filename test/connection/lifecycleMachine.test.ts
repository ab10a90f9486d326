import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { AmiAuthenticationError } from '../../src/connection/errors.js';
import {
  connectionLifecycleMachine,
  type LifecycleHost,
  lifecycleState,
} from '../../src/connection/lifecycleMachine.js';
import { ReconnectPolicy } from '../../src/connection/reconnectPolicy.js';
import type { Session } from '../../src/connection/session.js';

/** A session stand-in: only `done` is read by the chart. */
function fakeSession(): { session: Session; end: (error?: Error) => void } {
  let end!: (error?: Error) => void;
  const done = new Promise<Error | undefined>((resolve) => {
    end = resolve;
  });
  return { session: { done } as unknown as Session, end };
}

/** A host whose attempts the test settles one by one, recording what the chart asked for. */
function fakeHost() {
  const calls: string[] = [];
  const attempts: Array<{
    resolve: (session: Session) => void;
    reject: (error: Error) => void;
    signal: AbortSignal;
  }> = [];
  const host: LifecycleHost = {
    openSession: (signal) =>
      new Promise((resolve, reject) => {
        calls.push('open');
        attempts.push({ resolve, reject, signal });
      }),
    logOff: async () => {
      calls.push('logOff');
    },
    keepAlive: () => {
      calls.push('keepalive on');
      return () => calls.push('keepalive off');
    },
    stateChanged: (state) => calls.push(`state ${state}`),
    sessionStarted: () => calls.push('started'),
    sessionStopped: (_session, error) => calls.push(`stopped ${error?.message ?? 'in order'}`),
    retryScheduled: (step, error) =>
      calls.push(`retry ${step.attempt} in ${step.delayMs} after ${error?.message}`),
    closed: (error) => calls.push(`closed ${error?.message ?? 'in order'}`),
  };
  return { host, calls, attempts };
}

function start(options: {
  maxAttempts?: number;
  retryFirstConnect?: boolean;
  reconnect?: boolean;
}) {
  const { host, calls, attempts } = fakeHost();
  const clock = new SimulatedClock();
  const policy =
    options.reconnect === false
      ? undefined
      : new ReconnectPolicy(
          {
            initialDelayMs: 100,
            factor: 2,
            jitter: 0,
            ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
          },
          () => 0.5,
        );
  const actor = createActor(connectionLifecycleMachine, {
    input: { host, policy, retryFirstConnect: options.retryFirstConnect ?? false },
    clock,
  }).start();
  const state = () => lifecycleState(actor.getSnapshot());
  /** Lets settled promises reach the chart. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { actor, calls, attempts, clock, state, settle };
}

describe('connectionLifecycleMachine', () => {
  it('should go idle -> connecting -> connected and keep alive only while live', async () => {
    const { actor, calls, attempts, state, settle } = start({});
    expect(state()).toBe('idle');
    actor.send({ type: 'connect' });
    expect(state()).toBe('connecting');
    const { session } = fakeSession();
    attempts[0]?.resolve(session);
    await settle();
    expect(actor.getSnapshot().value).toEqual({ connected: 'live' });
    expect(actor.getSnapshot().context.session).toBe(session);
    actor.send({ type: 'close' });
    expect(actor.getSnapshot().value).toEqual({ connected: 'loggingOff' });
    await settle();
    expect(state()).toBe('closed');
    expect(calls).toEqual([
      'state connecting',
      'open',
      'state connected',
      'started',
      'keepalive on',
      'keepalive off',
      'logOff',
      'stopped in order',
      'state closed',
      'closed in order',
    ]);
  });

  it('should wait out the named backoff delay on the clock between attempts, in one loop', async () => {
    const { actor, calls, attempts, clock, state, settle } = start({});
    actor.send({ type: 'connect' });
    const first = fakeSession();
    attempts[0]?.resolve(first.session);
    await settle();
    first.end(new Error('reset'));
    await settle();
    expect(state()).toBe('reconnecting');
    expect(actor.getSnapshot().value).toEqual({ reconnecting: 'backoff' });
    expect(attempts).toHaveLength(1);
    clock.increment(99);
    expect(attempts).toHaveLength(1);
    clock.increment(1);
    expect(actor.getSnapshot().value).toEqual({ reconnecting: 'attempt' });
    attempts[1]?.reject(new Error('refused'));
    await settle();
    // The second wait doubles; the same states serve every attempt.
    clock.increment(199);
    expect(attempts).toHaveLength(2);
    clock.increment(1);
    attempts[2]?.resolve(fakeSession().session);
    await settle();
    expect(state()).toBe('connected');
    expect(calls.filter((c) => /^(retry|stopped|state)/.test(c))).toEqual([
      'state connecting',
      'state connected',
      'stopped reset',
      'state reconnecting',
      'retry 1 in 100 after reset',
      'retry 2 in 200 after refused',
      'state connected',
    ]);
  });

  it('should give up when the policy does, with the reason, and start over on connect', async () => {
    const { actor, attempts, clock, state, settle } = start({ maxAttempts: 1 });
    actor.send({ type: 'connect' });
    const first = fakeSession();
    attempts[0]?.resolve(first.session);
    await settle();
    first.end(new Error('reset'));
    await settle();
    clock.increment(100);
    attempts[1]?.reject(new Error('refused'));
    await settle();
    expect(state()).toBe('closed');
    const error = actor.getSnapshot().context.error;
    expect(error?.message).toBe('Gave up reconnecting after 1 attempt(s)');
    expect((error?.cause as Error | undefined)?.message).toBe('refused');
    actor.send({ type: 'connect' });
    expect(state()).toBe('connecting');
    expect(actor.getSnapshot().context.error).toBeUndefined();
  });

  it('should close at once on a refused login, and on a failed first attempt unless told to retry', async () => {
    const refused = start({});
    refused.actor.send({ type: 'connect' });
    refused.attempts[0]?.reject(new AmiAuthenticationError('no'));
    await refused.settle();
    expect(refused.state()).toBe('closed');
    expect(refused.actor.getSnapshot().context.error).toBeInstanceOf(AmiAuthenticationError);

    const once = start({});
    once.actor.send({ type: 'connect' });
    once.attempts[0]?.reject(new Error('ECONNREFUSED'));
    await once.settle();
    expect(once.state()).toBe('closed');

    const retried = start({ retryFirstConnect: true });
    retried.actor.send({ type: 'connect' });
    retried.attempts[0]?.reject(new Error('ECONNREFUSED'));
    await retried.settle();
    expect(retried.actor.getSnapshot().value).toEqual({ reconnecting: 'backoff' });
    // A refused login is never retried, first attempt or not.
    retried.clock.increment(100);
    retried.attempts[1]?.reject(new AmiAuthenticationError('no'));
    await retried.settle();
    expect(retried.state()).toBe('closed');
  });

  it('should close without reconnecting when there is no policy', async () => {
    const { actor, attempts, state, settle, calls } = start({ reconnect: false });
    actor.send({ type: 'connect' });
    const first = fakeSession();
    attempts[0]?.resolve(first.session);
    await settle();
    first.end(new Error('reset'));
    await settle();
    expect(state()).toBe('closed');
    expect(actor.getSnapshot().context.error?.message).toBe('reset');
    expect(calls).toContain('closed reset');
    expect(calls.filter((c) => c.startsWith('retry'))).toEqual([]);
    expect(calls).toContain('keepalive off');
  });

  it('should abort an attempt in progress and stop a backoff on close', async () => {
    const { actor, attempts, clock, state, settle } = start({ retryFirstConnect: true });
    actor.send({ type: 'connect' });
    actor.send({ type: 'close' });
    expect(state()).toBe('closed');
    expect(attempts[0]?.signal.aborted).toBe(true);
    expect(actor.getSnapshot().context.error).toBeUndefined();
    actor.send({ type: 'connect' });
    attempts[1]?.reject(new Error('ECONNREFUSED'));
    await settle();
    expect(state()).toBe('reconnecting');
    actor.send({ type: 'close' });
    clock.increment(10_000);
    expect(state()).toBe('closed');
    expect(attempts).toHaveLength(2);
  });
});
