import type { ActorRefFrom, SnapshotFrom } from 'xstate';
import type { channelMachine } from './channelMachine.js';

/** A channel statechart's snapshot. */
export type ChannelSnapshot = SnapshotFrom<typeof channelMachine>;

/** A running channel statechart. */
export type ChannelActorRef = ActorRefFrom<typeof channelMachine>;

/**
 * Whether the channel has hung up: Asterisk said `Hangup` (or the channel was lost), including
 * while its call logic finishes in `ending`.
 *
 * @example
 * hasHungUp(call.actor.getSnapshot()); // false while the call is up
 */
export function hasHungUp(snapshot: ChannelSnapshot): boolean {
  return snapshot.status !== 'active' || snapshot.matches('ending');
}

/** Whether a channel snapshot is between `AsyncAGIStart` and `AsyncAGIEnd`. */
export function isInAgi(snapshot: ChannelSnapshot): boolean {
  return snapshot.status === 'active' && snapshot.matches({ live: { agi: 'inAgi' } });
}

/** Whether the channel's line is up (`Newstate` 6, Up) and it has not hung up. */
export function isAnswered(snapshot: ChannelSnapshot): boolean {
  return snapshot.status === 'active' && snapshot.matches({ live: { line: 'answered' } });
}

/** Whether the channel is in a bridge. */
export function isBridged(snapshot: ChannelSnapshot): boolean {
  return snapshot.status === 'active' && snapshot.matches({ live: { bridge: 'bridged' } });
}
