import { describe, it } from 'vitest';
import { cutUnderCalls, expectSurvived } from '../runtime/cutScenario.js';

/**
 * The runtime's AMI socket cut 100 times in a row under 10 calls in AGI, each time with an AGI
 * command running on every call and actions on the wire (test/runtime runs 5 cuts).
 */
describe('100 cuts of the AMI socket in a row', () => {
  it('should fail what was pending each time, reconnect, resync, keep every call and leak nothing', async () => {
    const report = await cutUnderCalls({ rounds: 100, calls: 10 });
    expectSurvived(report, 100, 10);
  }, 180_000);
});
