import { answerChannel } from '../channels/answer.js';
import type { Channel } from '../channels/Channel.js';
import { ANSWER_DELAY_MS } from '../dialplan/applications/basic.js';
import { streamFile } from '../dialplan/applications/playback.js';
import type { Application } from '../dialplan/applications/types.js';
import { lookup, substitute } from '../dialplan/substitute.js';
import type { Pbx } from '../Pbx.js';
import { numberFiles } from './sayNumber.js';

/** The outcome of one AGI command: its result line (`200 result=0`) and what the loop does next. */
export interface AgiOutcome {
  readonly code: number;
  readonly line: string;
  readonly after?: 'hangup' | 'break';
}

/** Soft hangup flag AGI HANGUP sets (AST_SOFTHANGUP_EXPLICIT), reported as SoftHangupRequest Cause. */
const SOFTHANGUP_EXPLICIT = 32;
const ALL_DIGITS = '0123456789*#';

const ok = (result: string | number, extra = ''): AgiOutcome => ({
  code: 200,
  line: `200 result=${result}${extra}`,
});

/** Splits an AGI command line into words, honouring double quotes. */
export function agiWords(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line))
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/** Finds a dialplan application by lower-case name, for `EXEC`. */
export type ApplicationLookup = (name: string) => Application | undefined;

type Handler = (
  pbx: Pbx,
  ch: Channel,
  args: string[],
  application: ApplicationLookup,
) => Promise<AgiOutcome>;

const digitCode = (d: string) => d.charCodeAt(0);

/** The AGI commands the embedded PBX runs, by their (upper-case) words. */
const COMMANDS: ReadonlyArray<[words: string[], handler: Handler]> = [
  [
    ['ANSWER'],
    async (pbx, ch) => {
      if (answerChannel(pbx, ch)) {
        const r = await ch.wait(pbx.clock, ANSWER_DELAY_MS);
        if (r.kind === 'hangup') return ok(-1);
      }
      return ok(0);
    },
  ],
  [
    ['HANGUP'],
    async (pbx, ch) => {
      pbx.softHangupRequest(ch, SOFTHANGUP_EXPLICIT);
      ch.requestHangup();
      return { ...ok(1), after: 'hangup' };
    },
  ],
  [
    ['STREAM', 'FILE'],
    async (pbx, ch, [file = '', escapeDigits = '']) => {
      const r = await streamFile(pbx, ch, file, escapeDigits);
      if (r.ended === 'missing') return ok(-1, ' endpos=0');
      if (r.ended === 'hangup') return ok(-1, ` endpos=${r.endpos}`);
      return ok(r.digit ? digitCode(r.digit) : 0, ` endpos=${r.endpos}`);
    },
  ],
  [
    ['EXEC'],
    async (pbx, ch, [app = '', ...rest], application) => {
      const impl = application(app.toLowerCase());
      if (!impl) return ok(-2);
      const data = substitute(rest.join(' '), ch, pbx.globals);
      const prev = [ch.app, ch.appData] as const;
      ch.app = app;
      ch.appData = data;
      const r = await impl(pbx, ch, data);
      [ch.app, ch.appData] = prev;
      return ok(r === -1 ? -1 : 0);
    },
  ],
  [
    ['WAIT', 'FOR', 'DIGIT'],
    async (pbx, ch, [timeout = '-1']) => {
      const r = await ch.wait(pbx.clock, Number.parseInt(timeout, 10), true);
      if (r.kind === 'hangup') return ok(-1);
      return ok(r.kind === 'digit' ? digitCode(r.digit) : 0);
    },
  ],
  [['GET', 'DATA'], getData],
  [
    ['SAY', 'DIGITS'],
    async (pbx, ch, [digits = '', escapeDigits = '']) =>
      say(pbx, ch, [...digits].map(digitFile), escapeDigits),
  ],
  [
    ['SAY', 'NUMBER'],
    async (pbx, ch, [num = '', escapeDigits = '']) =>
      say(pbx, ch, numberFiles(Number.parseInt(num, 10)), escapeDigits),
  ],
  [
    ['SET', 'VARIABLE'],
    async (pbx, ch, [name = '', value = '']) => {
      pbx.setVar(ch, name, value);
      return ok(1);
    },
  ],
  [
    ['GET', 'VARIABLE'],
    async (pbx, ch, [name = '']) => {
      const v = lookup(name, ch, pbx.globals);
      return v === '' ? ok(0) : ok(1, ` (${v})`);
    },
  ],
  [
    ['GET', 'FULL', 'VARIABLE'],
    async (pbx, ch, [expr = '']) => ok(1, ` (${substitute(expr, ch, pbx.globals)})`),
  ],
  [['CHANNEL', 'STATUS'], async (_pbx, ch) => ok(ch.state)],
  [['NOOP'], async () => ok(0)],
  [['ASYNCAGI', 'BREAK'], async () => ({ ...ok(0), after: 'break' })],
];

function digitFile(d: string): string {
  return d === '*' ? 'digits/star' : d === '#' ? 'digits/pound' : `digits/${d}`;
}

async function say(
  pbx: Pbx,
  ch: Channel,
  files: string[],
  escapeDigits: string,
): Promise<AgiOutcome> {
  for (const f of files) {
    const r = await streamFile(pbx, ch, f, escapeDigits);
    if (r.ended === 'hangup') return ok(-1);
    if (r.ended === 'digit' && r.digit) return ok(digitCode(r.digit));
  }
  return ok(0);
}

/** GET DATA file [timeout ms] [max digits]: prompt interruptible by any digit, then collect. */
async function getData(
  pbx: Pbx,
  ch: Channel,
  [file = '', timeoutText = '', maxText = '']: string[],
) {
  const timeout = Number.parseInt(timeoutText, 10) || 6000;
  const max = Number.parseInt(maxText, 10) || 1024;
  let digits = '';
  for (const f of file.split('&').filter(Boolean)) {
    const r = await streamFile(pbx, ch, f, ALL_DIGITS);
    if (r.ended === 'hangup') return ok(-1);
    if (r.ended === 'digit') {
      digits = r.digit ?? '';
      break;
    }
  }
  for (;;) {
    if (digits.endsWith('#')) return ok(digits.slice(0, -1));
    if (digits.length >= max) return ok(digits);
    const r = await ch.wait(pbx.clock, timeout, true);
    if (r.kind === 'hangup') return ok(-1);
    if (r.kind === 'timeout') return ok(digits, ' (timeout)');
    digits += r.digit;
  }
}

/** Runs one AGI command line on a channel in AGI. Unknown commands answer `510`. */
export async function runAgiCommand(
  pbx: Pbx,
  ch: Channel,
  line: string,
  application: ApplicationLookup,
): Promise<AgiOutcome> {
  const words = agiWords(line);
  const upper = words.map((w) => w.toUpperCase());
  let best: [string[], Handler] | undefined;
  for (const entry of COMMANDS) {
    const [cmd] = entry;
    if (cmd.every((w, i) => upper[i] === w) && (!best || cmd.length > best[0].length)) best = entry;
  }
  if (!best) return { code: 510, line: '510 Invalid or unknown command' };
  return best[1](pbx, ch, words.slice(best[0].length), application);
}
