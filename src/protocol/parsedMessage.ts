import type { AmiMessage, AmiMessageKind } from './message.js';

const COLON = 58;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/**
 * An AMI message backed by its decoded text, with fields found on demand.
 *
 * The parser decodes each message once (one native UTF-8 decode of its bytes); fields are not split
 * into a map up front, because most consumers read two or three keys (`Event`, `Uniqueid`,
 * `ActionID`) of messages with twenty. `fields()` builds and caches the full list when asked.
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
  private cachedFields: Array<readonly [string, string]> | undefined;
  /**
   * Where each line starts, then where one more would (so line `i` ends at `starts[i + 1] - 1`):
   * built on the second look-up, since a message read several times (routing reads the same event
   * five to ten times) should not rescan its text for line ends on every read.
   */
  private starts: number[] | undefined;
  private lookups = 0;

  /**
   * @param text the message's header lines (CRLF or LF separated), without the blank line that ends it
   * @param body the free-form output of an old-style `Response: Follows`, if any
   */
  constructor(text: string, body?: string) {
    this.text = text;
    this.body = body;
    const first = firstLineKind(text);
    if (first) {
      this.kind = first;
      this.name = valueAt(text, kindKeyLength(first) + 1, lineEnd(text, 0));
    } else {
      const found = findKind(this);
      this.kind = found?.[0] ?? 'unknown';
      this.name = found?.[1] ?? '';
    }
  }

  get(key: string): string | undefined {
    const text = this.text;
    const keyLength = key.length;
    const starts = this.lineStarts();
    if (starts === undefined) {
      // First look-up: a plain scan, which stops at the key (a message read once costs no index).
      let pos = 0;
      while (pos < text.length) {
        const end = lineEnd(text, pos);
        if (text.charCodeAt(pos + keyLength) === COLON && keyMatches(text, pos, key)) {
          return valueAt(text, pos + keyLength + 1, end);
        }
        pos = end + 1;
      }
      return undefined;
    }
    const last = starts.length - 1;
    for (let i = 0; i < last; i++) {
      const pos = starts[i]!;
      if (text.charCodeAt(pos + keyLength) === COLON && keyMatches(text, pos, key)) {
        return valueAt(text, pos + keyLength + 1, starts[i + 1]! - 1);
      }
    }
    return undefined;
  }

  getAll(key: string): string[] {
    const values: string[] = [];
    const text = this.text;
    const keyLength = key.length;
    const starts = this.lineStarts() ?? this.indexLines();
    const last = starts.length - 1;
    for (let i = 0; i < last; i++) {
      const pos = starts[i]!;
      if (text.charCodeAt(pos + keyLength) === COLON && keyMatches(text, pos, key)) {
        values.push(valueAt(text, pos + keyLength + 1, starts[i + 1]! - 1));
      }
    }
    return values;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  fields(): ReadonlyArray<readonly [string, string]> {
    if (this.cachedFields) return this.cachedFields;
    const fields: Array<readonly [string, string]> = [];
    const text = this.text;
    let pos = 0;
    while (pos < text.length) {
      const end = lineEnd(text, pos);
      const colon = text.indexOf(':', pos);
      // The parser only builds messages whose every line has a colon; guard anyway for direct use.
      if (colon !== -1 && colon < end) {
        fields.push([text.slice(pos, colon), valueAt(text, colon + 1, end)]);
      }
      pos = end + 1;
    }
    this.cachedFields = fields;
    return fields;
  }

  /** The line index, once the message has been read more than once; `undefined` before. */
  private lineStarts(): number[] | undefined {
    if (this.starts !== undefined) return this.starts;
    return this.lookups++ === 0 ? undefined : this.indexLines();
  }

  private indexLines(): number[] {
    const text = this.text;
    const starts: number[] = [];
    let pos = 0;
    while (pos < text.length) {
      starts.push(pos);
      pos = lineEnd(text, pos) + 1;
    }
    // One past the end of the last line's terminator (or of the text): where line `n` would start.
    starts.push(pos);
    this.starts = starts;
    return starts;
  }

  /** The message as it would be written on the wire (CRLF lines, no trailing blank line). */
  toString(): string {
    return this.fields()
      .map(([key, value]) => `${key}: ${value}`)
      .join('\r\n');
  }
}

/** Index of the `\n` that ends the line starting at `pos` (or the text length). */
function lineEnd(text: string, pos: number): number {
  const end = text.indexOf('\n', pos);
  return end === -1 ? text.length : end;
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
  if (text.startsWith(key, pos)) return true;
  for (let i = 0; i < key.length; i++) {
    const a = text.charCodeAt(pos + i);
    const b = key.charCodeAt(i);
    if (a !== b && toLower(a) !== toLower(b)) return false;
  }
  return true;
}

function toLower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

const KIND_KEYS: ReadonlyArray<readonly [AmiMessageKind, string]> = [
  ['event', 'Event'],
  ['response', 'Response'],
  ['action', 'Action'],
];

function kindKeyLength(kind: AmiMessageKind): number {
  return kind === 'event' ? 5 : kind === 'response' ? 8 : 6;
}

/** The kind named by the first line, the common case: Asterisk always writes that key first. */
function firstLineKind(text: string): AmiMessageKind | undefined {
  for (const [kind, key] of KIND_KEYS) {
    if (text.charCodeAt(key.length) === COLON && keyMatches(text, 0, key)) return kind;
  }
  return undefined;
}

/** Slow path for messages whose kind key is not on the first line (hand-written clients do that). */
function findKind(message: ParsedMessage): readonly [AmiMessageKind, string] | undefined {
  for (const [kind, key] of KIND_KEYS) {
    const value = message.get(key);
    if (value !== undefined) return [kind, value];
  }
  return undefined;
}
