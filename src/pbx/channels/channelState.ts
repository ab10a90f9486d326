/** Asterisk channel states (`ChannelState` numbers and their `ChannelStateDesc`). */
export const ChannelState = {
  Down: 0,
  Rsrvd: 1,
  OffHook: 2,
  Dialing: 3,
  Ring: 4,
  Ringing: 5,
  Up: 6,
  Busy: 7,
} as const;

const DESCS = ['Down', 'Rsrvd', 'OffHook', 'Dialing', 'Ring', 'Ringing', 'Up', 'Busy'];

/** `ChannelStateDesc` of a state number. */
export function stateDesc(state: number): string {
  return DESCS[state] ?? 'Unknown';
}

/** Hangup causes the PBX produces, with Asterisk's `Cause-txt`. */
const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  34: 'Circuit/channel congestion',
};

/** The `Cause-txt` Asterisk prints for a cause code. */
export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}
