import type { AmiMessage, AmiMessageKind } from './message.js';

const CR = 13;
const SPACE = 32;
const TAB = 9;

/**
 * Where the lines of a message's text are: for each line its start and the position of its first
 * colon (-1 when it has none), then one last entry, where a further line would start. Line `i` ends
 * at `lines[2 * i + 2] - 1` (its LF, or the end of the text for the last line).
 */
export type LineIndex = number[];

/**
 * An AMI message backed by its decoded text and a line index, with fields found on demand.
 *
 * The parser decodes each message once (one native UTF-8 decode of its bytes) and indexes its lines
 * in the same pass that checks them; fields are not split into a map up front, because most
 * consumers read a few keys (`Event`, `Uniqueid`, `ActionID`) of messages with twenty. A look-up
 * walks the index comparing key lengths first, so it touches the text of few lines. `fields()`
 * builds and caches the full list when asked.
 *
 * @example
 * const message = new ParsedMessage('Event: Hangup\r\nUniqueid: 1795808402.0\r\nCause: 16');
 * message.name; // 'Hangup'
 * message.get('uniqueid'); // '1795808402.0'
 */
export class ParsedMessage implements AmiMessage {
  readonly kind: AmiMessageKind;
  readonly name: string;
  readonly body: string | undefined;
  private readonly text: string;
  private readonly lines: LineIndex;
  private cachedFields: Array<readonly [string, string]> | undefined;

  /**
   * @param text the message's header lines (CRLF or LF separated), without the blank line that ends it
   * @param body the free-form output of an old-style `Response: Follows`, if any
   * @param lines the line index of `text`, when the caller has it already (the parser does)
   */
  constructor(text: string, body?: string, lines?: LineIndex) {
    this.text = text;
    this.body = body;
    this.lines = lines ?? indexLines(text);
    const found = this.firstLineKind() ?? this.findKind();
    this.kind = found?.[0] ?? 'unknown';
    this.name = found?.[1] ?? '';
  }

  get(key: string): string | undefined {
    const line = this.lineOf(key, 0);
    return line === -1 ? undefined : this.valueOf(line);
  }

  getAll(key: string): string[] {
    const values: string[] = [];
    for (let line = this.lineOf(key, 0); line !== -1; line = this.lineOf(key, line + 2)) {
      values.push(this.valueOf(line));
    }
    return values;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  fields(): ReadonlyArray<readonly [string, string]> {
    if (this.cachedFields) return this.cachedFields;
    const fields: Array<readonly [string, string]> = [];
    const { text, lines } = this;
    const last = lines.length - 1;
    for (let i = 0; i < last; i += 2) {
      const start = lines[i]!;
      const colon = lines[i + 1]!;
      // The parser only builds messages whose every line has a colon; guard anyway for direct use.
      if (colon >= 0) {
        fields.push([text.slice(start, colon), valueAt(text, colon + 1, lines[i + 2]! - 1)]);
      }
    }
    this.cachedFields = fields;
    return fields;
  }

  /** The index entry of the first line from entry `from` whose key is `key`, or -1. */
  private lineOf(key: string, from: number): number {
    const { text, lines } = this;
    const length = key.length;
    const last = lines.length - 1;
    for (let i = from; i < last; i += 2) {
      const start = lines[i]!;
      if (lines[i + 1]! - start === length && keyMatches(text, start, key)) return i;
    }
    return -1;
  }

  /** The value on the line at index entry `i`. */
  private valueOf(i: number): string {
    const lines = this.lines;
    return valueAt(this.text, lines[i + 1]! + 1, lines[i + 2]! - 1);
  }

  /** The message as it would be written on the wire (CRLF lines, no trailing blank line). */
  toString(): string {
    return this.fields()
      .map(([key, value]) => `${key}: ${value}`)
      .join('\r\n');
  }

  /** The kind named by the first line, the common case: Asterisk always writes that key first. */
  private firstLineKind(): readonly [AmiMessageKind, string] | undefined {
    const { text, lines } = this;
    if (lines.length < 3) return undefined;
    const colon = lines[1]!;
    for (const [kind, key] of KIND_KEYS) {
      if (colon === key.length && keyMatches(text, 0, key)) {
        return [kind, valueAt(text, colon + 1, lines[2]! - 1)];
      }
    }
    return undefined;
  }

  /** Slow path for messages whose kind key is not on the first line (hand-written clients). */
  private findKind(): readonly [AmiMessageKind, string] | undefined {
    for (const [kind, key] of KIND_KEYS) {
      const value = this.get(key);
      if (value !== undefined) return [kind, value];
    }
    return undefined;
  }
}

/** The {@link LineIndex} of a text. */
export function indexLines(text: string): LineIndex {
  const lines: LineIndex = [];
  const length = text.length;
  let pos = 0;
  while (pos < length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = length;
    const colon = text.indexOf(':', pos);
    lines.push(pos, colon !== -1 && colon < end ? colon : -1);
    pos = end + 1;
  }
  // Where a further line would start: past the end, or at it after a final LF.
  lines.push(pos);
  return lines;
}

/**
 * The value between a colon and the line end: leading blanks skipped (Asterisk writes `Key: Value`,
 * and its own parser skips any run of spaces), a trailing CR dropped (CRLF lines).
 */
function valueAt(text: string, start: number, end: number): string {
  let from = start;
  while (from < end) {
    const c = text.charCodeAt(from);
    if (c !== SPACE && c !== TAB) break;
    from++;
  }
  const to = end > from && text.charCodeAt(end - 1) === CR ? end - 1 : end;
  return text.slice(from, to);
}

/** Case-insensitive comparison of `key` with the text at `pos` (ASCII keys, as AMI has). */
function keyMatches(text: string, pos: number, key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const a = text.charCodeAt(pos + i);
    const b = key.charCodeAt(i);
    if (a === b) continue;
    // `| 0x20` lowers an ASCII capital; it must not equate two other characters.
    const lower = a | 0x20;
    if (lower !== (b | 0x20) || lower < 97 || lower > 122) return false;
  }
  return true;
}

const KIND_KEYS: ReadonlyArray<readonly [AmiMessageKind, string]> = [
  ['event', 'Event'],
  ['response', 'Response'],
  ['action', 'Action'],
];
