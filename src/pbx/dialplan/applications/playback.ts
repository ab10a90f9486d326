import { answerChannel } from '../../channels/answer.js';
import type { Channel } from '../../channels/Channel.js';
import type { Pbx } from '../../Pbx.js';
import { SAMPLE_RATE, soundSamples } from '../../sounds.js';
import { type Application, type AppResult, args } from './types.js';

/** How a stream of one file ended: how far it got (samples), and the digit that stopped it. */
export interface StreamResult {
  readonly ended: 'done' | 'digit' | 'hangup' | 'missing';
  readonly digit?: string;
  readonly endpos: number;
}

/**
 * Plays one sound file on the PBX clock. With `escapeDigits`, one of those digits stops it (AGI STREAM
 * FILE, Background, GET DATA); `endpos` says where it stopped, in samples.
 */
export async function streamFile(
  pbx: Pbx,
  ch: Channel,
  file: string,
  escapeDigits = '',
  offset = 0,
): Promise<StreamResult> {
  const samples = soundSamples(file);
  if (samples === undefined) return { ended: 'missing', endpos: 0 };
  const r = await play(pbx, ch, samples, escapeDigits, offset);
  // Stopping a stream publishes the channel's snapshot (a Redirect's new location shows then).
  pbx.showLocation(ch);
  return r;
}

async function play(
  pbx: Pbx,
  ch: Channel,
  samples: number,
  escapeDigits: string,
  offset: number,
): Promise<StreamResult> {
  const from = Math.min(Math.max(0, offset), samples);
  const started = pbx.clock.now();
  const total = ((samples - from) * 1000) / SAMPLE_RATE;
  for (;;) {
    const left = total - (pbx.clock.now() - started);
    if (left <= 0) return { ended: 'done', endpos: samples };
    const r = await ch.wait(pbx.clock, left, escapeDigits !== '');
    const played = Math.round(((pbx.clock.now() - started) * SAMPLE_RATE) / 1000);
    const endpos = Math.min(samples, from + played);
    if (r.kind === 'timeout') return { ended: 'done', endpos: samples };
    if (r.kind === 'hangup') return { ended: 'hangup', endpos };
    if (escapeDigits.includes(r.digit)) return { ended: 'digit', digit: r.digit, endpos };
  }
}

/**
 * Playback(file1&file2...): plays each file; PLAYBACKSTATUS is SUCCESS even when a hangup cut it
 * short (as recorded), FAILED when a file does not exist.
 */
export const playback: Application = async (pbx, ch, data) => {
  const files = (args(data)[0] ?? '').split('&').filter(Boolean);
  let status = 'SUCCESS';
  let hungUp = false;
  for (const f of files) {
    const r = await streamFile(pbx, ch, f);
    if (r.ended === 'missing') {
      status = 'FAILED';
      break;
    }
    if (r.ended === 'hangup') {
      hungUp = true;
      break;
    }
  }
  pbx.setVar(ch, 'PLAYBACKSTATUS', status);
  return hungUp ? -1 : 0;
};

/**
 * Background(file1&file2...): answers if needed, plays the files; any digit stops them. In the
 * dialplan a digit that is itself an extension of the context jumps there; otherwise (and always
 * under AGI EXEC, where Asterisk disables that workaround) the digit's code is returned.
 * BACKGROUNDSTATUS is FAILED when a file does not exist, else SUCCESS.
 */
export const background: Application = async (pbx, ch, data, context) => {
  const files = (args(data)[0] ?? '').split('&').filter(Boolean);
  if (files.length === 0) return -1;
  answerChannel(pbx, ch);
  let status = 'SUCCESS';
  let res: AppResult = 0;
  for (const f of files) {
    const r = await streamFile(pbx, ch, f, '0123456789*#');
    if (r.ended === 'missing') {
      status = 'FAILED';
      break;
    }
    if (r.ended === 'hangup') {
      res = -1;
      break;
    }
    if (r.ended === 'digit' && r.digit) {
      res = r.digit.charCodeAt(0);
      if (!context?.fromAgi && pbx.extensionExists(ch.context, r.digit))
        res = { goto: { context: ch.context, exten: r.digit, priority: 1 } };
      break;
    }
  }
  pbx.setVar(ch, 'BACKGROUNDSTATUS', status);
  return res;
};

/**
 * Read(var[,files[,maxdigits[,options[,attempts[,timeout]]]]]), as app_read: READSTATUS is ERROR
 * until it ends; answers if needed; plays the `&`-joined prompts (a key stops them) and collects
 * keys until `#`, `maxdigits` (1-255) or a timeout: `timeout` seconds for each key, else 10 s for
 * the first and 5 s for each next one in the dialplan (6 s / 2 s for an Originate's application).
 * An empty answer is asked again up to `attempts` times. READSTATUS: OK, TIMEOUT or HANGUP.
 */
export const read: Application = async (pbx, ch, data) => {
  pbx.setVar(ch, 'READSTATUS', 'ERROR');
  const [name = '', file = '', maxText = '', , attemptsText = '', timeoutText = ''] = args(data);
  if (!name) return 0;
  const maxParsed = Number.parseInt(maxText, 10);
  const max = maxParsed >= 1 && maxParsed <= 255 ? maxParsed : 255;
  const timeout = Number.parseFloat(timeoutText) > 0 ? Number.parseFloat(timeoutText) * 1000 : 0;
  const inPbx = ch.owner === 'pbx';
  const first = timeout || (inPbx ? 10_000 : 6000);
  const next = timeout || (inPbx ? 5000 : 2000);
  answerChannel(pbx, ch);
  let tries = Math.max(1, Number.parseInt(attemptsText, 10) || 1);
  let status = 'ERROR';
  while (tries > 0) {
    const r = await readDigits(pbx, ch, file.split('&').filter(Boolean), max, first, next);
    if (r.status === 'hangup') {
      pbx.setVar(ch, name, r.digits);
      break;
    }
    status = r.status;
    pbx.setVar(ch, name, r.digits);
    tries = r.digits ? 0 : tries - 1;
  }
  pbx.setVar(ch, 'READSTATUS', ch.interrupted ? 'HANGUP' : status);
  return 0;
};

/** Plays the prompts (any key stops them), then collects keys until `#`, `max` or a timeout. */
async function readDigits(
  pbx: Pbx,
  ch: Channel,
  prompts: string[],
  max: number,
  first: number,
  next: number,
): Promise<{ status: 'OK' | 'TIMEOUT' | 'hangup'; digits: string }> {
  let pressed: string | undefined;
  for (const f of prompts) {
    const r = await streamFile(pbx, ch, f, '0123456789*#');
    if (r.ended === 'hangup') return { status: 'hangup', digits: '' };
    if (r.digit) {
      pressed = r.digit;
      break;
    }
  }
  let digits = '';
  for (;;) {
    if (pressed === undefined) {
      const r = await ch.wait(pbx.clock, digits ? next : first, true);
      if (r.kind === 'hangup') return { status: 'hangup', digits };
      if (r.kind === 'timeout') return { status: 'TIMEOUT', digits };
      pressed = r.digit;
    }
    if (pressed === '#') return { status: 'OK', digits };
    digits += pressed;
    pressed = undefined;
    if (digits.length >= max) return { status: 'OK', digits };
  }
}
