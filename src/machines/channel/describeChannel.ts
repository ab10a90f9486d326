import type { SnapshotFrom } from 'xstate';
import type { channelMachine } from './channelMachine.js';

/**
 * A short label for a channel's state, for logs, the runtime's `channelState` bus event and tests:
 * the line state (`down`, `ringing`, `answered`), then what else is going on (`+dialing`,
 * `+inAgi`, `+bridged`), or `hungUp`.
 *
 * @example
 * describeChannel(actor.getSnapshot()); // 'answered+inAgi'
 */
export function describeChannel(snapshot: SnapshotFrom<typeof channelMachine>): string {
  const value = snapshot.value;
  if (typeof value === 'string' || !('live' in value) || snapshot.status !== 'active') {
    return 'hungUp';
  }
  const live = value.live;
  let label = typeof live.line === 'string' ? live.line : 'ringing';
  if (live.dial === 'dialing') label += '+dialing';
  if (live.agi === 'inAgi') label += '+inAgi';
  if (live.bridge === 'bridged') label += '+bridged';
  return label;
}
