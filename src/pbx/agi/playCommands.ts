import type { Channel } from '../channels/Channel.js';
import { streamFile } from '../dialplan/applications/playback.js';
import type { Pbx } from '../Pbx.js';
import { soundSamples } from '../sounds.js';
import { type AgiOutcome, done, result, usage } from './outcome.js';
import { digitFiles, numberFiles } from './sayNumber.js';

const ALL_DIGITS = '0123456789*#';

/** `sscanf("%d")`: the leading integer of a word, or undefined when it does not start with one. */
function leadingInt(word: string | undefined): number | undefined {
  const m = /^\s*([+-]?\d+)/.exec(word ?? '');
  return m ? Number.parseInt(m[1]!, 10) : undefined;
}

/** What a command that only plays or waits returns: a digit's code, 0, or -1 after a hang-up. */
function played(value: number): AgiOutcome {
  return done(value, value >= 0 ? 'success' : 'failure');
}

/**
 * STREAM FILE file escape-digits [offset]: plays the file; a digit of `escape-digits` stops it.
 * Replies `result=<digit code|0|-1> endpos=<samples>` and sets PLAYBACKSTATUS (FAILED when
 * interrupted). A file that does not exist replies `result=-1 endpos=<offset>` and ends the AGI
 * session (RESULT_FAILURE), as res_agi does.
 */
export async function streamFileCommand(pbx: Pbx, ch: Channel, argv: string[]) {
  if (argv.length < 4 || argv.length > 5) return usage('stream file');
  const offset = argv.length > 4 ? leadingInt(argv[4]) : 0;
  if (offset === undefined) return usage('stream file');
  const file = argv[2]!;
  if (soundSamples(file) === undefined) return done(-1, 'failure', ` endpos=${offset}`);
  const r = await streamFile(pbx, ch, file, argv[3]!, offset);
  const value = r.ended === 'hangup' ? -1 : r.digit ? r.digit.charCodeAt(0) : 0;
  const outcome = done(value, value >= 0 ? 'success' : 'failure', ` endpos=${r.endpos}`);
  pbx.setVar(ch, 'PLAYBACKSTATUS', value === 0 ? 'SUCCESS' : 'FAILED');
  return outcome;
}

/** WAIT FOR DIGIT timeout-ms (-1: forever). */
export async function waitForDigit(pbx: Pbx, ch: Channel, argv: string[]) {
  if (argv.length !== 4) return usage('wait for digit');
  const timeout = leadingInt(argv[3]);
  if (timeout === undefined) return usage('wait for digit');
  const r = await ch.wait(pbx.clock, timeout, true);
  return played(r.kind === 'hangup' ? -1 : r.kind === 'digit' ? r.digit.charCodeAt(0) : 0);
}

/** Plays files one after the other; a digit of `escapeDigits` stops them (ast_say_* / say_filenames). */
async function say(pbx: Pbx, ch: Channel, files: string[], escapeDigits: string) {
  for (const f of files) {
    if (soundSamples(f) === undefined) continue;
    const r = await streamFile(pbx, ch, f, escapeDigits);
    if (r.ended === 'hangup') return played(-1);
    if (r.ended === 'digit' && r.digit) return played(r.digit.charCodeAt(0));
  }
  return played(0);
}

/** SAY DIGITS number escape-digits. */
export async function sayDigits(pbx: Pbx, ch: Channel, argv: string[]) {
  if (argv.length !== 4 || leadingInt(argv[2]) === undefined) return usage('say digits');
  return say(pbx, ch, digitFiles(argv[2]!), argv[3]!);
}

/** SAY NUMBER number escape-digits [gender]. */
export async function sayNumber(pbx: Pbx, ch: Channel, argv: string[]) {
  const n = leadingInt(argv[2]);
  if (argv.length < 4 || argv.length > 5 || n === undefined) return usage('say number');
  return say(pbx, ch, numberFiles(n), argv[3]!);
}

/**
 * GET DATA file [timeout-ms] [max-digits]: plays the prompt (any digit stops it), then collects
 * digits until `#`, `max-digits` or a timeout: the first digit may take `timeout` (6 s by
 * default), each next one `timeout` too (2 s by default), as ast_app_getdata_full does.
 */
export async function getData(pbx: Pbx, ch: Channel, argv: string[]): Promise<AgiOutcome> {
  if (argv.length < 3) return usage('get data');
  const timeout = leadingInt(argv[3]) ?? 0;
  const max = argv.length >= 5 ? (leadingInt(argv[4]) ?? 0) : 1024;
  const [first, next] = timeout > 0 ? [timeout, timeout] : timeout < 0 ? [-1, -1] : [6000, 2000];
  const prompt = argv[2]!;
  if (prompt && soundSamples(prompt) === undefined) return result(-1);
  if (ch.hangupRequested || max <= 0) return result(-1);
  let digits = '';
  let pressed: string | undefined;
  if (prompt) {
    const r = await streamFile(pbx, ch, prompt, ALL_DIGITS);
    if (r.ended === 'hangup') return result(-1);
    pressed = r.digit;
  }
  for (;;) {
    if (pressed === undefined) {
      const r = await ch.wait(pbx.clock, digits === '' ? first : next, true);
      if (r.kind === 'hangup') return result(-1);
      if (r.kind === 'timeout') return result(digits, ' (timeout)');
      pressed = r.digit;
    }
    if (pressed === '#') return result(digits);
    digits += pressed;
    pressed = undefined;
    if (digits.length >= max) return result(digits);
  }
}
