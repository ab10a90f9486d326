import type { RuntimeStats } from '../../src/runtime/runtime.js';

/** What `runtime.stats()` says once every call is gone: nothing held. */
export const IDLE_STATS: RuntimeStats = {
  channels: 0,
  lingering: 0,
  bridges: 0,
  inBridges: 0,
  heldEvents: 0,
  resyncBacklog: 0,
  calls: 0,
  flows: 0,
  agiCommands: 0,
  originates: 0,
  dtmfInjections: 0,
  timers: 0,
  fastAgiSessions: 0,
};
