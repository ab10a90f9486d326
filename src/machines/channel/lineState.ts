import type { ChannelEvent } from './channelEvents.js';

/** The line state a `ChannelState` number stands for. */
export type LineState = 'down' | 'incoming' | 'outgoing' | 'answered';

/**
 * Maps Asterisk's `ChannelState` (`ast_channel_state`) to a line state: 4 `Ring` is a call being
 * presented to us (incoming), 5 `Ringing` is the far end ringing (outgoing), 6 `Up` is answered;
 * everything else (Down, Rsrvd, OffHook, Dialing, Busy, Pre-ring...) is not connected.
 *
 * @example
 * lineStateOf(6); // 'answered'
 */
export function lineStateOf(channelState: number): LineState {
  switch (channelState) {
    case 4:
      return 'incoming';
    case 5:
      return 'outgoing';
    case 6:
      return 'answered';
    default:
      return 'down';
  }
}

/** The line state an event reports (`ChannelState`), if it carries one. */
export function eventLine(event: ChannelEvent): LineState | undefined {
  if (!('message' in event)) return undefined;
  const state = event.message.get('ChannelState');
  return state === undefined ? undefined : lineStateOf(Number(state));
}

const LINE = '#channel.live.line';
const lineTarget = {
  down: `${LINE}.down`,
  incoming: `${LINE}.ringing.incoming`,
  outgoing: `${LINE}.ringing.outgoing`,
  answered: `${LINE}.answered`,
} as const;

/** `Newstate`/`sync` transitions out of `from` (never to itself: a repeated state is not news). */
export function lineMoves(from: LineState) {
  return (['down', 'incoming', 'outgoing', 'answered'] as const)
    .filter((to) => to !== from)
    .map((to) => ({
      guard: { type: 'lineIs' as const, params: { line: to } },
      target: lineTarget[to],
      actions: ['absorb' as const],
    }));
}
