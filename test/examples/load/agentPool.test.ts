import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnyActorRef, createActor, fromCallback } from 'xstate';
import {
  type AgentPoolEmitted,
  agentPoolMachine,
  matchWaiters,
} from '../../../examples/load/agentPoolMachine.js';

/**
 * The agent pool against a model written from its specification: an agent is held by at most one
 * caller and a caller holds at most one agent; free and held agents are all the agents; a waiting
 * caller is served as soon as an agent it accepts is free, first come first served; a release by
 * anyone but the holder changes nothing; a caller who leaves is out of the line and holds nothing.
 */

/** A caller: a real actor that records what the pool tells it. */
function caller() {
  const heard: Array<{ type: string; agent?: string; position?: number }> = [];
  const ref = createActor(
    fromCallback(({ receive }) => {
      receive((event) => heard.push(event as (typeof heard)[number]));
    }),
  ).start();
  return { ref: ref as AnyActorRef, heard };
}

function startPool(agents: string[]) {
  const pool = createActor(agentPoolMachine, { input: { agents } }).start();
  const emitted: AgentPoolEmitted[] = [];
  pool.on('*', (event) => emitted.push(event));
  return { pool, emitted };
}

describe('agentPoolMachine', () => {
  it('should hand out free agents, queue the rest, and serve the line in order on release', () => {
    const { pool, emitted } = startPool(['a1', 'a2']);
    const [c1, c2, c3, c4] = [caller(), caller(), caller(), caller()];
    pool.send({ type: 'agent.request', id: 'c1', replyTo: c1.ref });
    pool.send({ type: 'agent.request', id: 'c2', replyTo: c2.ref });
    pool.send({ type: 'agent.request', id: 'c3', replyTo: c3.ref });
    pool.send({ type: 'agent.request', id: 'c4', replyTo: c4.ref });
    expect(c1.heard).toEqual([{ type: 'agent.assigned', agent: 'a1' }]);
    expect(c2.heard).toEqual([{ type: 'agent.assigned', agent: 'a2' }]);
    expect(c3.heard).toEqual([{ type: 'agent.queued', position: 0 }]);
    expect(c4.heard).toEqual([{ type: 'agent.queued', position: 1 }]);
    // Only the holder can give an agent back.
    pool.send({ type: 'agent.release', id: 'c2', agent: 'a1' });
    expect(c3.heard).toHaveLength(1);
    pool.send({ type: 'agent.release', id: 'c1', agent: 'a1' });
    expect(c3.heard.at(-1)).toEqual({ type: 'agent.assigned', agent: 'a1' });
    expect(c4.heard).toHaveLength(1);
    // Leaving gives the agent back too, to the next in line.
    pool.send({ type: 'agent.leave', id: 'c2' });
    expect(c4.heard.at(-1)).toEqual({ type: 'agent.assigned', agent: 'a2' });
    expect(pool.getSnapshot().context).toMatchObject({
      free: [],
      holders: { a1: 'c3', a2: 'c4' },
      waiting: [],
    });
    expect(emitted.map((e) => `${e.type} ${e.id}`)).toEqual([
      'assigned c1',
      'assigned c2',
      'queued c3',
      'queued c4',
      'released c1',
      'assigned c3',
      'released c2',
      'assigned c4',
    ]);
    pool.stop();
  });

  it('should skip agents a caller excludes, and serve the callers behind it meanwhile', () => {
    const { pool } = startPool(['a1', 'a2']);
    const [c1, c2, c3] = [caller(), caller(), caller()];
    pool.send({ type: 'agent.request', id: 'c1', replyTo: c1.ref });
    pool.send({ type: 'agent.request', id: 'c2', replyTo: c2.ref, exclude: ['a2'] });
    pool.send({ type: 'agent.request', id: 'c3', replyTo: c3.ref });
    expect(c3.heard.at(-1)).toEqual({ type: 'agent.assigned', agent: 'a2' });
    expect(c2.heard.at(-1)).toEqual({ type: 'agent.queued', position: 0 });
    pool.send({ type: 'agent.release', id: 'c3', agent: 'a2' });
    expect(c2.heard).toHaveLength(1); // a2 is excluded: c2 keeps waiting
    pool.send({ type: 'agent.release', id: 'c1', agent: 'a1' });
    expect(c2.heard.at(-1)).toEqual({ type: 'agent.assigned', agent: 'a1' });
    pool.stop();
  });

  it('should keep its invariants and match the model under any sequence of requests, releases and leaves', () => {
    const agents = ['a1', 'a2', 'a3'];
    let lines = 0;
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
    // Mostly requests and releases by the holder (an agent of `own` is the one `id` holds, if
    // any), so that lines form and move; some releases by anyone, some leaves.
    const step = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          type: fc.constant('agent.request' as const),
          id: fc.constantFrom(...ids),
          exclude: fc.oneof(fc.constant([]), fc.subarray(agents, { maxLength: 2 })),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          type: fc.constant('agent.release' as const),
          id: fc.constantFrom(...ids),
          agent: fc.constantFrom('own', ...agents),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          type: fc.constant('agent.leave' as const),
          id: fc.constantFrom(...ids),
        }),
      },
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80 }), (steps) => {
        const { pool } = startPool(agents);
        const callers = new Map(ids.map((id) => [id, caller()]));
        const model = new PoolModel(agents);
        for (const s of steps) {
          const replyTo = callers.get(s.id)!.ref;
          if (s.type === 'agent.request') {
            pool.send({ type: s.type, id: s.id, replyTo, exclude: s.exclude });
            model.request(s.id, s.exclude);
          } else if (s.type === 'agent.release') {
            const own = Object.entries(pool.getSnapshot().context.holders).find(
              ([, holder]) => holder === s.id,
            )?.[0];
            const agent = s.agent === 'own' ? (own ?? agents[0]!) : s.agent;
            pool.send({ type: s.type, id: s.id, agent });
            model.release(s.id, agent);
          } else {
            pool.send(s);
            model.leave(s.id);
          }
          const context = pool.getSnapshot().context;
          if (context.waiting.length > 1) lines += 1;
          // Every agent is free or held by exactly one caller; no caller holds two.
          const held = Object.keys(context.holders);
          expect([...context.free, ...held].sort()).toEqual(agents);
          const holders = Object.values(context.holders);
          expect(new Set(holders).size).toBe(holders.length);
          // Nobody waits for an agent they would accept that is free.
          for (const w of context.waiting)
            expect(context.free.filter((a) => !w.exclude.includes(a))).toEqual([]);
          // Who holds what, who waits in which order, and what each caller was told: the model's.
          expect(context.holders).toEqual(Object.fromEntries(model.holders));
          expect(context.waiting.map((w) => w.id)).toEqual(model.waiting.map((w) => w.id));
          for (const [id, { heard }] of callers)
            expect(heard.filter((e) => e.type === 'agent.assigned').map((e) => e.agent)).toEqual(
              model.assigned.get(id) ?? [],
            );
        }
        pool.stop();
        for (const { ref } of callers.values()) ref.stop();
      }),
      { numRuns: 300 },
    );
    // The runs did exercise lines of several callers.
    expect(lines).toBeGreaterThan(1000);
  });

  it('matchWaiters should serve waiters in order with the longest-idle agent they accept', () => {
    const replyTo = caller().ref;
    const { context, grants } = matchWaiters({
      agents: ['a1', 'a2', 'a3'],
      free: ['a3', 'a1'],
      holders: { a2: 'x' },
      waiting: [
        { id: 'w1', replyTo, exclude: ['a3', 'a1'] },
        { id: 'w2', replyTo, exclude: [] },
        { id: 'w3', replyTo, exclude: [] },
        { id: 'w4', replyTo, exclude: [] },
      ],
    });
    expect(grants.map((g) => [g.waiter.id, g.agent])).toEqual([
      ['w2', 'a3'],
      ['w3', 'a1'],
    ]);
    expect(context.waiting.map((w) => w.id)).toEqual(['w1', 'w4']);
    expect(context.free).toEqual([]);
  });
});

/** The pool as the specification states it, written independently of the machine. */
class PoolModel {
  free: string[];
  readonly holders = new Map<string, string>();
  waiting: Array<{ id: string; exclude: readonly string[] }> = [];
  readonly assigned = new Map<string, string[]>();

  constructor(agents: string[]) {
    this.free = [...agents];
  }

  request(id: string, exclude: readonly string[]): void {
    if (this.waiting.some((w) => w.id === id) || [...this.holders.values()].includes(id)) return;
    this.waiting.push({ id, exclude });
    this.serve();
  }

  release(id: string, agent: string): void {
    if (this.holders.get(agent) !== id) return;
    this.holders.delete(agent);
    this.free.push(agent);
    this.serve();
  }

  leave(id: string): void {
    this.waiting = this.waiting.filter((w) => w.id !== id);
    for (const [agent, holder] of [...this.holders]) if (holder === id) this.release(id, agent);
    this.serve();
  }

  private serve(): void {
    for (const waiter of [...this.waiting]) {
      const agent = this.free.find((a) => !waiter.exclude.includes(a));
      if (agent === undefined) continue;
      this.free.splice(this.free.indexOf(agent), 1);
      this.holders.set(agent, waiter.id);
      this.waiting.splice(this.waiting.indexOf(waiter), 1);
      this.assigned.set(waiter.id, [...(this.assigned.get(waiter.id) ?? []), agent]);
    }
  }
}
