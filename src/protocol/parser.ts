import { AmiProtocolError } from './errors.js';
import type { AmiMessage } from './message.js';
import { ParsedMessage } from './parsedMessage.js';

/** Where the parser delivers what it finds, in stream order. */
export interface AmiParserHandlers {
  /** A complete message (response, event or action). */
  message(message: AmiMessage): void;
  /** The greeting line a server sends first (`Asterisk Call Manager/11.0.0`). */
  banner?(text: string): void;
  /** Input that broke the framing rules; the parser has already resynchronised. */
  error?(error: AmiProtocolError): void;
}

/** Tuning of {@link AmiParser}. */
export interface AmiParserOptions {
  /** A message longer than this (bytes, before its blank line) is dropped and reported. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Whether the first line of the stream is the server's banner (true on the client side). */
  expectBanner?: boolean;
}

const LF = 10;
const CR = 13;
const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const END_COMMAND = Buffer.from('--END COMMAND--', 'latin1');
const FOLLOWS = 'response: follows';
const EXCERPT_BYTES = 200;

/**
 * A sans-I/O AMI parser: fed `Buffer` chunks of any size, it calls its handlers with each banner,
 * message and protocol error, in order.
 *
 * It splits on bytes (a blank line, CRLF or lone LF, ends a message) and decodes each message once,
 * whole, so a UTF-8 character split across two TCP reads is never corrupted. Bad input never throws:
 * lines without a colon, binary garbage and oversize messages are reported as
 * {@link AmiProtocolError}s and the parser resynchronises at the next blank line, losing nothing
 * around them. Leading garbage lines are stripped from the message they precede (reported, the rest
 * kept); a bad line inside a message drops that message, since its fields can no longer be trusted.
 *
 * @example
 * const parser = new AmiParser({
 *   banner: (text) => console.log('server:', text),
 *   message: (m) => console.log(m.kind, m.name, m.get('Uniqueid')),
 *   error: (e) => console.warn(e.code, e.excerpt),
 * });
 * socket.on('data', (chunk) => parser.push(chunk));
 */
export class AmiParser {
  private readonly handlers: AmiParserHandlers;
  private readonly maxMessageBytes: number;
  private awaitingBanner: boolean;
  /** Bytes of an incomplete message, kept as received until a line end makes a frame possible. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Skipping an oversize message until its blank line; `tail` keeps the bytes that could start it. */
  private discarding = false;
  private tail: Buffer = Buffer.alloc(0);

  constructor(handlers: AmiParserHandlers, options: AmiParserOptions = {}) {
    this.handlers = handlers;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.awaitingBanner = options.expectBanner ?? true;
  }

  /** Feed the next chunk of the stream. Never throws on bad input. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let data = chunk;
    if (this.discarding) {
      const resumed = this.skipOversize(data);
      if (resumed === undefined) return;
      data = resumed;
    }
    if (this.pendingBytes > 0) {
      // Joining is only worth it when this chunk can end the frame: without a blank line across the
      // boundary, keep the bytes as they are (so a big message in small reads stays linear).
      if (!this.mayEndFrame(data)) {
        this.keep(data);
        return;
      }
      this.pending.push(data);
      data = Buffer.concat(this.pending, this.pendingBytes + data.length);
      this.pending = [];
      this.pendingBytes = 0;
    }
    const consumed = this.frames(data);
    if (consumed < data.length) this.keep(Buffer.from(data.subarray(consumed)));
  }

  /** Forget any partial input (after a reconnect); the next line is a banner again if expected. */
  reset(expectBanner?: boolean): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
    this.tail = Buffer.alloc(0);
    if (expectBanner !== undefined) this.awaitingBanner = expectBanner;
  }

  /** Emit every complete frame in `data`; returns how many bytes were used. */
  private frames(data: Buffer): number {
    let pos = 0;
    // Cached terminator positions: each search runs once per buffer, not once per message.
    let crlfBlank = -2;
    let lfBlank = -2;
    while (pos < data.length) {
      const first = data[pos];
      if (first === LF) {
        pos += 1;
        continue;
      }
      if (first === CR) {
        if (pos + 1 >= data.length) break;
        if (data[pos + 1] === LF) {
          pos += 2;
          continue;
        }
      }
      if (this.awaitingBanner) {
        const end = data.indexOf(LF, pos);
        if (end === -1) break;
        this.awaitingBanner = false;
        this.handlers.banner?.(trimCr(data.toString('utf8', pos, end)));
        pos = end + 1;
        continue;
      }
      if ((first === 0x52 || first === 0x72) && this.startsFollows(data, pos)) {
        const next = this.followsFrame(data, pos);
        if (next === -1) break;
        pos = next;
        continue;
      }
      if (crlfBlank !== -1 && crlfBlank < pos) crlfBlank = data.indexOf('\n\r\n', pos, 'latin1');
      if (lfBlank !== -1 && lfBlank < pos) lfBlank = data.indexOf('\n\n', pos, 'latin1');
      let contentEnd: number;
      let next: number;
      if (crlfBlank !== -1 && (lfBlank === -1 || crlfBlank < lfBlank)) {
        contentEnd = crlfBlank;
        next = crlfBlank + 3;
      } else if (lfBlank !== -1) {
        contentEnd = lfBlank;
        next = lfBlank + 2;
      } else {
        break;
      }
      if (contentEnd - pos > this.maxMessageBytes) {
        this.reportTooLarge(data.subarray(pos, pos + EXCERPT_BYTES));
      } else {
        this.emit(data.toString('utf8', pos, contentEnd));
      }
      pos = next;
    }
    if (data.length - pos > this.maxMessageBytes) {
      this.reportTooLarge(data.subarray(pos, pos + EXCERPT_BYTES));
      this.discarding = true;
      this.tail = Buffer.from(data.subarray(data.length - 2));
      return data.length;
    }
    return pos;
  }

  /** Validate the lines of one message and deliver it (or report why not). */
  private emit(text: string): void {
    let start = 0;
    let pos = 0;
    let sawField = false;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end === -1) end = text.length;
      const colon = text.indexOf(':', pos);
      if (colon === -1 || colon > end) {
        const line = text.slice(pos, end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
        if (sawField) {
          this.report(line, text);
          return;
        }
        this.report(line, line);
        start = end + 1;
      } else {
        sawField = true;
      }
      pos = end + 1;
    }
    if (start < text.length)
      this.handlers.message(new ParsedMessage(start ? text.slice(start) : text));
  }

  private report(line: string, excerpt: string): void {
    const binary = hasControlCharacters(line);
    this.handlers.error?.(
      new AmiProtocolError(
        binary ? 'AMI message contains binary data' : 'AMI line has no colon',
        binary ? 'binary' : 'missing-colon',
        excerpt.slice(0, EXCERPT_BYTES),
      ),
    );
  }

  private reportTooLarge(excerpt: Buffer): void {
    this.handlers.error?.(
      new AmiProtocolError(
        `AMI message exceeds ${this.maxMessageBytes} bytes`,
        'too-large',
        excerpt.toString('utf8'),
      ),
    );
  }

  /** Whether a frame starts with `Response: Follows` (the pre-Asterisk-14 Command answer). */
  private startsFollows(data: Buffer, pos: number): boolean {
    if (data.length - pos < FOLLOWS.length) {
      // Too short to tell; a Follows frame is long anyway, so wait only if it could still be one.
      return FOLLOWS.startsWith(data.toString('latin1', pos).toLowerCase());
    }
    return data.toString('latin1', pos, pos + FOLLOWS.length).toLowerCase() === FOLLOWS;
  }

  /**
   * A `Response: Follows` frame: header lines, then free text (which may hold blank lines) up to
   * `--END COMMAND--`, then the blank line. Returns the position after it, or -1 to wait for more.
   */
  private followsFrame(data: Buffer, pos: number): number {
    const marker = data.indexOf(END_COMMAND, pos);
    if (marker === -1) return -1;
    let next = marker + END_COMMAND.length;
    // The marker line's own ending, then the blank line.
    for (let endings = 0; endings < 2; endings++) {
      if (data[next] === CR) next++;
      if (next >= data.length) return -1;
      if (data[next] !== LF) break;
      next++;
    }
    const text = data.toString('utf8', pos, marker);
    const lines = text.split('\n');
    const header: string[] = [];
    let bodyStart = lines.length;
    for (let i = 0; i < lines.length; i++) {
      const line = trimCr(lines[i] ?? '');
      if (i > 0 && !/^(ActionID|Privilege|Message):/i.test(line)) {
        bodyStart = i;
        break;
      }
      header.push(line);
    }
    const body = lines.slice(bodyStart).join('\n');
    this.handlers.message(new ParsedMessage(header.join('\r\n'), body));
    return next;
  }

  /** Whether the pending frame may be a `Response: Follows`, which ends at a marker, not a blank line. */
  private followsPending(): boolean {
    const first = this.pending[0];
    return first !== undefined && (first[0] === 0x52 || first[0] === 0x72);
  }

  /** Whether `data`, appended to what is pending, may complete a frame. */
  private mayEndFrame(data: Buffer): boolean {
    // A banner ends at its line end; a Follows frame at its marker: rescan whenever a line ends.
    if (this.awaitingBanner || this.followsPending()) return data.indexOf(LF) !== -1;
    if (data.indexOf('\n\r\n', 0, 'latin1') !== -1 || data.indexOf('\n\n', 0, 'latin1') !== -1) {
      return true;
    }
    const last = this.lastPendingBytes();
    const joined = Buffer.concat([last, data.subarray(0, 2)]);
    return (
      joined.indexOf('\n\r\n', 0, 'latin1') !== -1 || joined.indexOf('\n\n', 0, 'latin1') !== -1
    );
  }

  /** The last two pending bytes (they may straddle chunks when reads are one byte long). */
  private lastPendingBytes(): Buffer {
    const bytes: number[] = [];
    for (let i = this.pending.length - 1; i >= 0 && bytes.length < 2; i--) {
      const chunk = this.pending[i]!;
      for (let j = chunk.length - 1; j >= 0 && bytes.length < 2; j--) bytes.unshift(chunk[j]!);
    }
    return Buffer.from(bytes);
  }

  /** Keep part of an unfinished message, watching the size limit. */
  private keep(data: Buffer): void {
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes > this.maxMessageBytes) {
      const all = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.reportTooLarge(all.subarray(0, EXCERPT_BYTES));
      this.discarding = true;
      this.tail = Buffer.from(all.subarray(all.length - 2));
    }
  }

  /** While discarding an oversize message: the bytes after its blank line, if it ended here. */
  private skipOversize(data: Buffer): Buffer | undefined {
    const joined = Buffer.concat([this.tail, data]);
    const crlf = joined.indexOf('\n\r\n', 0, 'latin1');
    const lf = joined.indexOf('\n\n', 0, 'latin1');
    let next = -1;
    if (crlf !== -1 && (lf === -1 || crlf < lf)) next = crlf + 3;
    else if (lf !== -1) next = lf + 2;
    if (next === -1) {
      this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 2)));
      return undefined;
    }
    this.discarding = false;
    this.tail = Buffer.alloc(0);
    return joined.subarray(next);
  }
}

function trimCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function hasControlCharacters(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 13) || c === 0xfffd) return true;
  }
  return false;
}
