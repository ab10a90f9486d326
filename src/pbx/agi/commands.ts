import { answerChannel } from '../channels/answer.js';
import type { Channel } from '../channels/Channel.js';
import { ANSWER_DELAY_MS } from '../dialplan/applications/basic.js';
import type { Application } from '../dialplan/applications/types.js';
import { findVariable, substitute, truthy } from '../dialplan/substitute.js';
import type { Pbx } from '../Pbx.js';
import { type AgiOutcome, DEAD_CHANNEL, done, result, usage } from './outcome.js';
import { getData, sayDigits, sayNumber, streamFileCommand, waitForDigit } from './playCommands.js';

export type { AgiOutcome } from './outcome.js';

/** Soft hangup flag AGI HANGUP sets (AST_SOFTHANGUP_EXPLICIT), reported as SoftHangupRequest Cause. */
const SOFTHANGUP_EXPLICIT = 32;

/**
 * Splits an AGI command line into words as res_agi's parse_args does: whitespace separates,
 * double quotes group, a backslash takes the next character literally.
 */
export function agiWords(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) out.push(word);
  return out;
}

/**
 * Finds a dialplan application by lower-case name (for EXEC): given by the application table,
 * which holds AGI() too and so cannot be imported here.
 */
export type ApplicationLookup = (name: string) => Application | undefined;

/** An AGI command handler: gets every word of the line (the command's own words included). */
type Handler = (
  pbx: Pbx,
  ch: Channel,
  argv: string[],
  application: ApplicationLookup,
) => Promise<AgiOutcome>;

/** The AGI commands the embedded PBX runs, by their lower-case words (res_agi's table). */
const COMMANDS: ReadonlyArray<[words: readonly string[], handler: Handler]> = [
  [['answer'], answer],
  [['asyncagi', 'break'], async () => ({ ...result(0), status: 'break' })],
  [['channel', 'status'], channelStatus],
  [['exec'], exec],
  [['get', 'data'], getData],
  [['get', 'full', 'variable'], getFullVariable],
  [['get', 'variable'], getVariable],
  [['hangup'], hangup],
  [['noop'], async () => result(0)],
  [['say', 'digits'], sayDigits],
  [['say', 'number'], sayNumber],
  [['set', 'variable'], setVariable],
  [['stream', 'file'], streamFileCommand],
  [['wait', 'for', 'digit'], waitForDigit],
];

async function answer(pbx: Pbx, ch: Channel): Promise<AgiOutcome> {
  if (answerChannel(pbx, ch)) {
    const r = await ch.wait(pbx.clock, ANSWER_DELAY_MS);
    if (r.kind === 'hangup') return done(-1, 'failure');
  }
  return result(0);
}

async function hangup(pbx: Pbx, ch: Channel, argv: string[]): Promise<AgiOutcome> {
  if (argv.length > 2) return usage('hangup');
  const target = argv.length === 2 ? pbx.findChannel(argv[1]!) : ch;
  if (!target) return result(-1);
  pbx.softHangupRequest(target, SOFTHANGUP_EXPLICIT);
  target.requestHangup();
  return result(1);
}

async function channelStatus(pbx: Pbx, ch: Channel, argv: string[]): Promise<AgiOutcome> {
  if (argv.length > 3) return usage('channel status');
  const target = argv.length === 3 ? pbx.findChannel(argv[2]!) : ch;
  return result(target ? target.state : -1);
}

/**
 * EXEC app [args]: runs a dialplan application with the one word after its name (quote it when
 * it has spaces). The reply carries the application's own return value, and res_agi reports
 * any value other than 0 as "Unknown Result" (a digit from Background(), -1 after a hang-up).
 * `${...}` in the arguments is expanded only when the channel's AGIEXECFULL is true.
 */
async function exec(
  pbx: Pbx,
  ch: Channel,
  argv: string[],
  application: ApplicationLookup,
): Promise<AgiOutcome> {
  if (argv.length < 2) return usage('exec');
  const name = argv[1]!;
  const impl = application(name.toLowerCase());
  if (!impl) return done(-2, 'other');
  const raw = argv[2] ?? '';
  const data = truthy(ch.vars.get('AGIEXECFULL') ?? '') ? substitute(raw, ch, pbx.globals) : raw;
  const prev = [ch.app, ch.appData] as const;
  ch.app = name;
  ch.appData = data;
  const r = await impl(pbx, ch, data, { fromAgi: true });
  [ch.app, ch.appData] = prev;
  const code = typeof r === 'number' ? r : 0;
  return done(code, code === 0 ? 'success' : 'other');
}

async function setVariable(pbx: Pbx, ch: Channel, argv: string[]): Promise<AgiOutcome> {
  if (argv.length !== 4) return usage('set variable');
  pbx.setVar(ch, argv[2]!, argv[3]!);
  return result(1);
}

async function getVariable(pbx: Pbx, ch: Channel, argv: string[]): Promise<AgiOutcome> {
  if (argv.length !== 3) return usage('get variable');
  const value = findVariable(argv[2]!, ch, pbx.globals);
  return value === undefined ? result(0) : result(1, ` (${value})`);
}

async function getFullVariable(pbx: Pbx, ch: Channel, argv: string[]): Promise<AgiOutcome> {
  if (argv.length !== 4 && argv.length !== 5) return usage('get full variable');
  const target = argv.length === 5 ? pbx.findChannel(argv[4]!) : ch;
  if (!target) return result(0);
  return result(1, ` (${substitute(argv[3]!, target, pbx.globals)})`);
}

/** The commands res_agi's table marks as runnable on a hung-up channel (its `dead` flag). */
const DEAD_COMMANDS = new Set([
  'asyncagi break',
  'exec',
  'get full variable',
  'get variable',
  'noop',
  'set variable',
]);

/**
 * Runs one AGI command line on a channel in AGI. The first command whose words all match the
 * line's first words runs; none: `510 Invalid or unknown command`. Once the channel has hung up
 * (`dead`: FastAGI goes on answering until the server closes), commands res_agi does not allow on
 * a dead channel answer `511`.
 */
export async function runAgiCommand(
  pbx: Pbx,
  ch: Channel,
  line: string,
  application: ApplicationLookup,
  dead = false,
): Promise<AgiOutcome> {
  const argv = agiWords(line);
  const lower = argv.map((w) => w.toLowerCase());
  const entry = COMMANDS.find(([words]) => words.every((w, i) => lower[i] === w));
  if (!entry) return { code: 510, text: '510 Invalid or unknown command', status: 'invalid' };
  if (dead && !DEAD_COMMANDS.has(entry[0].join(' '))) return DEAD_CHANNEL;
  return entry[1](pbx, ch, argv, application);
}
