import type { Pbx } from '../Pbx.js';
import type { Channel } from './Channel.js';
import { ChannelState } from './channelState.js';

/**
 * Answers a channel. On a Local `;2` the answer travels to `;1` at once (Newstate of both), and
 * whoever waits for `;1` (Originate, Dial) is told. Returns false when it was already up.
 */
export function answerChannel(pbx: Pbx, ch: Channel): boolean {
  if (ch.isUp) return false;
  pbx.setState(ch, ChannelState.Up);
  // A channel held by its dialer (a simulated phone) tells the dialer itself.
  const own = ch.answerHook;
  ch.answerHook = undefined;
  own?.();
  const p = ch.partner;
  if (p && !p.destroyed && !p.isUp) {
    pbx.setState(p, ChannelState.Up);
    const hook = p.answerHook;
    p.answerHook = undefined;
    hook?.();
  }
  return true;
}
