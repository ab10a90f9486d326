import { describe, expect, it } from 'vitest';
import { runLoad } from '../../examples/load/load.js';
import { liveTarget } from './liveTarget.js';

/**
 * The hotline load demo (`examples/load`) at a CI-friendly size on the real Asterisk: 20 hotlines
 * (Originates of `Local/hotline-NNN@load-hotlines`) on 5 agents (`Local/agent-NNN@load-agents`, the
 * last one always busy), so that callers queue and retry. Its twin on the embedded PBX, with
 * simulated phones, is `test/examples/load/load.test.ts`.
 */
const { url, reason } = liveTarget();

describe.skipIf(!url)(`the load demo on a real Asterisk (${reason})`, () => {
  it('should connect 20 hotlines to 5 agents, each once, and leave nothing behind', async () => {
    const summary = await runLoad({
      url: url!,
      hotlines: 20,
      agents: 5,
      busyAgents: 1,
      talkMs: 500,
      lingerMs: 100,
      timeoutMs: 90_000,
    });
    expect(summary).toMatchObject({
      pbx: 'asterisk',
      placed: 20,
      connected: 20,
      failed: 0,
      abandoned: 0,
      notPlaced: 0,
      agentOverlaps: 0,
      stats: { channels: 0, calls: 0, flows: 0, agiCommands: 0, originates: 0 },
      pbxChannels: 0,
      pool: { free: 5, busy: 0, waiting: 0 },
    });
    expect(Object.values(summary.connectionsPerHotline)).toEqual(Array(20).fill(1));
    // Only the busy agent turned calls away, and every such caller was connected to another one.
    expect(Object.keys(summary.dialFailures)).toEqual(summary.dialAttempts > 20 ? ['BUSY'] : []);
    expect(summary.dialAttempts - 20).toBe(summary.dialFailures.BUSY ?? 0);
    expect(summary.maxConcurrentBridges).toBeGreaterThan(1);
    expect(summary.maxConcurrentBridges).toBeLessThanOrEqual(4);
  }, 120_000);
});
