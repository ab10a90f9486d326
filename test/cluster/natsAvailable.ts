import { describe } from 'vitest';
import { natsServerMissing } from '../support/natsServer.js';

/**
 * `describe` for the cluster suite: it needs Debian's `nats-server` (2.9 or later). Outside CI a
 * machine without it skips the suite and says why; in CI (`CI` or `OCTOSTATE_REQUIRE_CLUSTER` set)
 * a missing server fails the run instead.
 */
export function describeWithNats(name: string, body: () => void): void {
  const missing = natsServerMissing();
  if (missing && (process.env.CI || process.env.OCTOSTATE_REQUIRE_CLUSTER)) {
    throw new Error(`the cluster suite must run here, but ${missing}`);
  }
  if (missing) {
    console.warn(`cluster suite skipped: ${missing}`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}
