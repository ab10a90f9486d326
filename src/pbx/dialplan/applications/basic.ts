import { answerChannel } from '../../channels/answer.js';
import { streamDigits } from '../../channels/dtmf.js';
import type { Pbx } from '../../Pbx.js';
import { substitute, truthy } from '../substitute.js';
import { type Application, args, type DialplanLocation } from './types.js';

/** Asterisk waits this long after answering a channel that was not up, before the next step. */
export const ANSWER_DELAY_MS = 500;

/**
 * Answer() moves on a little before the 500 ms are up: in the recordings Asterisk already shows
 * the next priority to an action sent exactly 500 ms after the answer (its Newexten comes later),
 * and a replay paced on the recording must not lose that race.
 */
const ANSWER_APP_DELAY_MS = ANSWER_DELAY_MS - 20;

/** Answer(): answers, then lets media settle for ~500 ms (only when it really answered). */
export const answer: Application = async (pbx, ch) => {
  if (!answerChannel(pbx, ch)) return 0;
  const r = await ch.wait(pbx.clock, ANSWER_APP_DELAY_MS);
  return r.kind === 'hangup' ? -1 : 0;
};

/** Hangup([cause]): ends the dialplan; the channel's cause becomes `cause` (16 by default). */
export const hangup: Application = async (_pbx, ch, data) => {
  const cause = Number.parseInt(args(data)[0] ?? '', 10);
  if (ch.hangupCause === 0) ch.hangupCause = Number.isFinite(cause) ? cause : 16;
  return -1;
};

/** Wait(seconds). */
export const wait: Application = async (pbx, ch, data) => {
  const secs = Number.parseFloat(args(data)[0] ?? '0') || 0;
  const r = await ch.wait(pbx.clock, secs * 1000);
  return r.kind === 'hangup' ? -1 : 0;
};

/** NoOp / Verbose: nothing visible on AMI. */
export const noop: Application = async () => 0;

/** Set(name=value). */
export const set: Application = async (pbx, ch, data) => {
  const eq = data.indexOf('=');
  if (eq <= 0) return 0;
  const name = data.slice(0, eq).trim();
  const value = data.slice(eq + 1);
  const global = /^GLOBAL\((.+)\)$/.exec(name);
  if (global) pbx.globals.set(global[1]!, value);
  else pbx.setVar(ch, name, value);
  return 0;
};

/** Echo(): what the caller says comes back; ends on `#` or hangup. */
export const echo: Application = async (pbx, ch) => {
  for (;;) {
    const r = await ch.wait(pbx.clock, -1, true);
    if (r.kind === 'hangup') return -1;
    if (r.kind === 'digit' && r.digit === '#') return 0;
  }
};

/**
 * SendDTMF(digits[,pause ms[,duration ms]]): the digits leave the channel (and arrive on the other
 * half of a Local pair), 250 ms apart and 100 ms long by default, after 100 ms of quiet.
 */
export const sendDtmf: Application = async (pbx, ch, data) => {
  const [digits = '', between = '', duration = ''] = args(data);
  const betweenMs = Number.parseFloat(between) > 0 ? Number.parseFloat(between) : 250;
  const durationMs = Math.max(0, Number.parseFloat(duration) || 0);
  const done = await streamDigits(pbx, ch, digits, { durationMs, betweenMs });
  return done ? 0 : -1;
};

/** Goto([[context,]exten,]priority|label). */
export const goto: Application = async (pbx, ch, data) => {
  const loc = resolveLocation(pbx, data, ch.context, ch.exten);
  return loc ? { goto: loc } : -1;
};

/** GotoIf(cond?[dest1][:dest2]). */
export const gotoIf: Application = async (pbx, ch, data) => {
  const q = data.indexOf('?');
  if (q < 0) return -1;
  const cond = substitute(data.slice(0, q), ch, pbx.globals);
  const [yes = '', no = ''] = data.slice(q + 1).split(':');
  const dest = truthy(cond) ? yes : no;
  if (!dest.trim()) return 0;
  const loc = resolveLocation(pbx, dest, ch.context, ch.exten);
  return loc ? { goto: loc } : -1;
};

/**
 * Resolves Goto targets: `prio`, `exten,prio`, `context,exten,prio`, where prio is a number or a
 * label (`n(label)` in extensions.conf).
 */
export function resolveLocation(
  pbx: Pbx,
  text: string,
  context: string,
  exten: string,
): DialplanLocation | undefined {
  const parts = args(text);
  const last = parts.at(-1) ?? '';
  const ctx = parts.length >= 3 ? parts[0]! : context;
  const ext = parts.length >= 3 ? parts[1]! : parts.length === 2 ? parts[0]! : exten;
  let priority = Number.parseInt(last, 10);
  if (!Number.isFinite(priority)) {
    const step = pbx.dialplan
      .get(ctx)
      ?.get(ext)
      ?.find((s) => s.label === last);
    if (!step) return undefined;
    priority = step.priority;
  }
  return { context: ctx, exten: ext, priority };
}
