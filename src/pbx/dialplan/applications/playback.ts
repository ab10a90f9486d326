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

/** Read(var[,file[,maxdigits[,options[,attempts[,timeout]]]]]): collects digits until # or max. */
export const read: Application = async (pbx, ch, data) => {
  const [name = '', file = '', maxText = '', , , timeoutText = ''] = args(data);
  const max = Number.parseInt(maxText, 10) || 255;
  const timeout = (Number.parseFloat(timeoutText) || 5) * 1000;
  let digits = '';
  if (file) {
    for (const f of file.split('&')) {
      const r = await streamFile(pbx, ch, f, '0123456789*#');
      if (r.ended === 'hangup') return -1;
      if (r.ended === 'digit') {
        digits = r.digit ?? '';
        break;
      }
    }
  }
  while (digits.length < max && !digits.endsWith('#')) {
    const r = await ch.wait(pbx.clock, timeout, true);
    if (r.kind === 'hangup') return -1;
    if (r.kind === 'timeout') break;
    digits += r.digit;
  }
  pbx.setVar(ch, name, digits.replace(/#$/, ''));
  pbx.setVar(ch, 'READSTATUS', 'OK');
  return 0;
};
