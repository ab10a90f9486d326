import type { Pbx } from '../Pbx.js';
import type { Channel } from './Channel.js';
import { ChannelState } from './channelState.js';
import { receiveControl } from './control.js';

/**
 * Answers a channel that runs the dialplan (Answer(), AGI ANSWER, a phone picking up). On a Local
 * `;2` the answer travels to `;1` at once (Newstate of both), whose reader (Originate, Dial) is
 * told. Returns false when it was already up.
 */
export function answerChannel(pbx: Pbx, ch: Channel): boolean {
  if (ch.isUp) return false;
  pbx.setState(ch, ChannelState.Up);
  const p = ch.partner;
  if (p && ch.half === 2) receiveControl(pbx, p, 'answer');
  return true;
}
