/**
 * The state sequence of every channel of the recorded scenarios, written down by reading each
 * trace's events by hand (`Newchannel` ChannelState, `Newstate`, `DialBegin`/`DialEnd` where the
 * channel is the caller, `AsyncAGIStart`/`AsyncAGIEnd`, `BridgeEnter`/`BridgeLeave`, `Hangup`), not
 * by running the code. Labels: line state (`down` for ChannelState 0, `ringing` for 4/5,
 * `answered` for 6) plus `+dialing`, `+inAgi`, `+bridged`; `hungUp` at the end.
 *
 * Keyed by role, `<exten>;<half>` of the Local channel (`Local/401@default-00000000;1` is `401;1`),
 * so that the same expectations hold the replay of the real Asterisk recording
 * (`traceReplay.test.ts`) and the same calls made on the embedded PBX (`pbxTraces.test.ts`).
 */
export const TRACE_STATES = {
  /**
   * Originate `Local/401@default` (Wait(5) on `;1`). `;1` is created Down (0), the originate's dial
   * answers it (Newstate 6), Hangup cause 16. `;2` is created Ring (4), Answer() makes it Up
   * (Newstate 6), Hangup() cause 16. The DialBegin has no caller channel (the Originate dials `;1`
   * itself): nobody is `dialing`.
   */
  hello: {
    '401;1': ['down', 'answered', 'hungUp'],
    '401;2': ['ringing', 'answered', 'hungUp'],
  },
  /**
   * Originate `Local/402@default`, then a `Hangup` action on `402;1` once bridged.
   * `402;1`: Down, Up when `402;2` answers, hung up first by the Hangup action (cause 16).
   * `402;2`: Ring, Answer -> Up, Dial(Local/agent) -> DialBegin as caller, DialEnd ANSWER,
   *   BridgeEnter (2nd in the bridge), BridgeLeave, Hangup.
   * `agent;1`: Down, Up (Newstate 6), BridgeEnter (1st), BridgeLeave, Hangup.
   * `agent;2`: Ring, Answer -> Up, Wait(30) until hung up.
   */
  bridge: {
    '402;1': ['down', 'answered', 'hungUp'],
    '402;2': [
      'ringing',
      'answered',
      'answered+dialing',
      'answered',
      'answered+bridged',
      'answered',
      'hungUp',
    ],
    'agent;1': ['down', 'answered', 'answered+bridged', 'answered', 'hungUp'],
    'agent;2': ['ringing', 'answered', 'hungUp'],
  },
  /**
   * Originate `Local/403@default`, then AGI `ANSWER`, `EXEC Playback hello-world`, `HANGUP`.
   * `;1`: Down, Up, Hangup cause 0. `;2`: Ring, AGI(agi:async) starts while still Ring, AGI
   * ANSWER makes it Up, AGI HANGUP then AsyncAGIEnd, Hangup cause 0 (Unknown).
   */
  'asyncagi-hello': {
    '403;1': ['down', 'answered', 'hungUp'],
    '403;2': ['ringing', 'ringing+inAgi', 'answered+inAgi', 'answered', 'hungUp'],
  },
} as const satisfies Record<string, Record<string, readonly string[]>>;

/** `Local/401@default-00000000;1` → `401;1`; other names as they are. */
export function localRole(name: string): string {
  const match = /^Local\/([^@]+)@[^-]+-[0-9a-f]{8}(;[12])$/.exec(name);
  return match ? `${match[1]}${match[2]}` : name;
}
