import type { Pbx } from '../Pbx.js';
import type { Channel } from './Channel.js';
import { ChannelState } from './channelState.js';

/**
 * The call-progress control frames the PBX models (Asterisk's AST_CONTROL_RINGING, _ANSWER, _BUSY,
 * _CONGESTION, _PROGRESS): what a called party signals back to whoever called it.
 */
export type Control = 'ringing' | 'answer' | 'busy' | 'congestion' | 'progress';

/**
 * A control frame reaches an outgoing channel from its far end (a Local `;1` from its `;2`, a
 * phone's channel from the phone). Reading it changes the channel's state as Asterisk does
 * (ringing: Ringing, answer: Up), then whoever reads the channel (Dial(), an Originate) is told.
 */
export function receiveControl(pbx: Pbx, ch: Channel, control: Control): void {
  if (ch.destroyed) return;
  if (control === 'answer') {
    if (ch.isUp) return;
    pbx.setState(ch, ChannelState.Up);
  } else if (control === 'ringing' && !ch.isUp) {
    pbx.setState(ch, ChannelState.Ringing);
  }
  ch.controlHook?.(control);
}

/**
 * A channel running the dialplan indicates a condition (Ringing(), Busy(), Congestion(),
 * Progress()). On a Local `;2` the frame crosses to `;1`; Asterisk forwards ringing only while
 * `;2` is still in the Ring state. Other technologies keep it to themselves (the far end is a
 * phone, which only hears it).
 */
export function indicate(pbx: Pbx, ch: Channel, control: Exclude<Control, 'answer'>): void {
  const far = ch.partner;
  if (!far || ch.half !== 2 || far.destroyed) return;
  if (control === 'ringing' && ch.state !== ChannelState.Ring) return;
  receiveControl(pbx, far, control);
}
