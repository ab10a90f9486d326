import type { Channel } from '../channels/Channel.js';
import type { Pbx } from '../Pbx.js';
import { applications } from './applications/index.js';
import type { AppResult } from './applications/types.js';
import { substitute } from './substitute.js';

/** Soft hangup flag Asterisk reports when the dialplan loop ends a call (AST_SOFTHANGUP_APPUNLOAD). */
const SOFTHANGUP_APPUNLOAD = 16;

/**
 * Runs the dialplan on a channel from its current context/exten/priority until an application
 * hangs up or the extension runs out, then hangs the channel up. Each step publishes Newexten
 * before its application runs.
 */
export async function runPbx(pbx: Pbx, ch: Channel): Promise<void> {
  ch.owner = 'pbx';
  let result: AppResult = 0;
  for (;;) {
    const step = pbx.step(ch.context, ch.exten, ch.priority);
    if (!step) break;
    const data = substitute(step.data, ch, pbx.globals);
    const app = applications[step.app.toLowerCase()];
    if (!app) {
      // Asterisk: "No application 'X' for extension": the call ends, nothing is published.
      result = -1;
      break;
    }
    ch.app = step.app;
    ch.appData = data;
    pbx.newexten(ch);
    result = ch.hangupRequested ? -1 : await app(pbx, ch, data);
    if (ch.destroyed) return;
    // A Redirect already moved the channel; it goes on there, where it now is.
    const redirect = ch.pendingRedirect;
    ch.pendingRedirect = undefined;
    if (redirect && !ch.hangupRequested) result = { goto: redirect };
    if (typeof result === 'number' && result > 0) result = digitJump(pbx, ch, result);
    if (result === -1) break;
    if (typeof result === 'object') {
      ch.context = result.goto.context;
      ch.exten = result.goto.exten;
      ch.priority = result.goto.priority;
    } else {
      ch.priority++;
    }
  }
  if (ch.destroyed) return;
  if (result === -1) pbx.softHangupRequest(ch, SOFTHANGUP_APPUNLOAD);
  pbx.hangupChannel(ch);
}

/**
 * An application returned a key (Background() interrupted outside an extension of that digit):
 * the dialplan goes to the extension that key names, else to `i`, else the call ends. (Asterisk
 * would first wait for more digits of a longer extension; the shipped dialplans have none.)
 */
function digitJump(pbx: Pbx, ch: Channel, code: number): AppResult {
  const digit = String.fromCharCode(code);
  const exten = pbx.extensionExists(ch.context, digit) ? digit : 'i';
  if (!pbx.extensionExists(ch.context, exten)) return -1;
  return { goto: { context: ch.context, exten, priority: 1 } };
}

/**
 * Runs one application on a channel outside the dialplan (Originate with Application/Data), then
 * hangs it up. No Newexten: Asterisk runs it directly.
 */
export async function runApp(pbx: Pbx, ch: Channel, appName: string, data: string): Promise<void> {
  ch.owner = 'app';
  ch.app = appName;
  ch.appData = data;
  const app = applications[appName.toLowerCase()];
  if (app && !ch.hangupRequested) await app(pbx, ch, data);
  const redirect = ch.pendingRedirect;
  ch.pendingRedirect = undefined;
  if (redirect && !ch.destroyed && !ch.hangupRequested) {
    ch.context = redirect.context;
    ch.exten = redirect.exten;
    ch.priority = redirect.priority;
    return runPbx(pbx, ch);
  }
  if (!ch.destroyed) pbx.hangupChannel(ch);
}
