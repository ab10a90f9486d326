import type { Actor } from 'xstate';
import type { ChannelActorRef } from '../machines/channel/channelSnapshot.js';
import type { SupervisorContext, supervisorMachine } from './supervisorMachine.js';

/**
 * The channel actor of a Uniqueid, live or lingering after its hang-up.
 *
 * @example
 * channelActorOf(supervisor, '1795808402.0')?.getSnapshot().context.name;
 */
export function channelActorOf(
  supervisor: { getSnapshot(): { context: SupervisorContext } },
  uniqueid: string,
): ChannelActorRef | undefined {
  return supervisor.getSnapshot().context.router.directory.get(uniqueid);
}

/** What a supervisor holds, for monitoring and leak checks (see `ChannelDirectory.sizes`). */
export interface SupervisorHoldings {
  readonly channels: number;
  readonly names: number;
  readonly early: number;
  readonly lingering: number;
  readonly bridges: number;
  readonly inBridges: number;
  /** Delayed events scheduled in the supervisor's actor system. */
  readonly timers: number;
}

/**
 * Counts what a supervisor holds: channel actors (live or lingering), their names, events held for
 * channels not yet seen, bridges, and the delayed events of its actor system.
 *
 * @example
 * supervisorHoldings(supervisor); // { channels: 0, ..., timers: 0 } once every call is gone
 */
export function supervisorHoldings(
  supervisor: Actor<typeof supervisorMachine>,
): SupervisorHoldings {
  return {
    ...supervisor.getSnapshot().context.router.directory.sizes,
    // XState keeps no public count of them: the system snapshot's table is the one record.
    timers: Object.keys(supervisor.system.getSnapshot()._scheduledEvents).length,
  };
}
