import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParsedMessage } from '../../src/protocol/parsedMessage.js';
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
  it('should answer the same on a first read and on later, indexed reads of every recorded message', () => {
    for (const name of traceNames()) {
      const raw = readTrace(name, 'rx').toString('latin1');
      const blocks = raw
        .slice(raw.indexOf('\r\n') + 2)
        .split('\r\n\r\n')
        .filter((b) => b.length > 0);
      for (const block of blocks) {
        const reference = new ParsedMessage(block);
        for (const key of probes(reference)) {
          // A fresh message answers its first look-up with a plain scan...
          expect(new ParsedMessage(block).get(key)).toBe(expected(reference, key));
          // ...and the message read many times answers from its line index.
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

  it('should read any line endings, blanks and repeated keys alike before and after indexing', () => {
    const line = fc.tuple(
      fc.constantFrom('Event', 'Uniqueid', 'ChanVariable', 'Value', 'A'),
      fc.constantFrom(':', ': ', ':   ', ':\t'),
      fc.string({ unit: fc.constantFrom('x', 'y', '1', ' ', '=', ':') }),
      fc.constantFrom('\r\n', '\n'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, trailing) => {
        let text = lines.map(([k, sep, v, eol]) => `${k}${sep}${v}${eol}`).join('');
        if (!trailing) text = text.replace(/\r?\n$/, '');
        const indexed = new ParsedMessage(text);
        indexed.get('Event');
        for (const key of ['Event', 'uniqueid', 'CHANVARIABLE', 'Value', 'A', 'Missing']) {
          const first = new ParsedMessage(text).get(key);
          expect(indexed.get(key)).toBe(first);
          expect(indexed.getAll(key)[0]).toBe(first);
          expect(new ParsedMessage(text).getAll(key)).toEqual(indexed.getAll(key));
        }
      }),
    );
  });
});
