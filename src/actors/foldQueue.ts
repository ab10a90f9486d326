import type { ChannelAmiEvent, ChannelEvent } from '../machines/channel/channelEvents.js';

/**
 * AMI events that only add facts to a channel's context: no transition of the channel statechart
 * takes them but its catch-all, and nothing waits on them one by one. DTMF is not among them: each
 * key is its own step.
 */
const FOLDABLE = new Set([
  'VarSet',
  'Newexten',
  'NewCallerid',
  'NewConnectedLine',
  'NewAccountCode',
  'AGIExecStart',
  'AGIExecEnd',
  'ChannelTalkingStart',
  'ChannelTalkingStop',
  'HangupRequest',
  'SoftHangupRequest',
  'MusicOnHoldStart',
  'MusicOnHoldStop',
]);

/** Whether an event for a channel may wait to be folded with others (see {@link FoldQueue}). */
export function isFoldable(event: ChannelEvent): event is ChannelAmiEvent {
  return 'message' in event && event.type !== 'sync' && FOLDABLE.has(event.message.name);
}

/**
 * Holds the foldable events of each channel and sends them as one `ami.batch` event (one
 * statechart step for all of them) when the current burst of events is over (a microtask: the
 * socket read that brought them is done), before any other event reaches that channel, or when
 * `limit` events wait. Each channel's events keep their order, and every event that may change a
 * channel's state finds the facts about that channel that came before it already folded in.
 *
 * @example
 * const queue = new FoldQueue((uniqueid, event) => actors.get(uniqueid)?.send(event));
 * queue.offer('1795808402.0', toChannelEvent(varSet)); // sent at the end of the burst
 */
export class FoldQueue {
  private readonly pending = new Map<string, ChannelAmiEvent[]>();
  private size = 0;
  private scheduled = false;

  constructor(
    private readonly send: (uniqueid: string, event: ChannelEvent) => void,
    private readonly limit = 1024,
  ) {}

  /** How many events wait. */
  get waiting(): number {
    return this.size;
  }

  /** Keeps `event` for `uniqueid` until the end of the burst. */
  offer(uniqueid: string, event: ChannelAmiEvent): void {
    const events = this.pending.get(uniqueid);
    if (events) events.push(event);
    else this.pending.set(uniqueid, [event]);
    this.size += 1;
    if (this.size >= this.limit) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flushScheduled);
    }
  }

  /** Sends what waits for one channel (before an event that may change its state). */
  flushChannel(uniqueid: string): void {
    const events = this.pending.get(uniqueid);
    if (!events) return;
    this.pending.delete(uniqueid);
    this.size -= events.length;
    this.send(uniqueid, events.length === 1 ? events[0]! : { type: 'ami.batch', events });
  }

  /** Sends everything that waits: each channel one step. */
  flush(): void {
    if (this.size === 0) return;
    const pending = [...this.pending];
    this.pending.clear();
    this.size = 0;
    for (const [uniqueid, events] of pending) {
      this.send(uniqueid, events.length === 1 ? events[0]! : { type: 'ami.batch', events });
    }
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    this.flush();
  };
}
