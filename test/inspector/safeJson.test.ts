import { describe, expect, it } from 'vitest';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import { maskAmiFields, safeJson } from '../../src/inspector/safeJson.js';
import { ParsedMessage } from '../../src/protocol/parsedMessage.js';

describe('safeJson', () => {
  it('should mask secrets in keys, URLs and AMI messages, and hide class internals', () => {
    const connection = AmiConnection.fromUrl('ami://manager:hunter2@127.0.0.1:5038');
    const summary = safeJson({
      url: 'connect to ami://manager:hunter2@pbx:5038 now',
      Secret: 'hunter2',
      nested: { password: 'hunter2', token: 'hunter2', ok: [1, 'two', null, undefined] },
      client: connection,
      message: new ParsedMessage('Action: Login\r\nUsername: manager\r\nSecret: hunter2'),
      when: new Map([['a', 1]]),
      error: new TypeError('bad ami://u:hunter2@h'),
      fn: () => 1,
    });
    expect(JSON.stringify(summary)).not.toContain('hunter2');
    expect(summary).toEqual({
      url: 'connect to ami://manager:***@pbx:5038 now',
      Secret: '***',
      nested: { password: '***', token: '***', ok: [1, 'two', null, null] },
      client: '[AmiConnection]',
      message: { Action: 'Login', Username: 'manager', Secret: '***' },
      when: { a: 1 },
      error: { name: 'TypeError', message: 'bad ami://u:***@h' },
      fn: '[function]',
    });
  });

  it('should cut deep, long and cyclic values short', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(JSON.stringify(safeJson(cyclic))).toContain('[…]');
    const long = safeJson({
      list: Array.from({ length: 60 }, (_, i) => i),
      text: 'x'.repeat(400),
    }) as {
      list: unknown[];
      text: string;
    };
    expect(long.list).toHaveLength(51);
    expect(long.list.at(-1)).toBe('… 10 more');
    expect(long.text).toHaveLength(301);
  });

  it('should mask secret variables by one rule: in objects, channel variables and AMI fields', () => {
    const secretNames = ['DB_PASSWORD', 'api_token', 'SIP_SECRET', 'Authorization'];
    for (const name of secretNames) {
      const fields: Array<[string, string]> = [
        ['Event', 'VarSet'],
        ['Variable', name],
        ['Value', 'hunter2'],
        ['ChanVariable', `${name}=hunter2`],
        ['DestChanVariable', `${name}=hunter2`],
        ['Command', `SET VARIABLE ${name} hunter2`],
      ];
      const masked = maskAmiFields(fields);
      expect(JSON.stringify(masked), name).not.toContain('hunter2');
      expect(masked).toEqual([
        ['Event', 'VarSet'],
        ['Variable', name],
        ['Value', '***'],
        ['ChanVariable', `${name}=***`],
        ['DestChanVariable', `${name}=***`],
        ['Command', `SET VARIABLE ${name} ***`],
      ]);
      // The same rule for a context's variables and for the event carrying the message.
      const text = fields.map(([key, value]) => `${key}: ${value}`).join('\r\n');
      const summary = safeJson({
        variables: { [name]: 'hunter2' },
        message: new ParsedMessage(text),
      });
      expect(JSON.stringify(summary)).not.toContain('hunter2');
    }
    // Other variables, and other fields, are shown as they are.
    const plain = maskAmiFields([
      ['Variable', 'AsyncOrigId'],
      ['Value', 'demo-1'],
      ['ChanVariable', 'AsyncOrigId=demo-1'],
      ['Command', 'SET VARIABLE COLOUR blue'],
      ['Command', 'STREAM FILE hello-world ""'],
    ]);
    expect(plain).toEqual([
      ['Variable', 'AsyncOrigId'],
      ['Value', 'demo-1'],
      ['ChanVariable', 'AsyncOrigId=demo-1'],
      ['Command', 'SET VARIABLE COLOUR blue'],
      ['Command', 'STREAM FILE hello-world ""'],
    ]);
  });
});
