import { describe, expect, it } from 'vitest';
import { formatAgiCommand } from '../../src/protocol/agiCommand.js';
import { decodeAgiEnv, encodeAgiText } from '../../src/protocol/agiEnv.js';
import { digitFromResult, parseAgiResult } from '../../src/protocol/agiResult.js';
import {
  AgiDeadChannelError,
  AgiError,
  AgiInvalidCommandError,
  AgiUsageError,
} from '../../src/protocol/errors.js';
import type { AmiMessage } from '../../src/protocol/message.js';
import { AmiParser } from '../../src/protocol/parser.js';
import { readTrace } from '../support/traces.js';

function events(trace: string, name: string): AmiMessage[] {
  const found: AmiMessage[] = [];
  new AmiParser({ message: (m) => m.name === name && found.push(m) }).push(readTrace(trace, 'rx'));
  return found;
}

describe('AGI environment', () => {
  it('should decode the Env of every recorded AsyncAGIStart', () => {
    const starts = [
      ...events('asyncagi-hello', 'AsyncAGIStart'),
      ...events('asyncagi-dtmf', 'AsyncAGIStart'),
    ];
    expect(starts.length).toBeGreaterThan(0);
    for (const start of starts) {
      const env = decodeAgiEnv(start.get('Env')!);
      expect(env.agi_channel).toBe(start.get('Channel'));
      expect(env.agi_uniqueid).toBe(start.get('Uniqueid'));
      expect(env.agi_request).toBe('async');
      expect(env.agi_context).toBe('default');
      expect(env.agi_accountcode).toBe('');
    }
  });

  it('should encode text exactly as Asterisk does in the recordings', () => {
    const recorded = [
      ...events('asyncagi-hello', 'AsyncAGIStart').map((m) => m.get('Env')!),
      ...events('asyncagi-dtmf', 'AsyncAGIExec').map((m) => m.get('Result')!),
    ];
    expect(recorded.length).toBeGreaterThan(3);
    for (const text of recorded) expect(encodeAgiText(decodeURIComponent(text))).toBe(text);
  });
});

describe('parseAgiResult', () => {
  it('should read every recorded AsyncAGIExec result', () => {
    const results = events('asyncagi-dtmf', 'AsyncAGIExec').map((m) =>
      parseAgiResult(m.get('Result')!, { encoded: true }),
    );
    expect(results.map((r) => r.result)).toContain('12345');
    expect(results.every((r) => r.code === 200)).toBe(true);
  });

  it('should split result, data in parentheses and endpos', () => {
    expect(parseAgiResult('200 result=1 (hello world)\n')).toEqual({
      code: 200,
      result: '1',
      data: 'hello world',
      raw: '200 result=1 (hello world)',
    });
    expect(parseAgiResult('200%20result%3D0%20endpos%3D3404%0A', { encoded: true })).toMatchObject({
      result: '0',
      endpos: 3404,
    });
    expect(parseAgiResult('200 result=123 (timeout)')).toMatchObject({
      result: '123',
      data: 'timeout',
    });
    expect(parseAgiResult('200 result=-1')).toMatchObject({ result: '-1' });
  });

  it('should throw a typed error for each failure code', () => {
    expect(() => parseAgiResult('510 Invalid or unknown command\n')).toThrow(
      AgiInvalidCommandError,
    );
    expect(() =>
      parseAgiResult('511 Command Not Permitted on a dead channel or intercept routine\n'),
    ).toThrow(AgiDeadChannelError);
    try {
      parseAgiResult(
        '520-Invalid command syntax.  Proper usage follows:\nUsage: WAIT FOR DIGIT <timeout>\n520 End of proper usage.\n',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AgiUsageError);
      expect((error as AgiUsageError).usage).toBe('Usage: WAIT FOR DIGIT <timeout>');
      expect((error as AgiUsageError).code).toBe(520);
    }
    expect(() => parseAgiResult('garbage')).toThrow(AgiError);
  });

  it('should turn ASCII codes into digits', () => {
    expect(['49', '50', '35', '42', '0', '-1'].map(digitFromResult)).toEqual([
      '1',
      '2',
      '#',
      '*',
      undefined,
      undefined,
    ]);
  });
});

describe('formatAgiCommand', () => {
  it('should quote arguments that need it and refuse line breaks', () => {
    expect(formatAgiCommand('GET DATA', 'beep', 8000, 5)).toBe('GET DATA beep 8000 5');
    expect(formatAgiCommand('STREAM FILE', 'hello-world', '')).toBe('STREAM FILE hello-world ""');
    expect(formatAgiCommand('SET VARIABLE', 'GREETING', 'say "hi" \\o/')).toBe(
      'SET VARIABLE GREETING "say \\"hi\\" \\\\o/"',
    );
    expect(() => formatAgiCommand('EXEC', 'Playback', 'x\nHANGUP')).toThrow(AgiError);
  });
});
