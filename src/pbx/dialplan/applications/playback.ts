import type { Channel } from '../../channels/Channel.js';
import type { Pbx } from '../../Pbx.js';
import { soundMs, soundSamples } from '../../sounds.js';
import { type Application, args } from './types.js';

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
): Promise<StreamResult> {
  const samples = soundSamples(file);
  if (samples === undefined) return { ended: 'missing', endpos: 0 };
  const started = pbx.clock.now();
  const total = soundMs(file);
  for (;;) {
    const left = total - (pbx.clock.now() - started);
    if (left <= 0) return { ended: 'done', endpos: samples };
    const r = await ch.wait(pbx.clock, left, escapeDigits !== '');
    const endpos = Math.min(samples, Math.round(((pbx.clock.now() - started) * 8000) / 1000));
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
 * Background(file1&file2...): like Playback but a digit stops it and jumps to that extension in
 * the current context (priority 1) when it exists, else to `i`.
 */
export const background: Application = async (pbx, ch, data) => {
  const files = (args(data)[0] ?? '').split('&').filter(Boolean);
  for (const f of files) {
    const r = await streamFile(pbx, ch, f, '0123456789*#');
    if (r.ended === 'hangup') return -1;
    if (r.ended === 'digit' && r.digit) {
      const exten = pbx.extensionExists(ch.context, r.digit) ? r.digit : 'i';
      if (!pbx.extensionExists(ch.context, exten)) return 0;
      return { goto: { context: ch.context, exten, priority: 1 } };
    }
  }
  return 0;
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
