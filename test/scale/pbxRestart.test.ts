import { startPbx } from 'octostate/pbx';
import { describe, expect, it } from 'vitest';
import { startRig } from '../live/support/liveRig.js';
import { restartUnderCalls } from '../live/support/restartScenario.js';
import { IDLE_STATS } from '../support/idleStats.js';

/**
 * The embedded PBX restarted (`core restart now`) under 50 live calls, seen by a real runtime over
 * TCP: what the live suite checks on the real Asterisk (test/live-restart), without one.
 */
describe('a restart of the embedded PBX', () => {
  it('should end the 50 calls, let the runtime reconnect and resynchronise, and take calls again', async () => {
    const pbx = await startPbx({ port: 0 });
    const url = pbx.url.replace('ami://', 'ami://manager:secret@');
    const rig = await startRig('embedded', url, {
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    });
    try {
      const result = await restartUnderCalls(rig, url, 50);
      expect(result).toEqual({
        ended: { '0 Unknown': 100 },
        connection: ['reconnecting', 'connected'],
        report: { listed: 0, created: 0, lost: 0 },
        afterwards: 0,
        answered: 'answered',
      });
      await rig.settled();
      expect(rig.runtime.stats()).toEqual(IDLE_STATS);
      expect(pbx.channels()).toEqual([]);
    } finally {
      await rig.close();
      await pbx.stop();
    }
  });
});
