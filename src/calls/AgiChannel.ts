import type { AgiArgument, AgiCommandArgs, AgiCommandName } from '../catalog/index.js';
import { formatAgiCommand } from '../protocol/agiCommand.js';
import { type AgiResult, digitFromResult } from '../protocol/agiResult.js';
import { AgiError } from '../protocol/errors.js';
import type { AgiTransport } from './agiTransport.js';

/** Per-command settings. */
export interface AgiCommandOptions {
  /** How long to wait for the result, in ms (default 30,000; media commands wait longer). */
  timeoutMs?: number;
}

/** How long a command waits for its result unless it says otherwise. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** The outcome of a playback that digits may interrupt. */
export interface PlaybackResult {
  /** The key that stopped it, if any. */
  digit?: string;
  /** Sample offset where playback stopped (8,000 a second for the core sounds). */
  endpos?: number;
}

/** The outcome of `GET DATA`. */
export interface GetDataResult {
  /** The keys pressed, as characters (`'12345'`); `''` when none. */
  digits: string;
  /** True when the caller stopped typing before `maxDigits` and the timeout ended the input. */
  timedOut: boolean;
}

/**
 * The AGI commands of one channel, as typed methods, over its {@link AgiTransport} (AsyncAGI or
 * FastAGI). Commands on one channel run one after the other, in call order (Asterisk runs them in
 * order anyway; queuing here keeps a failed command from racing the next); commands on different
 * channels run concurrently.
 *
 * @example
 * await call.answer();
 * const { digits } = await call.getData('beep', 8000, 5);
 * await call.sayDigits(digits);
 * await call.hangup();
 */
export class AgiChannel {
  private queue: Promise<unknown> = Promise.resolve();
  private running = 0;

  constructor(
    /** Where the commands go: the channel's AGI session. */
    protected readonly agi: AgiTransport,
  ) {}

  /** The AGI environment of the channel's current (or last) AGI session (`agi_extension`...). */
  get agiEnv(): Readonly<Record<string, string>> | undefined {
    return this.agi.env;
  }

  /**
   * Runs an AGI command: a command Asterisk documents with its arguments
   * (`command('STREAM FILE', ['hello-world', '#'])`, checked against the catalogue: argument count
   * and order), or a raw line (`command('NOOP')`, quote arguments with {@link formatAgiCommand}).
   * Fails at once with `AgiNotInAgiError` when the channel is not in an AGI session.
   *
   * @example
   * const { result } = await call.command('get variable', ['CALLERID(num)']);
   */
  command<Name extends AgiCommandName>(
    name: Name,
    args: AgiCommandArgs<Name>,
    options?: AgiCommandOptions,
  ): Promise<AgiResult>;
  command(line: string, options?: AgiCommandOptions): Promise<AgiResult>;
  command(
    lineOrName: string,
    argsOrOptions?: readonly (AgiArgument | undefined)[] | AgiCommandOptions,
    maybeOptions?: AgiCommandOptions,
  ): Promise<AgiResult> {
    if (Array.isArray(argsOrOptions)) {
      let line: string;
      try {
        line = formatAgiCommand(
          lineOrName.toUpperCase(),
          ...definedArgs(lineOrName, argsOrOptions),
        );
      } catch (error) {
        return Promise.reject(error);
      }
      return this.enqueue(line, maybeOptions);
    }
    return this.enqueue(lineOrName, argsOrOptions as AgiCommandOptions | undefined);
  }

  /** Runs one command line after those queued before it. */
  private enqueue(line: string, options: AgiCommandOptions = {}): Promise<AgiResult> {
    // Made on the caller's stack: the command may only run after the ones queued before it.
    const origin = new Error(line);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const run = (): Promise<AgiResult> => this.agi.send(line, { timeoutMs, origin });
    // Sent now when no session is open, so that it fails at once instead of waiting its turn.
    if (!this.agi.active) return run();
    // Sent at once when nothing is queued: an action issued right after (a PlayDTMF answering a
    // WAIT FOR DIGIT) must reach Asterisk after the command, not before it.
    const next = this.running === 0 ? run() : this.queue.then(run, run);
    this.running += 1;
    const done = (): void => {
      this.running -= 1;
    };
    this.queue = next.then(done, done);
    return next;
  }

  /** `ANSWER`. */
  async answer(): Promise<void> {
    expectSuccess(await this.command('ANSWER'), 'ANSWER');
  }

  /** `HANGUP` (this channel). The AGI session ends with it. */
  async hangup(): Promise<void> {
    await this.command('HANGUP');
  }

  /** `STREAM FILE`: plays a sound; a key in `escapeDigits` stops it and is returned. */
  async streamFile(file: string, escapeDigits = '', offset?: number): Promise<PlaybackResult> {
    const result = await this.command('stream file', [file, escapeDigits, offset], MEDIA);
    return playbackOutcome(result, 'STREAM FILE');
  }

  /** `EXEC Playback`: plays one or more sounds (`&`-joined), not interruptible. */
  async playback(...files: string[]): Promise<void> {
    expectSuccess(await this.exec('Playback', files.join('&')), 'Playback');
  }

  /**
   * `EXEC Background`: plays sounds while the dialplan listens for an extension. Over AsyncAGI the
   * digits stay in the channel's buffer, so follow it with {@link AgiChannel.waitForDigit} or use
   * {@link AgiChannel.streamFile} with escape digits to get the key back directly.
   */
  async background(...files: string[]): Promise<void> {
    expectSuccess(await this.exec('Background', files.join('&')), 'Background');
  }

  /** `GET DATA`: plays `prompt`, then collects up to `maxDigits` keys (`#` ends early). */
  async getData(prompt: string, timeoutMs?: number, maxDigits?: number): Promise<GetDataResult> {
    const result = await this.command('get data', [prompt, timeoutMs, maxDigits], {
      timeoutMs: agiTimeout(timeoutMs, maxDigits),
    });
    if (result.result === '-1') throw new AgiError('GET DATA failed (hangup?)', 200, result.raw);
    return { digits: result.result, timedOut: result.data === 'timeout' };
  }

  /** `WAIT FOR DIGIT`: the key pressed within `timeoutMs` (`-1` waits forever), or undefined. */
  async waitForDigit(timeoutMs: number): Promise<string | undefined> {
    const result = await this.command('wait for digit', [timeoutMs], {
      timeoutMs: timeoutMs < 0 ? MEDIA.timeoutMs : timeoutMs + 10_000,
    });
    if (result.result === '-1')
      throw new AgiError('WAIT FOR DIGIT failed (hangup?)', 200, result.raw);
    return digitFromResult(result.result);
  }

  /** `SAY DIGITS`: speaks each digit; a key in `escapeDigits` interrupts and is returned. */
  async sayDigits(digits: string, escapeDigits = ''): Promise<string | undefined> {
    const result = await this.command('say digits', [digits, escapeDigits], MEDIA);
    return playbackOutcome(result, 'SAY DIGITS').digit;
  }

  /** `SAY NUMBER`: speaks a number; a key in `escapeDigits` interrupts and is returned. */
  async sayNumber(value: number, escapeDigits = ''): Promise<string | undefined> {
    const result = await this.command('say number', [value, escapeDigits], MEDIA);
    return playbackOutcome(result, 'SAY NUMBER').digit;
  }

  /** `SET VARIABLE`. */
  async setVariable(name: string, value: string): Promise<void> {
    expectSuccess(await this.command('set variable', [name, value]), 'SET VARIABLE');
  }

  /** `GET VARIABLE`: the value, or undefined when the variable is not set. */
  async getVariable(name: string): Promise<string | undefined> {
    const result = await this.command('get variable', [name]);
    return result.result === '1' ? (result.data ?? '') : undefined;
  }

  /** `EXEC <app> <args>`: runs a dialplan application (e.g. `Dial`) and returns its result. */
  exec(application: string, args = ''): Promise<AgiResult> {
    return this.command('exec', [application, args], MEDIA);
  }

  /**
   * Leaves AGI once the commands queued before have run; the dialplan continues after `AGI()`:
   * `ASYNCAGI BREAK` over AsyncAGI, the end of the connection over FastAGI.
   */
  async break(): Promise<void> {
    if (this.agi.kind === 'async') {
      await this.command('ASYNCAGI BREAK');
      return;
    }
    await this.queue;
    await this.agi.close();
  }
}

/**
 * The arguments to send: optional ones left `undefined` at the end are dropped; one left out
 * before a given one cannot be expressed on the AGI command line.
 */
function definedArgs(command: string, args: readonly (AgiArgument | undefined)[]): AgiArgument[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const kept = args.slice(0, end);
  if (kept.some((arg) => arg === undefined)) {
    throw new AgiError(`${command}: an argument before the last one given is undefined`, 0);
  }
  return kept as AgiArgument[];
}

/**
 * Commands that play media or run applications (a `Dial` can last an hour) wait this long for their
 * result; hang-ups and the end of AGI still end the wait at once.
 */
const MEDIA: AgiCommandOptions = { timeoutMs: 4 * 3600_000 };

function expectSuccess(result: AgiResult, what: string): void {
  if (result.result === '-1') throw new AgiError(`${what} failed`, 200, result.raw);
}

function playbackOutcome(result: AgiResult, what: string): PlaybackResult {
  if (result.result === '-1') throw new AgiError(`${what} failed (hangup?)`, 200, result.raw);
  const outcome: PlaybackResult = {};
  const digit = digitFromResult(result.result);
  if (digit !== undefined) outcome.digit = digit;
  if (result.endpos !== undefined) outcome.endpos = result.endpos;
  return outcome;
}

/** GET DATA may take its prompt plus a timeout per digit: wait long enough for Asterisk's answer. */
function agiTimeout(timeoutMs: number | undefined, maxDigits: number | undefined): number {
  return 60_000 + (timeoutMs ?? 6_000) * Math.max(1, maxDigits ?? 1);
}
