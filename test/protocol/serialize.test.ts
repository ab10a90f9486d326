import { describe, expect, it } from 'vitest';
import { AmiError } from '../../src/protocol/errors.js';
import { AmiParser } from '../../src/protocol/parser.js';
import { createMessage, formatMessage } from '../../src/protocol/serialize.js';

describe('formatMessage', () => {
  it('should write CRLF lines and a blank line, keeping repeated keys in order', () => {
    expect(
      formatMessage([
        ['Action', 'Originate'],
        ['Variable', 'A=1'],
        ['Variable', 'B=2'],
      ]),
    ).toBe('Action: Originate\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n');
  });

  it('should refuse a value that would inject another field or action', () => {
    expect(() => formatMessage([['Channel', 'x\r\n\r\nAction: Hangup']])).toThrow(AmiError);
    expect(() => formatMessage([['Channel', 'x\nEvil: 1']])).toThrow(/line break/);
    expect(() => formatMessage([['Bad:Key', 'v']])).toThrow(/Invalid AMI key/);
    expect(() => formatMessage([['', 'v']])).toThrow(AmiError);
  });

  it('should round-trip through the parser', () => {
    const fields = [
      ['Action', 'Setvar'],
      ['Variable', 'GREETING'],
      ['Value', 'Grüß Gott: hello'],
    ] as const;
    const seen: unknown[] = [];
    new AmiParser({ message: (m) => seen.push(m.fields()) }, { expectBanner: false }).push(
      Buffer.from(formatMessage(fields)),
    );
    expect(seen).toEqual([fields]);
  });
});

describe('createMessage', () => {
  it('should build a message that reads like a parsed one', () => {
    const m = createMessage([
      ['Event', 'Hangup'],
      ['Uniqueid', '1795808402.0'],
      ['Cause-txt', 'Normal Clearing'],
    ]);
    expect([m.kind, m.name, m.get('cause-TXT'), m.get('missing')]).toEqual([
      'event',
      'Hangup',
      'Normal Clearing',
      undefined,
    ]);
    expect(() => createMessage([['Event', 'a\r\nb']])).toThrow(AmiError);
  });
});
