import { describe, it } from 'vitest';
import { cutUnderCalls, expectSurvived } from './cutScenario.js';

/** A few cuts of the runtime's AMI socket under calls in AGI; test/scale runs 100 in a row. */
describe('cutting the AMI socket under calls in AGI', () => {
  it('should fail what was pending with typed errors, reconnect, resync and keep every call', async () => {
    const report = await cutUnderCalls({ rounds: 5, calls: 4 });
    expectSurvived(report, 5, 4);
  });
});
