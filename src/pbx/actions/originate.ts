import type { Channel } from '../channels/Channel.js';
import { dialStatusOfCause } from '../channels/channelState.js';
import { setCallerIds } from '../channels/LocalChannel.js';
import { runApp, runPbx } from '../dialplan/runPbx.js';
import type { Fields } from '../events/types.js';
import type { Pbx } from '../Pbx.js';
import { type OriginateRequest, parseOriginate } from './originateRequest.js';
import { type ActionHandler, isTrue, message } from './types.js';

/** OriginateResponse Reason codes (Asterisk's AST_CONTROL_* numbers). */
export const OriginateReason = {
  Failure: 0,
  Hangup: 1,
  NoAnswer: 3,
  Answered: 4,
  Busy: 5,
  Congestion: 8,
} as const;

/**
 * Applications and data only a `system`-class user may originate into (manager.c's
 * `originate_app_permissions`): an application whose name contains one of these words (any case:
 * `AGI` too, even `agi:async`), or data that contains one of these functions (case matters).
 */
const PRIVILEGED_APP = /agi|dbdeltree|exec|externalivr|mixmonitor|originate|reload|system/i;
const PRIVILEGED_DATA = /CURL|DB|EVAL|FILE|ODBC|REALTIME|SHELL/;

/** How an Originate ended. */
export interface OriginateResult {
  readonly reason: number;
  readonly channel: Channel | undefined;
}

/**
 * Places the call through the channel's technology (a Local pair whose `;2` runs the dialplan, a
 * simulated phone that rings) and follows it as Asterisk's dialer (main/dial.c) does: ringing is
 * reported (DialState), an answer ends it with Reason 4, busy (5) and congestion (8) hang the
 * channel up, so does the timeout (cause 19, Reason 3, no DialEnd); a far end that hangs up
 * first, or a destination that does not exist, is a failure (Reason 0). Once answered the held
 * channel runs the application or the dialplan location of the request.
 */
export function placeCall(pbx: Pbx, req: OriginateRequest): Promise<OriginateResult> {
  const leg = pbx.request(req.channel);
  if (!leg) return Promise.resolve({ reason: OriginateReason.Failure, channel: undefined });
  const one = leg.channel;
  one.app = 'AppDial2';
  one.appData = '(Outgoing Line)';
  pbx.newexten(one);
  for (const [k, v] of req.variables) pbx.setVar(one, k, v);
  if (req.callerId) setCallerIds(pbx, one, req.callerId, req.callerId);
  if (!leg.call()) {
    return Promise.resolve({ reason: OriginateReason.Failure, channel: one }).then((r) => {
      leg.abandon();
      return r;
    });
  }
  const dialEvent = (name: string, extra: Fields) =>
    pbx.emit(name, 'call', [...pbx.snapshot(one, 'Dest'), ...extra]);
  dialEvent('DialBegin', [['DialString', leg.dialString]]);
  const answered = new Promise<OriginateResult>((resolve) => {
    let settled = false;
    const settle = (reason: number) => {
      if (settled) return;
      settled = true;
      pbx.clock.clearTimer(timer);
      off();
      one.controlHook = undefined;
      resolve({ reason, channel: one });
    };
    one.controlHook = (control) => {
      if (control === 'ringing' || control === 'progress') {
        dialEvent('DialState', [['DialStatus', control.toUpperCase()]]);
        return;
      }
      dialEvent('DialEnd', [['DialStatus', control.toUpperCase()]]);
      settle(
        control === 'answer'
          ? OriginateReason.Answered
          : control === 'busy'
            ? OriginateReason.Busy
            : OriginateReason.Congestion,
      );
    };
    const off = one.onHangup(() => {
      dialEvent('DialEnd', [['DialStatus', dialStatusOfCause(one.hangupCause)]]);
      settle(OriginateReason.Failure);
    });
    const timer = pbx.clock.setTimer(() => {
      one.hangupCause = CAUSE_NO_ANSWER;
      settle(OriginateReason.NoAnswer);
    }, req.timeoutMs);
  });
  leg.start();
  return answered.then((r) => {
    if (r.reason === OriginateReason.Answered) {
      const t = req.target;
      pbx.track('app' in t ? runApp(pbx, one, t.app, t.data) : runFrom(pbx, one, t));
    } else if (!one.destroyed) {
      pbx.hangupChannel(one);
    }
    return r;
  });
}

/** Cause the dialer gives a channel that rang out (AST_CAUSE_NO_ANSWER). */
const CAUSE_NO_ANSWER = 19;

function runFrom(pbx: Pbx, ch: Channel, t: { context: string; exten: string; priority: number }) {
  // An empty context or extension, or priority 0, leaves the channel's own (pbx_outgoing_exec).
  if (t.context) ch.context = t.context;
  if (t.exten) ch.exten = t.exten;
  if (t.priority > 0) ch.priority = t.priority;
  return runPbx(pbx, ch);
}

/**
 * Originate. Async: `Originate successfully queued` at once, then OriginateResponse (to every
 * session that reads `call`, with this ActionID). Sync: the answer waits for the outcome, and a
 * failure is `Originate failed`.
 */
export const originate: ActionHandler = async (ctx) => {
  const { pbx, message: m, session } = ctx;
  const req = parseOriginate(
    pbx,
    (k) => m.get(k),
    (k) => m.getAll(k),
  );
  if (typeof req === 'string') {
    ctx.reply('Error', message(req));
    return;
  }
  if (
    'app' in req.target &&
    (PRIVILEGED_APP.test(req.target.app) || PRIVILEGED_DATA.test(req.target.data)) &&
    !session.user?.write.has('system')
  ) {
    ctx.reply('Error', message('Originate Access Forbidden: app or data blacklisted'));
    return;
  }
  if (!isTrue(m.get('Async'))) {
    if (!('app' in req.target) && req.target.priority === 0) {
      ctx.reply('Error', message("Originate with 'Exten' requires 'Context' and 'Priority'"));
      return;
    }
    const r = await placeCall(pbx, req);
    if (r.reason === OriginateReason.Answered)
      ctx.reply('Success', message('Originate successfully queued'));
    else ctx.reply('Error', message('Originate failed'));
    return;
  }
  ctx.reply('Success', message('Originate successfully queued'));
  // The session goes on with its next action while the call is placed.
  pbx.track(
    placeCall(pbx, req).then((r) =>
      pbx.emit('OriginateResponse', 'call', originateResponse(pbx, ctx.actionId, req, r)),
    ),
  );
};

function originateResponse(
  pbx: Pbx,
  actionId: string | undefined,
  req: OriginateRequest,
  r: OriginateResult,
): Fields {
  const ok = r.reason === OriginateReason.Answered && r.channel !== undefined;
  const t = req.target;
  const f: Fields = [];
  if (actionId !== undefined) f.push(['ActionID', actionId]);
  f.push(['Response', ok ? 'Success' : 'Failure'], ['Channel', ok ? r.channel!.name : req.channel]);
  if ('app' in t) f.push(['Application', t.app], ['Data', t.data]);
  else f.push(['Context', t.context], ['Exten', t.exten]);
  f.push(['Reason', String(r.reason)]);
  // The caller ID is the request's (manager.c's fast_originate), not the channel's.
  const cid = req.callerId;
  f.push(
    ['Uniqueid', ok ? r.channel!.uniqueid : '<unknown>'],
    ['CallerIDNum', cid && cid.num !== '' ? cid.num : '<unknown>'],
    ['CallerIDName', cid && cid.name !== '' ? cid.name : '<unknown>'],
  );
  if (ok) {
    const ch = r.channel!;
    for (const v of pbx.channelVars)
      f.push([`ChanVariable(${ch.name})`, `${v}=${ch.vars.get(v) ?? ''}`]);
  }
  return f;
}
