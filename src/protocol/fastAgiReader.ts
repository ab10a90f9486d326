import { FastAgiProtocolError } from './errors.js';
import { LineSplitter } from './lineSplitter.js';

/** Where a {@link FastAgiReader} delivers what Asterisk sent, in stream order. */
export interface FastAgiReaderHandlers {
  /** The `agi_*` environment, once, at the blank line that ends it. */
  environment(env: Readonly<Record<string, string>>): void;
  /**
   * One whole reply to a command: `200 result=1 (value)`, `510 ...`, `511 ...`, or a `520` usage
   * block (its lines joined with `\n`).
   */
  reply(text: string): void;
  /** A `HANGUP` line: the channel hung up (Asterisk goes on answering commands, dead ones 511). */
  hangup(): void;
  /** Bad input; the reader stops: the stream can no longer be trusted, close it. */
  error(error: FastAgiProtocolError): void;
}

/** Bounds of a {@link FastAgiReader}. */
export interface FastAgiReaderOptions {
  /** Longest line accepted, in bytes (default 64 KiB: a `GET VARIABLE` value may be long). */
  maxLineBytes?: number;
  /** Most environment lines accepted (default 512; Asterisk sends about 25 plus the arguments). */
  maxEnvironmentLines?: number;
  /** Most lines in one `520` usage block (default 256). */
  maxUsageLines?: number;
}

const REPLY = /^(\d{3}) /;
const ENV_LINE = /^(agi_[\w-]+): ?(.*)$/;

/**
 * A sans-I/O reader of what Asterisk writes on a FastAGI connection: the `agi_*` environment up to
 * a blank line, then replies and `HANGUP` notices. Fed `Buffer`s of any size; every buffer is
 * bounded (lines, environment, usage blocks), and anything unexpected is reported once as a
 * {@link FastAgiProtocolError}, after which the reader ignores the rest.
 *
 * @example
 * const reader = new FastAgiReader({
 *   environment: (env) => log.info({ channel: env.agi_channel }, 'FastAGI call'),
 *   reply: (text) => settle(parseAgiResult(text)),
 *   hangup: () => log.info('caller hung up'),
 *   error: (error) => socket.destroy(error),
 * });
 * socket.on('data', (chunk) => reader.push(chunk));
 */
export class FastAgiReader {
  private readonly lines: LineSplitter;
  private readonly maxEnvironmentLines: number;
  private readonly maxUsageLines: number;
  private state: 'environment' | 'replies' = 'environment';
  private failed = false;
  private env: Record<string, string> = {};
  private envLines = 0;
  private usage: string[] | undefined;

  constructor(
    private readonly handlers: FastAgiReaderHandlers,
    options: FastAgiReaderOptions = {},
  ) {
    this.lines = new LineSplitter(options.maxLineBytes ?? 64 * 1024);
    this.maxEnvironmentLines = options.maxEnvironmentLines ?? 512;
    this.maxUsageLines = options.maxUsageLines ?? 256;
  }

  /** Whether the environment has been read. */
  get started(): boolean {
    return this.state !== 'environment';
  }

  /** Feed the next bytes from the socket. Never throws on bad input. */
  push(chunk: Buffer): void {
    if (this.failed) return;
    for (const line of this.lines.push(chunk)) {
      if (line.kind === 'too-long') {
        this.fail('line-too-long', `a line over ${this.lines.maxLineBytes} bytes`, line.excerpt);
      } else if (this.state === 'environment') {
        this.environmentLine(line.text);
      } else {
        this.replyLine(line.text);
      }
      if (this.failed) return;
    }
  }

  private environmentLine(text: string): void {
    if (text === '') {
      this.state = 'replies';
      this.handlers.environment(this.env);
      return;
    }
    const match = ENV_LINE.exec(text);
    if (!match) {
      this.fail('bad-environment', 'an environment line is not "agi_<name>: <value>"', text);
      return;
    }
    if (++this.envLines > this.maxEnvironmentLines) {
      this.fail('environment-too-large', `more than ${this.maxEnvironmentLines} lines`, text);
      return;
    }
    this.env[match[1]!] = match[2]!;
  }

  private replyLine(text: string): void {
    if (this.usage) {
      this.usage.push(text);
      if (text.startsWith('520 ')) {
        const block = this.usage.join('\n');
        this.usage = undefined;
        this.handlers.reply(block);
      } else if (this.usage.length > this.maxUsageLines) {
        this.fail('reply-too-large', `a usage reply over ${this.maxUsageLines} lines`, text);
      }
      return;
    }
    if (text === 'HANGUP') {
      this.handlers.hangup();
    } else if (text.startsWith('520-')) {
      this.usage = [text];
    } else if (REPLY.test(text)) {
      this.handlers.reply(text);
    } else {
      this.fail('unexpected-line', 'neither a reply nor HANGUP', text);
    }
  }

  private fail(code: FastAgiProtocolError['code'], what: string, excerpt: string): void {
    this.failed = true;
    this.handlers.error(new FastAgiProtocolError(`FastAGI: ${what}`, code, excerpt.slice(0, 200)));
  }
}
