import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AmiMessage } from '../../src/protocol/message.js';
import { ParsedMessage } from '../../src/protocol/parsedMessage.js';
import { AmiParser } from '../../src/protocol/parser.js';
import { readTrace, traceNames } from '../support/traces.js';

/** What every look-up must answer, read off the field list: the first value of a key, any case. */
function expected(message: ParsedMessage, key: string): string | undefined {
  return message.fields().find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
}

/** Every key of a message, in three spellings, and one key it does not have. */
function probes(message: ParsedMessage): string[] {
  const keys = message.fields().map(([key]) => key);
  return [
    ...keys,
    ...keys.map((k) => k.toLowerCase()),
    ...keys.map((k) => k.toUpperCase()),
    'X-Nope',
  ];
}

describe('ParsedMessage look-ups', () => {
  it('should answer every look-up of every recorded message as its field list says, read once or often', () => {
    for (const name of traceNames()) {
      const raw = readTrace(name, 'rx').toString('latin1');
      const blocks = raw
        .slice(raw.indexOf('\r\n') + 2)
        .split('\r\n\r\n')
        .filter((b) => b.length > 0);
      for (const block of blocks) {
        const reference = new ParsedMessage(block);
        for (const key of probes(reference)) {
          // A fresh message and one read many times answer alike.
          expect(new ParsedMessage(block).get(key)).toBe(expected(reference, key));
          expect(reference.get(key)).toBe(expected(reference, key));
          expect(reference.getAll(key)).toEqual(
            reference
              .fields()
              .filter(([k]) => k.toLowerCase() === key.toLowerCase())
              .map(([, v]) => v),
          );
        }
      }
    }
  });

  it('should read any line endings, blanks and repeated keys as a naive reading does, parsed or built', () => {
    const line = fc.tuple(
      fc.constantFrom('Event', 'Uniqueid', 'ChanVariable', 'Value', 'A'),
      fc.constantFrom(':', ': ', ':   ', ':\t'),
      fc.string({ unit: fc.constantFrom('x', 'y', '1', ' ', '=', ':') }),
      fc.constantFrom('\r\n', '\n'),
    );
    /** Every value of `key`: lines split at LF, a trailing CR dropped, the value after blanks. */
    const naive = (text: string, key: string): string[] =>
      text
        .split('\n')
        .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
        .filter(
          (l) => l.includes(':') && l.slice(0, l.indexOf(':')).toLowerCase() === key.toLowerCase(),
        )
        .map((l) => l.slice(l.indexOf(':') + 1).replace(/^[ \t]+/, ''));
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (lines, trailing) => {
          let text = lines.map(([k, sep, v, eol]) => `${k}${sep}${v}${eol}`).join('');
          if (!trailing) text = text.replace(/\r?\n$/, '');
          const parsed: AmiMessage[] = [];
          new AmiParser({ message: (m) => parsed.push(m) }, { expectBanner: false }).push(
            Buffer.from(`${text.replace(/\r?\n$/, '')}\r\n\r\n`),
          );
          for (const message of [new ParsedMessage(text), ...parsed]) {
            for (const key of ['Event', 'uniqueid', 'CHANVARIABLE', 'Value', 'A', 'Missing']) {
              expect(message.getAll(key)).toEqual(naive(text, key));
              expect(message.get(key)).toBe(naive(text, key)[0]);
            }
          }
        },
      ),
    );
  });
});
