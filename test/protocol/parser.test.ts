import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AmiProtocolError } from '../../src/protocol/errors.js';
import { AmiParser, type AmiParserOptions } from '../../src/protocol/parser.js';
import { readTimeline, readTrace, traceNames } from '../support/traces.js';

interface Parsed {
  banners: string[];
  messages: Array<{ kind: string; name: string; fields: Array<[string, string]>; body?: string }>;
  errors: AmiProtocolError[];
}

function parseChunks(chunks: Iterable<Buffer>, options?: AmiParserOptions): Parsed {
  const out: Parsed = { banners: [], messages: [], errors: [] };
  const parser = new AmiParser(
    {
      banner: (text) => out.banners.push(text),
      message: (m) =>
        out.messages.push({
          kind: m.kind,
          name: m.name,
          fields: m.fields().map(([k, v]) => [k, v]),
          ...(m.body === undefined ? {} : { body: m.body }),
        }),
      error: (e) => out.errors.push(e),
    },
    options,
  );
  for (const chunk of chunks) parser.push(chunk);
  return out;
}

function parse(text: string | Buffer, options?: AmiParserOptions): Parsed {
  return parseChunks([typeof text === 'string' ? Buffer.from(text) : text], options);
}

/**
 * An independent, deliberately naive reading of a CRLF trace: split messages at blank lines, lines
 * at CRLF, fields at the first colon. The parser must agree with it on every recorded byte.
 */
function naiveRead(raw: string, withBanner: boolean): { banner?: string; messages: string[][][] } {
  let rest = raw;
  let banner: string | undefined;
  if (withBanner) {
    const end = rest.indexOf('\r\n');
    banner = rest.slice(0, end);
    rest = rest.slice(end + 2);
  }
  const messages = rest
    .split('\r\n\r\n')
    .filter((block) => block.length > 0)
    .map((block) =>
      block.split('\r\n').map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).replace(/^ +/, '')];
      }),
    );
  return banner === undefined ? { messages } : { banner, messages };
}

describe('AmiParser on real Asterisk recordings', () => {
  for (const name of traceNames()) {
    it(`should read every message of ${name}.rx.txt as the raw text holds it`, () => {
      const raw = readTrace(name, 'rx');
      const expected = naiveRead(raw.toString('utf8'), true);
      const parsed = parse(raw);
      expect(parsed.errors).toEqual([]);
      expect(parsed.banners).toEqual([expected.banner]);
      expect(parsed.messages.length).toBe(expected.messages.length);
      expect(parsed.messages.map((m) => m.fields)).toEqual(expected.messages);
      for (const message of parsed.messages) {
        const first = message.fields[0]!;
        expect(message.kind).toBe(first[0] === 'Event' ? 'event' : 'response');
        expect(message.name).toBe(first[1]);
      }
    });

    it(`should read every action of ${name}.tx.txt`, () => {
      const raw = readTrace(name, 'tx');
      const expected = naiveRead(raw.toString('utf8'), false);
      const parsed = parse(raw, { expectBanner: false });
      expect(parsed.errors).toEqual([]);
      expect(parsed.messages.map((m) => m.fields)).toEqual(expected.messages);
      // actions.tx.txt holds one frame without `Action:` (recorded to see Asterisk's answer).
      expect(parsed.messages.map((m) => m.kind)).toEqual(
        expected.messages.map((fields) =>
          fields.some(([k]) => k === 'Action') ? 'action' : 'unknown',
        ),
      );
    });

    it(`should give the same messages for the recorded TCP chunks of ${name}`, () => {
      const chunks = readTimeline(name)
        .filter((chunk) => chunk.dir === 'rx')
        .map((chunk) => Buffer.from(chunk.data, 'utf8'));
      expect(Buffer.concat(chunks).equals(readTrace(name, 'rx'))).toBe(true);
      expect(parseChunks(chunks)).toEqual(parse(readTrace(name, 'rx')));
    });
  }

  it('should parse the load trace one byte at a time exactly as in one piece', () => {
    const raw = readTrace('load', 'rx');
    const bytes = Array.from({ length: raw.length }, (_, i) => raw.subarray(i, i + 1));
    const whole = parse(raw);
    expect(whole.messages.length).toBe(1404);
    expect(parseChunks(bytes)).toEqual(whole);
  });

  it('should parse any chunking of a trace to the same messages', () => {
    const raw = readTrace('asyncagi-dtmf', 'rx');
    const whole = parse(raw);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: raw.length - 1 }), { maxLength: 200 }),
        (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), raw.length];
          const chunks = points.slice(1).map((end, i) => raw.subarray(points[i], end));
          expect(parseChunks(chunks)).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('AmiParser message format', () => {
  it('should match keys case-insensitively and keep their spelling', () => {
    const { messages } = parse(
      'Event: AGIExecEnd\r\nCommandId: 12\r\nBridgeID: x\r\n\r\nEvent: AsyncAGIExec\r\nCommandID: mine\r\n\r\n',
      { expectBanner: false },
    );
    expect(messages[0]!.fields).toEqual([
      ['Event', 'AGIExecEnd'],
      ['CommandId', '12'],
      ['BridgeID', 'x'],
    ]);
    const parser = new AmiParser(
      {
        message: (m) => {
          expect(m.get('commandid')).toMatch(/^(12|mine)$/);
          expect(m.get('COMMANDID')).toBe(m.get('CommandID'));
        },
      },
      { expectBanner: false },
    );
    parser.push(
      Buffer.from('Event: A\r\nCommandId: 12\r\n\r\nEvent: B\r\ncommandid: mine\r\n\r\n'),
    );
  });

  it('should keep repeated keys in order and split values at the first colon only', () => {
    const captured: Array<ReturnType<AmiParser['push']>> = [];
    let outputs: string[] = [];
    let requestType: string | undefined;
    let empty: string | undefined;
    const parser = new AmiParser({
      message: (m) => {
        if (m.has('Output')) outputs = m.getAll('output');
        if (m.has('RequestType')) requestType = m.get('RequestType');
        if (m.has('AccountCode')) empty = m.get('AccountCode');
      },
    });
    parser.push(
      Buffer.from(
        'Asterisk Call Manager/11.0.0\r\n' +
          'Response: Success\r\nMessage: Command output follows\r\nOutput: Channel  Location\r\nOutput: 0 active: calls\r\nOutput: \r\n\r\n' +
          'Event: RequestNotAllowed\r\nRequestType: Action: NoSuchAction\r\nAccountCode: \r\n\r\n',
      ),
    );
    expect(captured).toEqual([]);
    expect(outputs).toEqual(['Channel  Location', '0 active: calls', '']);
    expect(requestType).toBe('Action: NoSuchAction');
    expect(empty).toBe('');
  });

  it('should read the old Response: Follows form with its --END COMMAND-- body', () => {
    const { messages, errors } = parse(
      'Asterisk Call Manager/1.1\r\n' +
        'Response: Follows\r\nPrivilege: Command\r\nActionID: cmd-1\r\n' +
        'Channel              Location\r\n\r\nKey: looks like a field\r\n1 active channel\r\n--END COMMAND--\r\n\r\n' +
        'Event: Ping\r\n\r\n',
    );
    expect(errors).toEqual([]);
    expect(messages).toEqual([
      {
        kind: 'response',
        name: 'Follows',
        fields: [
          ['Response', 'Follows'],
          ['Privilege', 'Command'],
          ['ActionID', 'cmd-1'],
        ],
        body: 'Channel              Location\r\n\r\nKey: looks like a field\r\n1 active channel\r\n',
      },
      { kind: 'event', name: 'Ping', fields: [['Event', 'Ping']] },
    ]);
  });

  it('should read the Follows form split one byte at a time', () => {
    const text =
      'Asterisk Call Manager/1.1\r\nResponse: Follows\r\nActionID: 2\r\nout\r\n--END COMMAND--\r\n\r\nEvent: X\r\n\r\n';
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(parseChunks(chunks)).toEqual(parse(text));
    expect(parse(text).messages.map((m) => m.name)).toEqual(['Follows', 'X']);
  });

  it('should accept lone LF line endings and mixed endings', () => {
    const { banners, messages, errors } = parse(
      'Asterisk Call Manager/11.0.0\nResponse: Success\nActionID: 1\n\nEvent: A\r\nK: v\n\r\nEvent: B\nK: w\r\n\n',
    );
    expect(errors).toEqual([]);
    expect(banners).toEqual(['Asterisk Call Manager/11.0.0']);
    expect(messages.map((m) => m.fields)).toEqual([
      [
        ['Response', 'Success'],
        ['ActionID', '1'],
      ],
      [
        ['Event', 'A'],
        ['K', 'v'],
      ],
      [
        ['Event', 'B'],
        ['K', 'w'],
      ],
    ]);
  });

  it('should never corrupt a UTF-8 character split across reads', () => {
    const text = 'Event: NewCallerid\r\nCallerIDName: Zoë Łukasz 日本\r\n\r\n';
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const { messages } = parseChunks([bytes.subarray(0, cut), bytes.subarray(cut)], {
        expectBanner: false,
      });
      expect(messages[0]!.fields[1]).toEqual(['CallerIDName', 'Zoë Łukasz 日本']);
    }
  });

  it('should classify a frame by its Event, Response or Action key wherever it stands', () => {
    const { messages } = parse('ActionID: 7\r\nAction: Ping\r\n\r\nFoo: bar\r\n\r\n', {
      expectBanner: false,
    });
    expect(messages.map((m) => [m.kind, m.name])).toEqual([
      ['action', 'Ping'],
      ['unknown', ''],
    ]);
  });
});

describe('AmiParser on bad input', () => {
  it('should report a line without a colon and keep the messages around it', () => {
    const { messages, errors } = parse(
      'Event: A\r\n\r\nEvent: B\r\nthis line has no colon\r\nK: v\r\n\r\nEvent: C\r\n\r\n',
      { expectBanner: false },
    );
    expect(messages.map((m) => m.name)).toEqual(['A', 'C']);
    expect(errors.map((e) => e.code)).toEqual(['missing-colon']);
    expect(errors[0]!.name).toBe('AmiProtocolError');
    expect(errors[0]!.excerpt).toContain('this line has no colon');
  });

  it('should strip garbage lines before a message and keep the message', () => {
    const { messages, errors } = parse('garbage\r\nEvent: A\r\nK: v\r\n\r\n', {
      expectBanner: false,
    });
    expect(messages.map((m) => m.fields)).toEqual([
      [
        ['Event', 'A'],
        ['K', 'v'],
      ],
    ]);
    expect(errors.map((e) => [e.code, e.excerpt])).toEqual([['missing-colon', 'garbage']]);
  });

  it('should end a Response: Follows without --END COMMAND-- at the next message and report it', () => {
    const text =
      'Response: Follows\r\nPrivilege: Command\r\nActionID: cmd-1\r\nsome output\r\n\r\n' +
      'more output\r\n\r\nEvent: Newchannel\r\nUniqueid: 1.1\r\n\r\n' +
      'Response: Success\r\nActionID: ping-2\r\nPing: Pong\r\n\r\n';
    const whole = parse(text, { expectBanner: false });
    expect(whole.messages.map((m) => [m.name, m.body])).toEqual([
      ['Follows', 'some output\r\n\r\nmore output\r\n'],
      ['Newchannel', undefined],
      ['Success', undefined],
    ]);
    expect(whole.errors.map((e) => e.code)).toEqual(['unterminated-follows']);
    expect(whole.errors[0]!.excerpt).toContain('ActionID: cmd-1');
    // Read one byte at a time, it says the same.
    const bytes = Buffer.from(text);
    const oneByOne = parseChunks(
      Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)),
      { expectBanner: false },
    );
    expect(oneByOne.messages).toEqual(whole.messages);
    expect(oneByOne.errors.map((e) => e.code)).toEqual(['unterminated-follows']);
  });

  it('should bound a Response: Follows that never ends by the message size limit', () => {
    const { messages, errors } = parseChunks(
      [
        Buffer.from('Response: Follows\r\nActionID: 1\r\n'),
        Buffer.alloc(300, 'x'),
        Buffer.from('\r\n\r\nEvent: After\r\n\r\n'),
      ],
      { expectBanner: false, maxMessageBytes: 256 },
    );
    expect(errors.map((e) => e.code)).toEqual(['too-large']);
    expect(messages.map((m) => m.name)).toEqual(['After']);
  });

  it('should report binary garbage and resync at the next blank line', () => {
    const garbage = Buffer.from([0x00, 0xff, 0x13, 0x07, 0x0d, 0x0a, 0x0d, 0x0a]);
    const { messages, errors } = parseChunks(
      [Buffer.from('Event: A\r\n\r\n'), garbage, Buffer.from('Event: B\r\n\r\n')],
      { expectBanner: false },
    );
    expect(messages.map((m) => m.name)).toEqual(['A', 'B']);
    expect(errors.map((e) => e.code)).toEqual(['binary']);
  });

  it('should drop a message over the size limit, report it, and resync', () => {
    const huge = `Event: Huge\r\nData: ${'x'.repeat(5000)}\r\n\r\n`;
    const input = `Event: A\r\n\r\n${huge}Event: B\r\n\r\n`;
    const whole = parse(input, { expectBanner: false, maxMessageBytes: 1000 });
    expect(whole.messages.map((m) => m.name)).toEqual(['A', 'B']);
    expect(whole.errors.map((e) => e.code)).toEqual(['too-large']);

    const bytes = Buffer.from(input);
    const small = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
      bytes.subarray(i * 7, i * 7 + 7),
    );
    const chunked = parseChunks(small, { expectBanner: false, maxMessageBytes: 1000 });
    expect(chunked.messages.map((m) => m.name)).toEqual(['A', 'B']);
    expect(chunked.errors.map((e) => e.code)).toEqual(['too-large']);
  });

  it('should default the size limit to 1 MiB', () => {
    const big = `Event: Big\r\nData: ${'y'.repeat(1024 * 1024)}\r\n\r\nEvent: After\r\n\r\n`;
    const { messages, errors } = parse(big, { expectBanner: false });
    expect(messages.map((m) => m.name)).toEqual(['After']);
    expect(errors.map((e) => e.code)).toEqual(['too-large']);
    const fits = parse(`Event: Fits\r\nData: ${'z'.repeat(1000 * 1000)}\r\n\r\n`, {
      expectBanner: false,
    });
    expect(fits.messages.map((m) => m.name)).toEqual(['Fits']);
  });

  it('should survive any random bytes between valid messages without losing them', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }).filter((bytes) => {
          // Random bytes must not form a valid-looking message start; keep them colon-free.
          return !bytes.includes(58);
        }),
        fc.integer({ min: 1, max: 64 }),
        (noise, chunkSize) => {
          const input = Buffer.concat([
            Buffer.from('Event: Before\r\n\r\n'),
            Buffer.from(noise),
            Buffer.from('\r\n\r\nEvent: After\r\nK: v\r\n\r\n'),
          ]);
          const chunks = Array.from({ length: Math.ceil(input.length / chunkSize) }, (_, i) =>
            input.subarray(i * chunkSize, (i + 1) * chunkSize),
          );
          const { messages } = parseChunks(chunks, { expectBanner: false });
          expect(messages.map((m) => m.name)).toEqual(['Before', 'After']);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should start afresh after reset()', () => {
    const out: string[] = [];
    const parser = new AmiParser({
      banner: (b) => out.push(`banner ${b}`),
      message: (m) => out.push(m.name),
    });
    parser.push(Buffer.from('Asterisk Call Manager/11.0.0\r\nEvent: Partial\r\nK: '));
    parser.reset(true);
    parser.push(Buffer.from('Asterisk Call Manager/11.0.0\r\nEvent: Whole\r\n\r\n'));
    expect(out).toEqual([
      'banner Asterisk Call Manager/11.0.0',
      'banner Asterisk Call Manager/11.0.0',
      'Whole',
    ]);
  });
});

describe('AmiParser banner', () => {
  it('should deliver a banner split across reads even when nothing follows it', () => {
    // Asterisk sends the banner and then waits for Login: the banner alone must come out.
    const banners: string[] = [];
    const parser = new AmiParser({ banner: (b) => banners.push(b), message: () => {} });
    parser.push(Buffer.from('Asterisk Call Man'));
    parser.push(Buffer.from('ager/11.0.0\r'));
    expect(banners).toEqual([]);
    parser.push(Buffer.from('\n'));
    expect(banners).toEqual(['Asterisk Call Manager/11.0.0']);
  });
});
