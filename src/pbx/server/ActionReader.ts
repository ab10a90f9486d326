import type { AmiMessage } from '../../protocol/message.js';
import { ParsedMessage } from '../../protocol/parsedMessage.js';

/** Asterisk's per-session input buffer (`inbuf`): a line and its line end must fit in it. */
export const MAX_LINE_BYTES = 1024;
/** Header lines an action may have (AST_MAX_MANHEADERS); more make it fail. */
export const MAX_HEADERS = 128;

const LF = 10;
const CR = 13;

/** One request read from a client: an action to run, or one to answer with an error. */
export type ReadRequest =
  | { readonly kind: 'action'; readonly message: AmiMessage }
  | { readonly kind: 'error'; readonly message: AmiMessage; readonly error: string };

/**
 * Frames a client's bytes into actions as Asterisk's manager session does (`get_input` and
 * `do_message`): lines end with LF or CR LF; an empty line ends an action (a lone one is an
 * action without `Action:`); a line that does not fit in the 1,024-byte buffer is discarded up to
 * the buffer's last byte and its action answered `Failed to parse message: line too long`; past
 * 128 header lines the action is answered `Too many lines in message or allocation failure`. The
 * reader never holds more than one buffer of bytes and 128 lines.
 */
export class ActionReader {
  private readonly buffer = Buffer.alloc(MAX_LINE_BYTES);
  private length = 0;
  private headers: string[] = [];
  private headerLoss = false;
  private lineTooLong = false;

  /** The requests completed by `chunk`, in order. */
  push(chunk: Buffer): ReadRequest[] {
    const out: ReadRequest[] = [];
    let offset = 0;
    for (;;) {
      this.takeLines(out);
      if (this.length >= MAX_LINE_BYTES) {
        // Asterisk keeps the last byte, in case it is the CR of a CR LF.
        this.buffer[0] = this.buffer[this.length - 1]!;
        this.length = 1;
        this.lineTooLong = true;
      }
      if (offset >= chunk.length) return out;
      const n = Math.min(MAX_LINE_BYTES - this.length, chunk.length - offset);
      chunk.copy(this.buffer, this.length, offset, offset + n);
      this.length += n;
      offset += n;
    }
  }

  private takeLines(out: ReadRequest[]): void {
    let start = 0;
    for (let x = 0; x < this.length; x++) {
      const byte = this.buffer[x];
      let ending: number;
      if (byte === CR && x + 1 < this.length && this.buffer[x + 1] === LF) ending = 2;
      else if (byte === LF) ending = 1;
      else continue;
      this.line(this.buffer.toString('utf8', start, x), out);
      x += ending - 1;
      start = x + 1;
    }
    if (start > 0) {
      this.buffer.copy(this.buffer, 0, start, this.length);
      this.length -= start;
    }
  }

  private line(text: string, out: ReadRequest[]): void {
    if (text !== '') {
      if (this.headers.length < MAX_HEADERS) this.headers.push(text);
      else this.headerLoss = true;
      return;
    }
    const message = new ParsedMessage(this.headers.join('\n'));
    if (this.headerLoss) {
      out.push({
        kind: 'error',
        message,
        error: 'Too many lines in message or allocation failure',
      });
    } else if (this.lineTooLong) {
      out.push({ kind: 'error', message, error: 'Failed to parse message: line too long' });
      this.lineTooLong = false;
    } else {
      out.push({ kind: 'action', message });
    }
    this.headers = [];
    this.headerLoss = false;
  }
}
