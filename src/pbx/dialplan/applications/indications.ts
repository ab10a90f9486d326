import type { Channel } from '../../channels/Channel.js';
import { ChannelState } from '../../channels/channelState.js';
import { indicate } from '../../channels/control.js';
import type { Pbx } from '../../Pbx.js';
import { type Application, args } from './types.js';

/** Ringing(): tells the caller the call rings; the channel itself stays where it is. */
export const ringing: Application = async (pbx, ch) => {
  indicate(pbx, ch, 'ringing');
  return 0;
};

/** Progress(): early media towards the caller. */
export const progress: Application = async (pbx, ch) => {
  indicate(pbx, ch, 'progress');
  return 0;
};

/**
 * Busy([timeout]) and Congestion([timeout]): indicate it to the caller; a channel not yet up takes
 * the cause (17 / 34) and the Busy state; then wait for the hangup (or `timeout` seconds) and end
 * the dialplan, as Asterisk's indicate_busy / indicate_congestion do.
 */
function refuse(control: 'busy' | 'congestion', cause: number): Application {
  return async (pbx, ch, data) => {
    indicate(pbx, ch, control);
    if (!ch.isUp) {
      ch.hangupCause = cause;
      pbx.setState(ch, ChannelState.Busy);
    }
    await waitForHangup(pbx, ch, data);
    return -1;
  };
}

export const busy = refuse('busy', 17);
export const congestion = refuse('congestion', 34);

async function waitForHangup(pbx: Pbx, ch: Channel, data: string): Promise<void> {
  const secs = Number.parseFloat(args(data)[0] ?? '');
  await ch.wait(pbx.clock, Number.isFinite(secs) && secs >= 0 ? secs * 1000 : -1);
}
