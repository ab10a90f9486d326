import { describe, expect, it } from 'vitest';
import type { AgentPool, LoadPbx } from '../../../examples/load/load.js';
import {
  type LoadOptions,
  type LoadSummary,
  loadPhones,
  runLoad,
} from '../../../examples/load/load.js';
import type { Runtime } from '../../../src/runtime/createRuntime.js';
import { IDLE_STATS } from '../../support/idleStats.js';

/**
 * The load demo end to end on the embedded PBX (real time, short talk): hotline phones call 600,
 * `hotlineMachine` connects each to an agent from the pool actor. Checked from the runtime's bus by
 * the test itself (not from the demo's own counters): every hotline bridged with an agent exactly
 * once, no agent in two bridges at once, and nothing left in the runtime or the PBX.
 */

/** What the test sees on the runtime's bus while the load runs. */
interface Observed {
  /** Bridges with a hotline and an agent: hotline phone → how many times. */
  readonly connections: Map<string, number>;
  /** An agent entering a bridge while one of its channels is still in another. */
  readonly overlaps: string[];
  /** Agent phones that were in a bridge at all. */
  readonly agentsUsed: Set<string>;
  /** Pool decisions: callers put in line. */
  queued: number;
  maxBridges: number;
}

const phoneOf = (channel: string) => channel.replace(/^PJSIP\//, '').replace(/-[0-9a-f]{8}$/, '');

function observe(setup: { runtime: Runtime; pool: AgentPool }): Observed {
  const { runtime, pool } = setup;
  const seen: Observed = {
    connections: new Map(),
    overlaps: [],
    agentsUsed: new Set(),
    queued: 0,
    maxBridges: 0,
  };
  const names = new Map<string, string>();
  const agentBridge = new Map<string, string>();
  const full = new Set<string>();
  runtime.bus.on('channel', ({ uniqueid, ref }) =>
    names.set(uniqueid, ref.getSnapshot().context.name),
  );
  runtime.bus.on('bridge', ({ action, bridgeId, uniqueid, members }) => {
    const name = names.get(uniqueid ?? '') ?? '';
    if (name.startsWith('PJSIP/agent-')) {
      const agent = phoneOf(name);
      if (action === 'enter') {
        if (agentBridge.has(agent)) seen.overlaps.push(agent);
        agentBridge.set(agent, bridgeId);
        seen.agentsUsed.add(agent);
      } else if (action === 'leave' && agentBridge.get(agent) === bridgeId) {
        agentBridge.delete(agent);
      }
    }
    if (action === 'enter' && members.length === 2) {
      full.add(bridgeId);
      seen.maxBridges = Math.max(seen.maxBridges, full.size);
      const memberNames = members.map((id) => names.get(id) ?? '');
      const hotline = memberNames.find((n) => n.startsWith('PJSIP/hotline-'));
      if (hotline && memberNames.some((n) => n.startsWith('PJSIP/agent-'))) {
        const phone = phoneOf(hotline);
        seen.connections.set(phone, (seen.connections.get(phone) ?? 0) + 1);
      }
    }
    if (action !== 'enter' && members.length < 2) full.delete(bridgeId);
  });
  pool.on('queued', () => {
    seen.queued += 1;
  });
  return seen;
}

async function load(
  options: LoadOptions,
  extra?: (setup: { runtime: Runtime; pbx: LoadPbx; pool: AgentPool }) => void,
): Promise<{ summary: LoadSummary; seen: Observed }> {
  let seen: Observed | undefined;
  const summary = await runLoad({
    lingerMs: 100,
    // Gives up (and stops everything) before the test's own timeout.
    timeoutMs: 40_000,
    ...options,
    onStart: (setup) => {
      seen = observe(setup);
      extra?.(setup);
    },
  });
  return { summary, seen: seen! };
}

function expectNothingLeft(summary: LoadSummary, agents: number): void {
  expect(summary.stats).toEqual(IDLE_STATS);
  expect(summary.pbxChannels).toBe(0);
  expect(summary.pool).toEqual({ free: agents, busy: 0, waiting: 0 });
}

describe('the hotline load on the embedded PBX', () => {
  it('should connect 20 hotlines to 5 agents (one always busy), each exactly once, no agent twice at once', async () => {
    const options = { hotlines: 20, agents: 5, busyAgents: 1, talkMs: 300, ringMs: 100 };
    const { summary, seen } = await load(options);
    const { hotlines, agents } = loadPhones(options);
    // Every hotline was bridged with an agent exactly once, as the bus shows it.
    expect(Object.fromEntries(seen.connections)).toEqual(
      Object.fromEntries(hotlines.map((h) => [h, 1])),
    );
    expect(seen.overlaps).toEqual([]);
    // The four agents that answer did the work; the busy one was never bridged.
    expect([...seen.agentsUsed].sort()).toEqual(agents.slice(0, 4));
    // More callers than agents: callers waited in line, at most four talked at once.
    expect(seen.queued).toBeGreaterThan(0);
    expect(seen.maxBridges).toBeGreaterThan(1);
    expect(seen.maxBridges).toBeLessThanOrEqual(4);
    // The demo's own report agrees.
    expect(summary).toMatchObject({
      placed: 20,
      connected: 20,
      failed: 0,
      abandoned: 0,
      agentOverlaps: 0,
      maxConcurrentBridges: seen.maxBridges,
    });
    expect(summary.connectionsPerHotline).toEqual(Object.fromEntries(seen.connections));
    // Whoever tried the busy agent got BUSY and was connected to another one.
    expect(Object.keys(summary.dialFailures)).toEqual(summary.dialAttempts > 20 ? ['BUSY'] : []);
    expect(summary.dialAttempts - 20).toBe(summary.dialFailures.BUSY ?? 0);
    expectNothingLeft(summary, 5);
  }, 60_000);

  it('should give the line up and the agents back when waiting callers hang up', async () => {
    const options = { hotlines: 12, agents: 2, talkMs: 300, ringMs: 100, agentHangsUpEvery: 2 };
    const gaveUp: string[] = [];
    const { summary, seen } = await load(options, ({ runtime, pbx, pool }) => {
      // The first three callers put in line hang up while they wait.
      pool.on('queued', ({ id }) => {
        if (gaveUp.length >= 3) return;
        const name = runtime.channels.get(id)?.getSnapshot().context.name;
        if (!name) return;
        gaveUp.push(phoneOf(name));
        void pbx.hangUp(name);
      });
    });
    expect(gaveUp).toHaveLength(3);
    expect(summary).toMatchObject({ placed: 12, connected: 9, abandoned: 3, failed: 0 });
    expect([...seen.connections.keys()].sort()).toEqual(
      loadPhones(options).hotlines.filter((h) => !gaveUp.includes(h)),
    );
    expect([...seen.connections.values()].every((n) => n === 1)).toBe(true);
    expect(seen.overlaps).toEqual([]);
    expectNothingLeft(summary, 2);
  }, 60_000);

  it('should connect 100 hotlines to 100 agents at full size and leave nothing behind', async () => {
    const options = { hotlines: 100, agents: 100, talkMs: 1000 };
    const { summary, seen } = await load(options);
    expect(seen.connections.size).toBe(100);
    expect([...seen.connections.values()].every((n) => n === 1)).toBe(true);
    expect(seen.overlaps).toEqual([]);
    expect(summary).toMatchObject({ placed: 100, connected: 100, failed: 0, abandoned: 0 });
    expect(summary.maxConcurrentBridges).toBe(seen.maxBridges);
    expect(summary.utilisation).toBeGreaterThan(0);
    expect(summary.utilisation).toBeLessThanOrEqual(1);
    expectNothingLeft(summary, 100);
  }, 60_000);
});
