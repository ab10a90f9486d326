import type { TestProject } from 'vitest/node';
import { findLiveAsterisk } from './liveAsterisk.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** AMI URL of the real Asterisk the live suite runs against, or '' when there is none. */
    liveAsteriskUrl: string;
    /** Why the live suite runs (or does not). */
    liveAsteriskReason: string;
  }
}

/**
 * Finds (or starts, with testcontainers) one real Asterisk for the whole run, so every live test
 * file shares it, and stops it at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { live, reason } = await findLiveAsterisk();
  // CI sets this: there the live suite must run, never skip.
  if (!live && process.env.OCTOSTATE_REQUIRE_LIVE) {
    throw new Error(`the live suite must run here but has no Asterisk: ${reason}`);
  }
  project.provide('liveAsteriskUrl', live?.url ?? '');
  project.provide('liveAsteriskReason', reason);
  return async () => {
    await live?.stop();
  };
}
