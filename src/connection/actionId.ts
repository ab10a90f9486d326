import { randomBytes } from 'node:crypto';

/**
 * Random per process: two processes (or two hosts) talking to one Asterisk do not collide, and a
 * response meant for one never matches another's pending action.
 */
const PROCESS_PREFIX = randomBytes(5).toString('hex');
let connectionCount = 0;

/**
 * Makes the ActionID generator of one connection: `<process>-<connection>-<sequence>`, for example
 * `3f9a01c2d4-2-17`. The sequence never restarts, not even across reconnects, so an ActionID is
 * unique in the process for its whole life, and across processes thanks to the random prefix.
 *
 * @param prefix replaces `<process>-<connection>` (predictable IDs for tests and replays); the caller
 *   then answers for uniqueness
 * @example
 * const nextId = createActionIdGenerator();
 * nextId(); // '3f9a01c2d4-1-1'
 * nextId(); // '3f9a01c2d4-1-2'
 */
export function createActionIdGenerator(prefix?: string): () => string {
  connectionCount += 1;
  const base = prefix ?? `${PROCESS_PREFIX}-${connectionCount}`;
  let sequence = 0;
  return () => {
    sequence += 1;
    return `${base}-${sequence}`;
  };
}
