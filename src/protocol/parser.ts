import { AmiProtocolError } from './errors.js';
import { readFollowsFrame, startsFollows } from './followsFrame.js';
import type { AmiMessage } from './message.js';
import { type LineIndex, ParsedMessage } from './parsedMessage.js';

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
// Byte needles: searching with a string would encode it again on every call.
const CRLF_BLANK = Buffer.from('\n\r\n', 'latin1');
const LF_BLANK = Buffer.from('\n\n', 'latin1');
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
    let data = chunk;
    while (data.length > 0) {
      if (this.discarding) {
        const resumed = this.skipOversize(data);
        if (resumed === undefined) return;
        data = resumed;
        continue;
      }
      if (this.pendingBytes === 0) {
        const consumed = this.frames(data);
        if (consumed < data.length) this.keep(Buffer.from(data.subarray(consumed)));
        return;
      }
      // Without a frame end in this chunk, keep its bytes as they are (so a big message in small
      // reads stays linear); with one, join only the bytes up to it: the rest is read in place.
      const cut = this.pendingFrameEnd(data);
      if (cut === -1) {
        this.keep(data);
        return;
      }
      const joined = Buffer.concat([...this.pending, data.subarray(0, cut)]);
      this.pending = [];
      this.pendingBytes = 0;
      const used = this.frames(joined);
      if (used < joined.length) this.keep(Buffer.from(joined.subarray(used)));
      data = data.subarray(cut);
    }
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
    // The bytes as a one-byte string, for searching: a string search costs a fraction of a
    // Buffer.indexOf call, and byte and character positions are the same. Messages are decoded
    // from the bytes, as UTF-8, one by one.
    const bytes = data.toString('latin1');
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
      if ((first === 0x52 || first === 0x72) && startsFollows(data, pos)) {
        const frame = readFollowsFrame(data, bytes, pos);
        if (frame === undefined) break;
        if (frame.error) this.handlers.error?.(frame.error);
        this.handlers.message(frame.message);
        pos = frame.next;
        continue;
      }
      if (crlfBlank !== -1 && crlfBlank < pos) crlfBlank = bytes.indexOf('\n\r\n', pos);
      if (lfBlank !== -1 && lfBlank < pos) lfBlank = bytes.indexOf('\n\n', pos);
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

  /**
   * Checks the lines of one message and delivers it, indexed in the same pass (or reports why
   * not): garbage lines before its first field are reported and dropped, a line without a colon
   * after it drops the message.
   */
  private emit(text: string): void {
    const lines: LineIndex = [];
    const length = text.length;
    let offset = 0;
    let pos = 0;
    while (pos < length) {
      let end = text.indexOf('\n', pos);
      if (end === -1) end = length;
      const colon = text.indexOf(':', pos);
      if (colon !== -1 && colon < end) {
        lines.push(pos - offset, colon - offset);
      } else {
        const line = text.slice(pos, end > pos && text.charCodeAt(end - 1) === CR ? end - 1 : end);
        if (lines.length > 0) {
          this.report(line, text);
          return;
        }
        this.report(line, line);
        offset = end + 1;
      }
      pos = end + 1;
    }
    if (lines.length === 0) return;
    // Where a further line would start: past the end, or at it after a final LF.
    lines.push(pos - offset);
    this.handlers.message(new ParsedMessage(offset ? text.slice(offset) : text, undefined, lines));
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

  /** Whether the pending frame may be a `Response: Follows`, which ends at a marker, not a blank line. */
  private followsPending(): boolean {
    const first = this.pending[0];
    return first !== undefined && (first[0] === 0x52 || first[0] === 0x72);
  }

  /**
   * How many bytes of `data` to join to the pending bytes so that the pending frame can end, or -1
   * when it cannot end in `data`.
   */
  private pendingFrameEnd(data: Buffer): number {
    // A banner ends at its line end; a Follows frame at its marker: rescan whenever a line ends.
    if (this.awaitingBanner || this.followsPending())
      return data.indexOf(LF) === -1 ? -1 : data.length;
    const across = Buffer.concat([this.lastPendingBytes(), data.subarray(0, 2)]);
    if (across.indexOf(CRLF_BLANK) !== -1 || across.indexOf(LF_BLANK) !== -1) {
      return Math.min(2, data.length);
    }
    const crlf = data.indexOf(CRLF_BLANK);
    const lf = data.indexOf(LF_BLANK);
    if (crlf === -1) return lf === -1 ? -1 : lf + 2;
    return lf === -1 || crlf < lf ? crlf + 3 : lf + 2;
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
    const crlf = joined.indexOf(CRLF_BLANK);
    const lf = joined.indexOf(LF_BLANK);
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
