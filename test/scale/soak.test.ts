import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak.js';
import { IDLE_STATS } from '../support/idleStats.js';

/**
 * The soak at a tenth of the bench's size (`npm run bench -- soak` runs 100,000 calls and prints
 * the figures): 10,000 calls through a runtime on the embedded PBX, 50 at a time. Memory after a
 * garbage collection may not grow by more than 10% from the end of the warm-up to the end, and
 * nothing may be left: no actor, channel, Call, timer or PBX channel.
 */
describe('the soak', () => {
  it('should run 10,000 calls with memory flat within 10% and nothing left', async () => {
    const result = await runSoak({ calls: 10_000 });
    expect(result.failures).toEqual([]);
    expect(result.calls).toBe(10_000);
    expect(result.actorsAtEnd).toBe(0);
    expect(result.statsAtEnd).toEqual(IDLE_STATS);
    expect(result.pbxChannelsAtEnd).toBe(0);
    expect(result.samples.map((s) => s.label)).toEqual(['start', 'middle', 'end']);
    expect(result.rssDrift).toBeLessThanOrEqual(0.1);
    expect(result.heapDrift).toBeLessThanOrEqual(0.1);
  }, 600_000);
});
