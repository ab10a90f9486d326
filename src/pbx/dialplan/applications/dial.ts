import { randomUUID } from 'node:crypto';
import { answerChannel } from '../../channels/answer.js';
import type { Channel } from '../../channels/Channel.js';
import { dialStatusOfCause } from '../../channels/channelState.js';
import { indicate } from '../../channels/control.js';
import { CALLING_PRES } from '../../channels/LocalChannel.js';
import { bridgeSnapshot } from '../../events/channelEvents.js';
import type { Pbx } from '../../Pbx.js';
import { type Application, args } from './types.js';

/** Variables Dial() clears when it starts, in Asterisk's order. */
const DIAL_VARS = [
  'DIALSTATUS',
  'DIALEDPEERNUMBER',
  'DIALEDPEERNAME',
  'ANSWEREDTIME',
  'ANSWEREDTIME_MS',
  'DIALEDTIME',
  'DIALEDTIME_MS',
  'RINGTIME',
  'RINGTIME_MS',
  'PROGRESSTIME',
  'PROGRESSTIME_MS',
];

/** How the wait for the called party ended. */
type Outcome = 'answer' | 'busy' | 'congestion' | 'callee-hangup' | 'caller-hangup' | 'timeout';

/**
 * Dial(Tech/resource[,timeout]): calls one channel, then follows app_dial: ringing and progress
 * are reported (DialState, RINGTIME / PROGRESSTIME), busy, congestion, a hang-up of the called
 * party, the timeout or the caller hanging up end the attempt (DialEnd, DIALSTATUS), an answer
 * bridges both until one side hangs up. Events follow app_dial and the basic bridge as recorded.
 */
export const dial: Application = async (pbx, caller, data) => {
  const [targets = '', timeoutText = '', options = ''] = args(data);
  const seconds = Number.parseFloat(timeoutText);
  const timeoutMs = seconds > 0 ? seconds * 1000 : -1;
  for (const v of DIAL_VARS) pbx.setVar(caller, v, '');
  const dialString = targets.split('&')[0] ?? '';
  const leg = pbx.request(dialString, { linkedid: caller.linkedid });
  if (!leg) {
    pbx.setVar(caller, 'DIALSTATUS', 'CHANUNAVAIL');
    return 0;
  }
  const resource = leg.dialString;
  const peer = leg.channel;
  peer.owner = 'dialed';
  pbx.setVar(peer, 'DIALEDPEERNUMBER', resource);
  // app_dial gives the outgoing channel the caller's location and presents the dialled extension.
  peer.context = caller.context;
  peer.exten = caller.exten;
  peer.callerNum = caller.exten;
  peer.callerName = caller.callerName;
  peer.connectedNum = caller.callerNum;
  peer.connectedName = caller.callerName;
  peer.app = 'AppDial';
  peer.appData = '(Outgoing Line)';
  pbx.newexten(peer);
  pbx.channelEvent('NewCallerid', 'call', peer, [['CID-CallingPres', CALLING_PRES]]);
  pbx.channelEvent('NewConnectedLine', 'call', peer);
  if (!leg.call()) {
    // ast_call failed: no DialBegin; the half-made channel goes away.
    leg.abandon();
    pbx.setVar(caller, 'DIALSTATUS', 'CHANUNAVAIL');
    return 0;
  }
  const dialEvent = (name: string, extra: [string, string][]) =>
    pbx.emit(name, 'call', [...pbx.snapshot(caller), ...pbx.snapshot(peer, 'Dest'), ...extra]);
  dialEvent('DialBegin', [['DialString', resource]]);
  // Listen before the far side starts: its Answer() may run synchronously.
  const pending = waitOutcome(pbx, caller, peer, timeoutMs, dialEvent);
  leg.start();
  const outcome = await pending;
  if (outcome === 'answer') {
    return bridgeCall(pbx, caller, peer, resource, options.includes('g'));
  }
  const status = endAttempt(pbx, caller, peer, outcome, dialEvent);
  pbx.setVar(caller, 'DIALSTATUS', status);
  return outcome === 'caller-hangup' ? -1 : 0;
};

/** DIALSTATUS after the called channel hung up (app_dial's handle_cause). */
function statusAfterHangup(cause: number): string {
  if (cause === 17) return 'BUSY';
  if (cause === 34) return 'CONGESTION';
  if (cause === 16 || cause === 19) return 'NOANSWER';
  return 'CHANUNAVAIL';
}

/**
 * Ends an attempt nobody answered: DialEnd, the called channel hung up (with the caller's cause
 * when the caller cancelled), and the DIALSTATUS to set.
 */
function endAttempt(
  pbx: Pbx,
  caller: Channel,
  peer: Channel,
  outcome: Exclude<Outcome, 'answer'>,
  dialEvent: (name: string, extra: [string, string][]) => void,
): string {
  let status: string;
  switch (outcome) {
    case 'busy':
    case 'congestion':
      caller.hangupCause = peer.hangupCause;
      status = outcome === 'busy' ? 'BUSY' : 'CONGESTION';
      dialEvent('DialEnd', [['DialStatus', status]]);
      break;
    case 'callee-hangup':
      caller.hangupCause = peer.hangupCause;
      dialEvent('DialEnd', [['DialStatus', dialStatusOfCause(peer.hangupCause)]]);
      status = statusAfterHangup(peer.hangupCause);
      break;
    case 'timeout':
      dialEvent('DialEnd', [['DialStatus', 'NOANSWER']]);
      status = 'NOANSWER';
      break;
    default:
      dialEvent('DialEnd', [['DialStatus', 'CANCEL']]);
      peer.hangupCause = caller.hangupCause || 16;
      status = 'CANCEL';
  }
  if (!peer.destroyed) pbx.hangupChannel(peer);
  return status;
}

/**
 * Waits for the called party. Ringing and progress are reported as they come (the first of each
 * sets RINGTIME / PROGRESSTIME, measured from the called channel's creation, and is passed on to
 * the caller); the other outcomes end the wait.
 */
function waitOutcome(
  pbx: Pbx,
  caller: Channel,
  peer: Channel,
  timeoutMs: number,
  dialEvent: (name: string, extra: [string, string][]) => void,
): Promise<Outcome> {
  const reported = new Set<string>();
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      peer.controlHook = undefined;
      offCaller();
      offPeer();
      if (timer !== undefined) pbx.clock.clearTimer(timer);
      resolve(o);
    };
    peer.controlHook = (control) => {
      if (control === 'ringing' || control === 'progress') {
        const name = control === 'ringing' ? 'RINGTIME' : 'PROGRESSTIME';
        if (!reported.has(control)) {
          reported.add(control);
          indicate(pbx, caller, control);
          const ms = pbx.clock.now() - peer.createdAt;
          pbx.setVar(caller, name, String(Math.floor(ms / 1000)));
          pbx.setVar(caller, `${name}_MS`, String(ms));
        }
        dialEvent('DialState', [['DialStatus', control.toUpperCase()]]);
        return;
      }
      finish(control);
    };
    const offCaller = caller.onHangup(() => finish('caller-hangup'));
    const offPeer = peer.onHangup(() => finish('callee-hangup'));
    const timer =
      timeoutMs >= 0 ? pbx.clock.setTimer(() => finish('timeout'), timeoutMs) : undefined;
  });
}

/**
/**
 * The called party answered: DialEnd ANSWER, the caller answered, both bridged until one hangs up.
 * Dial() then returns -1 whoever hung up, as app_dial does after a conversation, so the caller's
 * dialplan ends (an AGI EXEC sees `result=-1`), unless its `g` option says to go on when the
 * callee left. app_dial makes Normal Clearing (16) both sides' cause once answered.
 */
async function bridgeCall(
  pbx: Pbx,
  caller: Channel,
  peer: Channel,
  resource: string,
  continueAfterCallee: boolean,
) {
  caller.hangupCause = 16;
  peer.hangupCause = 16;
  peer.exten = '';
  pbx.setVar(caller, 'DIALSTATUS', 'ANSWER');
  pbx.setVar(caller, 'DIALEDPEERNAME', peer.name);
  pbx.setVar(caller, 'DIALEDPEERNUMBER', resource);
  pbx.emit('DialEnd', 'call', [
    ...pbx.snapshot(caller),
    ...pbx.snapshot(peer, 'Dest'),
    ['DialStatus', 'ANSWER'],
  ]);
  // app_dial answers its caller once the callee has answered, before bridging them.
  answerChannel(pbx, caller);
  const answeredAt = pbx.clock.now();
  const id = randomUUID();
  pbx.emit('BridgeCreate', 'call', bridgeSnapshot(id, 0));
  pbx.newexten(peer);
  pbx.emit('BridgeEnter', 'call', [...bridgeSnapshot(id, 1), ...pbx.snapshot(peer)]);
  pbx.emit('BridgeEnter', 'call', [...bridgeSnapshot(id, 2), ...pbx.snapshot(caller)]);
  caller.bridgeId = peer.bridgeId = id;
  pbx.setVar(peer, 'BRIDGEPEER', caller.name);
  pbx.setVar(caller, 'BRIDGEPEER', peer.name);

  const callerLeft = await new Promise<boolean>((resolve) => {
    const offA = caller.onHangup(() => {
      offB();
      resolve(true);
    });
    const offB = peer.onHangup(() => {
      offA();
      resolve(false);
    });
  });
  pbx.setVar(caller, 'BRIDGEPEER', '');
  pbx.setVar(peer, 'BRIDGEPEER', '');
  // A channel hung up in a bridge without a cause leaves it with Normal Clearing
  // (bridge_channel.c, channel_set_cause), and the bridge dissolves with that cause.
  const leaver = callerLeft ? caller : peer;
  if (leaver.hangupCause <= 0) leaver.hangupCause = 16;
  const leave = (ch: Channel, left: number) => {
    ch.bridgeId = undefined;
    pbx.emit('BridgeLeave', 'call', [...bridgeSnapshot(id, left), ...pbx.snapshot(ch)]);
  };
  // app_dial measures both from the caller channel: its answer time and its creation time.
  const times = () => {
    const now = pbx.clock.now();
    const answered = now - (caller.answeredAt ?? answeredAt);
    const dialed = now - caller.createdAt;
    pbx.setVar(caller, 'ANSWEREDTIME', String(Math.floor(answered / 1000)));
    pbx.setVar(caller, 'ANSWEREDTIME_MS', String(answered));
    pbx.setVar(caller, 'DIALEDTIME', String(Math.floor(dialed / 1000)));
    pbx.setVar(caller, 'DIALEDTIME_MS', String(dialed));
    pbx.setVar(caller, 'DIALSTATUS', 'ANSWER');
  };
  if (callerLeft) {
    leave(caller, 1);
    times();
    // The callee leaves and hangs up only once the caller is gone, as the recording shows.
    caller.afterHangup.push(() => {
      leave(peer, 0);
      if (peer.hangupCause === 0) peer.hangupCause = caller.hangupCause;
      pbx.hangupChannel(peer);
      pbx.emit('BridgeDestroy', 'call', bridgeSnapshot(id, 0));
    });
    return -1;
  }
  leave(peer, 1);
  if (!peer.destroyed) pbx.hangupChannel(peer);
  // The bridge dissolves with the callee's cause and kicks the caller out with it.
  if (caller.hangupCause <= 0) caller.hangupCause = peer.hangupCause;
  leave(caller, 0);
  pbx.emit('BridgeDestroy', 'call', bridgeSnapshot(id, 0));
  times();
  return continueAfterCallee ? 0 : -1;
}
