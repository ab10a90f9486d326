import { inject } from 'vitest';

/**
 * The real Asterisk of this run (see `globalSetup.ts`): its URL, or why there is none. Prints the
 * reason once per file when the suite skips, so a skipped live suite always says why.
 */
export function liveTarget(): { url: string | undefined; reason: string } {
  const url = inject('liveAsteriskUrl') || undefined;
  const reason = inject('liveAsteriskReason');
  if (!url) console.warn(`[live suite] skipped: ${reason}`);
  return { url, reason };
}
