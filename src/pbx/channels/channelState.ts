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

/** Device state of a channel state (Asterisk's `ast_state_chan2dev`). */
export function deviceStateOf(state: number): string {
  if (state === ChannelState.Down) return 'NOT_INUSE';
  if (state === ChannelState.Ringing) return 'RINGING';
  if (state === ChannelState.Busy) return 'BUSY';
  return 'INUSE';
}

/** DialStatus of a called channel that hung up with `cause` (ast_hangup_cause_to_dial_status). */
export function dialStatusOfCause(cause: number): string {
  if (cause === 17) return 'BUSY';
  if (cause === 34) return 'CONGESTION';
  if (cause === 3 || cause === 20) return 'CHANUNAVAIL';
  return 'NOANSWER';
}
