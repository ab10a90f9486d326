import { AmiProtocolError } from './errors.js';
import type { AmiMessage } from './message.js';
import { ParsedMessage } from './parsedMessage.js';

const LF = 10;
const CR = 13;
const FOLLOWS = 'response: follows';
const END_COMMAND = '--END COMMAND--';
/** How the messages that cut an unterminated Follows frame short start (lower case). */
const MESSAGE_STARTS = ['event:', 'response:'];
const MESSAGE_START_BYTES = 9;
const EXCERPT_BYTES = 200;

/** A Follows frame read whole: its message, where the next frame starts, what was wrong with it. */
export interface FollowsFrame {
  message: AmiMessage;
  next: number;
  error?: AmiProtocolError;
}

/** Whether the frame at `pos` starts with `Response: Follows` (the pre-Asterisk-14 Command answer). */
export function startsFollows(data: Buffer, pos: number): boolean {
  if (data.length - pos < FOLLOWS.length) {
    // Too short to tell; a Follows frame is long anyway, so wait only if it could still be one.
    return FOLLOWS.startsWith(data.toString('latin1', pos).toLowerCase());
  }
  return data.toString('latin1', pos, pos + FOLLOWS.length).toLowerCase() === FOLLOWS;
}

/**
 * Reads the `Response: Follows` frame at `pos` of `data` (`bytes` is the same bytes as a latin1
 * string, for searching): header lines, then free text (which may hold blank lines) up to
 * `--END COMMAND--`, then the blank line. `undefined` until the frame is complete.
 *
 * A frame whose marker never comes must not swallow what follows it: a blank line followed by the
 * start of a message (`Event:`, `Response:`) ends it. It is delivered as it stands (its body so
 * far) with an `unterminated-follows` protocol error. A frame that never ends at all is bounded by
 * the parser's message size limit.
 */
export function readFollowsFrame(
  data: Buffer,
  bytes: string,
  pos: number,
): FollowsFrame | undefined {
  const marker = bytes.indexOf(END_COMMAND, pos);
  const cut = nextMessageStart(bytes, pos, marker);
  if (cut === 'wait') return undefined;
  if (cut !== undefined) {
    const [lineEnd, next] = cut;
    const error = new AmiProtocolError(
      'AMI Response: Follows ended without --END COMMAND--',
      'unterminated-follows',
      bytes.slice(pos, Math.min(lineEnd, pos + EXCERPT_BYTES)),
    );
    // The body keeps its last line's end, as it does before a marker.
    return { message: followsMessage(data.toString('utf8', pos, lineEnd + 1)), next, error };
  }
  let next = marker + END_COMMAND.length;
  // The marker line's own ending, then the blank line.
  for (let endings = 0; endings < 2; endings++) {
    if (data[next] === CR) next++;
    if (next >= data.length) return undefined;
    if (data[next] !== LF) break;
    next++;
  }
  return { message: followsMessage(data.toString('utf8', pos, marker)), next };
}

/**
 * In a Follows frame from `pos`, before its `marker` (-1: none yet): the first blank line followed
 * by the start of a message, as [its LF, next frame start]; `wait` when the bytes so far cannot
 * tell; `undefined` when there is none (the frame ends at its marker).
 */
function nextMessageStart(
  bytes: string,
  pos: number,
  marker: number,
): readonly [number, number] | 'wait' | undefined {
  const limit = marker === -1 ? bytes.length : marker;
  let from = pos;
  for (;;) {
    const crlf = bytes.indexOf('\n\r\n', from);
    const lf = bytes.indexOf('\n\n', from);
    const blank = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf : lf;
    if (blank === -1 || blank >= limit) return marker === -1 ? 'wait' : undefined;
    const next = blank + (blank === crlf ? 3 : 2);
    const head = bytes.slice(next, next + MESSAGE_START_BYTES).toLowerCase();
    if (MESSAGE_STARTS.some((start) => head.startsWith(start))) return [blank, next];
    const undecided =
      head.length < MESSAGE_START_BYTES && MESSAGE_STARTS.some((start) => start.startsWith(head));
    if (undecided && marker === -1) return 'wait';
    from = blank + 1;
  }
}

/** Splits a Follows frame's text into its header fields and its free-form body. */
function followsMessage(text: string): ParsedMessage {
  const lines = text.split('\n');
  const header: string[] = [];
  let bodyStart = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i > 0 && !/^(ActionID|Privilege|Message):/i.test(line)) {
      bodyStart = i;
      break;
    }
    header.push(line);
  }
  return new ParsedMessage(header.join('\r\n'), lines.slice(bodyStart).join('\n'));
}
