import { randomUUID } from 'node:crypto';
import { answerChannel } from '../../channels/answer.js';
import type { Channel } from '../../channels/Channel.js';
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

type Outcome = 'answer' | 'caller-hangup' | 'callee-hangup' | 'timeout';

/**
 * Dial(Local/<exten>@<context>[,timeout]): calls a Local channel, bridges the caller with it when
 * it answers, and stays in the bridge until one side hangs up. Events follow app_dial + the basic
 * bridge as recorded in the `bridge` trace.
 */
export const dial: Application = async (pbx, caller, data) => {
  const [targets = '', timeoutText = ''] = args(data);
  const timeoutMs = timeoutText ? (Number.parseFloat(timeoutText) || 0) * 1000 : -1;
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
  pbx.channelEvent('Newexten', 'dialplan', peer, [
    ['Extension', peer.exten],
    ['Application', 'AppDial'],
    ['AppData', '(Outgoing Line)'],
  ]);
  pbx.channelEvent('NewCallerid', 'call', peer, [['CID-CallingPres', CALLING_PRES]]);
  pbx.channelEvent('NewConnectedLine', 'call', peer);
  if (!leg.call([['DIALEDPEERNUMBER', resource]])) {
    leg.abandon();
    pbx.setVar(caller, 'DIALSTATUS', 'CHANUNAVAIL');
    return 0;
  }
  pbx.emit('DialBegin', 'call', [
    ...pbx.snapshot(caller),
    ...pbx.snapshot(peer, 'Dest'),
    ['DialString', resource],
  ]);
  peer.ringHook = () => {
    pbx.emit('DialState', 'call', [
      ...pbx.snapshot(caller),
      ...pbx.snapshot(peer, 'Dest'),
      ['DialStatus', 'RINGING'],
    ]);
  };
  // Listen for the answer before the far side starts: its Answer() may run synchronously.
  const pending = waitOutcome(pbx, caller, peer, timeoutMs);
  leg.start();
  const outcome = await pending;
  peer.ringHook = undefined;
  if (outcome !== 'answer') {
    const status =
      outcome === 'timeout'
        ? 'NOANSWER'
        : outcome === 'caller-hangup'
          ? 'CANCEL'
          : peer.hangupCause === 34
            ? 'CONGESTION'
            : peer.hangupCause === 17
              ? 'BUSY'
              : 'CHANUNAVAIL';
    pbx.emit('DialEnd', 'call', [
      ...pbx.snapshot(caller),
      ...pbx.snapshot(peer, 'Dest'),
      ['DialStatus', status],
    ]);
    if (!peer.destroyed) pbx.hangupChannel(peer);
    pbx.setVar(caller, 'DIALSTATUS', status);
    return outcome === 'caller-hangup' ? -1 : 0;
  }
  return bridgeCall(pbx, caller, peer, resource);
};

function waitOutcome(
  pbx: Pbx,
  caller: Channel,
  peer: Channel,
  timeoutMs: number,
): Promise<Outcome> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      peer.answerHook = undefined;
      offCaller();
      offPeer();
      if (timer !== undefined) pbx.clock.clearTimer(timer);
      resolve(o);
    };
    peer.answerHook = () => finish('answer');
    const offCaller = caller.onHangup(() => finish('caller-hangup'));
    const offPeer = peer.onHangup(() => finish('callee-hangup'));
    const timer =
      timeoutMs >= 0 ? pbx.clock.setTimer(() => finish('timeout'), timeoutMs) : undefined;
  });
}

async function bridgeCall(pbx: Pbx, caller: Channel, peer: Channel, resource: string) {
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
  pbx.channelEvent('Newexten', 'dialplan', peer, [
    ['Extension', peer.exten],
    ['Application', 'AppDial'],
    ['AppData', '(Outgoing Line)'],
  ]);
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
  leave(caller, 0);
  pbx.emit('BridgeDestroy', 'call', bridgeSnapshot(id, 0));
  times();
  return 0;
}
