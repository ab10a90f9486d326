import { type AnyActorRef, assign, enqueueActions, setup } from 'xstate';

/** The agents a pool hands out (their names, e.g. `agent-001`, dialled as `PJSIP/<name>`). */
export interface AgentPoolInput {
  readonly agents: readonly string[];
}

/** A caller waiting for an agent. */
export interface AgentWaiter {
  /** Who asks (a call's Uniqueid): holds at most one agent, waits at most once. */
  readonly id: string;
  /** Where `agent.assigned` goes. */
  readonly replyTo: AnyActorRef;
  /** Agents this caller must not get (those it already tried). */
  readonly exclude: readonly string[];
}

/** What the pool knows: which agents are free (longest idle first), who holds the others, who waits. */
export interface AgentPoolContext {
  readonly agents: readonly string[];
  /** Free agents, the one free for longest first. */
  readonly free: readonly string[];
  /** Agent → the id of the caller holding it. */
  readonly holders: Readonly<Record<string, string>>;
  /** Callers waiting, first come first served. */
  readonly waiting: readonly AgentWaiter[];
}

/** Messages the pool takes. Requests are idempotent; releases by anyone but the holder are ignored. */
export type AgentPoolEvent =
  /** Ask for an agent: `agent.assigned` is sent to `replyTo` at once or when one comes free. */
  | {
      type: 'agent.request';
      id: string;
      replyTo: AnyActorRef;
      exclude?: readonly string[];
    }
  /** Give an agent back (its call ended, or dialling it failed). */
  | { type: 'agent.release'; id: string; agent: string }
  /** The caller is gone: stop waiting, and give back whatever it holds. */
  | { type: 'agent.leave'; id: string };

/** What the pool sends to a caller: its agent, at once or when one comes free. */
export interface AgentAssignedEvent {
  readonly type: 'agent.assigned';
  readonly agent: string;
}

/** What the pool sends to a caller who must wait: its place in line (0 is next). */
export interface AgentQueuedEvent {
  readonly type: 'agent.queued';
  readonly position: number;
}

/** What the pool emits (`pool.on('assigned', ...)`), for monitoring. */
export type AgentPoolEmitted =
  | { type: 'assigned'; id: string; agent: string }
  | { type: 'released'; id: string; agent: string }
  | { type: 'queued'; id: string; position: number };

/** One decision of {@link matchWaiters}: this waiter gets this agent. */
export interface AgentGrant {
  readonly waiter: AgentWaiter;
  readonly agent: string;
}

/**
 * Serves waiters in order: each gets the longest-idle free agent it does not exclude; a waiter with
 * no such agent keeps its place while those behind it may be served. Pure: returns the new context
 * and the grants.
 */
export function matchWaiters(context: AgentPoolContext): {
  context: AgentPoolContext;
  grants: AgentGrant[];
} {
  let free = [...context.free];
  const holders = { ...context.holders };
  const waiting: AgentWaiter[] = [];
  const grants: AgentGrant[] = [];
  for (const waiter of context.waiting) {
    const agent = free.find((name) => !waiter.exclude.includes(name));
    if (agent === undefined) {
      waiting.push(waiter);
      continue;
    }
    free = free.filter((name) => name !== agent);
    holders[agent] = waiter.id;
    grants.push({ waiter, agent });
  }
  return { context: { ...context, free, holders, waiting }, grants };
}

/** Gives back every agent `id` holds (to the end of the free list). */
function releaseHeldBy(
  context: AgentPoolContext,
  id: string,
  only?: string,
): { context: AgentPoolContext; released: string[] } {
  const released = Object.entries(context.holders)
    .filter(([agent, holder]) => holder === id && (only === undefined || agent === only))
    .map(([agent]) => agent);
  if (released.length === 0) return { context, released };
  const holders = { ...context.holders };
  for (const agent of released) delete holders[agent];
  return { context: { ...context, holders, free: [...context.free, ...released] }, released };
}

/**
 * A pool of agents as an actor: callers ask for an agent (`agent.request`, with their own actor as
 * `replyTo`), get `agent.queued` and wait in line when none is free, and get `agent.assigned` when
 * one is theirs; they give
 * it back with `agent.release`, or `agent.leave` when they are gone (which also takes them out of
 * the line). Being one actor, it hands out agents one message at a time: no agent is ever held by
 * two callers, whatever the interleaving of calls.
 *
 * @example
 * const pool = createActor(agentPoolMachine, { input: { agents: ['agent-001', 'agent-002'] } }).start();
 * pool.on('assigned', ({ id, agent }) => console.log(id, 'gets', agent));
 * pool.send({ type: 'agent.request', id: call.uniqueid, replyTo: hotlineActor });
 * // ... later
 * pool.send({ type: 'agent.leave', id: call.uniqueid });
 */
export const agentPoolMachine = setup({
  types: {
    context: {} as AgentPoolContext,
    input: {} as AgentPoolInput,
    events: {} as AgentPoolEvent,
    emitted: {} as AgentPoolEmitted,
  },
  guards: {
    /** The caller neither waits nor holds an agent already: a repeated request is ignored. */
    isNewCaller: ({ context, event }) =>
      event.type === 'agent.request' &&
      !context.waiting.some((w) => w.id === event.id) &&
      !Object.values(context.holders).includes(event.id),
  },
  actions: {
    /** Puts the caller at the end of the line. */
    enqueueCaller: assign({
      waiting: ({ context, event }) =>
        event.type === 'agent.request'
          ? [
              ...context.waiting,
              { id: event.id, replyTo: event.replyTo, exclude: event.exclude ?? [] },
            ]
          : context.waiting,
    }),
    /** Hands free agents to waiters, in order, and tells each one. */
    serve: enqueueActions(({ context, enqueue }) => {
      const { context: next, grants } = matchWaiters(context);
      if (grants.length === 0) return;
      enqueue.assign(next);
      for (const { waiter, agent } of grants) {
        enqueue.sendTo(waiter.replyTo, { type: 'agent.assigned', agent } as AgentAssignedEvent);
        enqueue.emit({ type: 'assigned', id: waiter.id, agent });
      }
    }),
    /** A caller still in line after `serve` is told its place. */
    tellPosition: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'agent.request') return;
      const position = context.waiting.findIndex((w) => w.id === event.id);
      if (position === -1) return;
      enqueue.sendTo(event.replyTo, { type: 'agent.queued', position } as AgentQueuedEvent);
      enqueue.emit({ type: 'queued', id: event.id, position });
    }),
    /** The caller gives back the agent it names. */
    releaseAgent: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'agent.release') return;
      const { context: next, released } = releaseHeldBy(context, event.id, event.agent);
      if (released.length === 0) return;
      enqueue.assign(next);
      enqueue.emit({ type: 'released', id: event.id, agent: event.agent });
    }),
    /** The caller is gone: every agent it holds goes back, and it leaves the line. */
    removeCaller: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'agent.leave') return;
      const { context: released, released: agents } = releaseHeldBy(context, event.id);
      enqueue.assign({
        ...released,
        waiting: released.waiting.filter((w) => w.id !== event.id),
      });
      for (const agent of agents) enqueue.emit({ type: 'released', id: event.id, agent });
    }),
  },
}).createMachine({
  id: 'agentPool',
  context: ({ input }) => ({
    agents: [...input.agents],
    free: [...new Set(input.agents)],
    holders: {},
    waiting: [],
  }),
  on: {
    'agent.request': { guard: 'isNewCaller', actions: ['enqueueCaller', 'serve', 'tellPosition'] },
    'agent.release': { actions: ['releaseAgent', 'serve'] },
    'agent.leave': { actions: ['removeCaller', 'serve'] },
  },
});

/** How many agents are free, busy, and how many callers wait (from a pool snapshot's context). */
export function poolCounts(context: AgentPoolContext): {
  free: number;
  busy: number;
  waiting: number;
} {
  return {
    free: context.free.length,
    busy: Object.keys(context.holders).length,
    waiting: context.waiting.length,
  };
}
