import type { CallHandlers } from '../calls/callHandlers.js';
import type { Emitter } from '../connection/emitter.js';
import type { ChannelActorRef } from '../machines/channel/channelSnapshot.js';
import { describeChannel } from '../machines/channel/describeChannel.js';
import type { RuntimeEvents } from './runtimeEvents.js';

/**
 * Follows one channel actor for the runtime: each change of its state label goes to the bus
 * (`channelState`), the channel is offered to the handlers until one takes it, and the call logic
 * a handler started is announced (`flow`). The subscription ends with the actor.
 *
 * @example
 * followChannel(uniqueid, ref, handlers, bus);
 */
export function followChannel(
  uniqueid: string,
  ref: ChannelActorRef,
  handlers: CallHandlers,
  bus: Emitter<RuntimeEvents>,
): void {
  let previous = describeChannel(ref.getSnapshot());
  let claimed = false;
  let announced = false;
  let offering = false;
  const offer = (): void => {
    if (claimed || offering || handlers.size === 0) return;
    // Starting call logic changes the channel's snapshot, which can reach `next` before `offer`
    // returns (a channel offered outside its own processing, as at resync): not offered twice.
    offering = true;
    try {
      claimed = handlers.offer(ref, ref.getSnapshot());
    } finally {
      offering = false;
    }
    if (claimed && !announced) announced = handlers.announce(uniqueid, ref.getSnapshot());
  };
  ref.subscribe({
    next: (snapshot) => {
      const state = describeChannel(snapshot);
      if (state !== previous) {
        bus.emit('channelState', { uniqueid, name: snapshot.context.name, state, previous });
        previous = state;
      }
      if (claimed && !announced) announced = handlers.announce(uniqueid, snapshot);
      offer();
    },
    // A failing channel actor (a provided hook threw) is reported by the supervisor as `error`;
    // without this listener XState would also rethrow it as an unhandled error.
    error: () => {},
  });
  offer();
}
