import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { ActionReader, type ReadRequest } from '../../src/pbx/server/ActionReader.js';

let pbx: PbxHandle | undefined;

afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
});

const headers = (n: number) => Array.from({ length: n }, (_, i) => `H${i}: v`).join('\r\n');

/**
 * Requests and what Asterisk 22.10.1 answered to each, written on one session one after the
 * other (probed on a real one): overlong lines, the 128-header bound, a blank line.
 */
const PROBE: ReadonlyArray<readonly [request: string, answer: string]> = [
  [
    'Action: Login\r\nUsername: manager\r\nSecret: secret\r\nEvents: off\r\nActionID: L\r\n\r\n',
    'Response: Success\r\nActionID: L\r\nMessage: Authentication accepted\r\n\r\n',
  ],
  [
    `Action: Ping\r\nActionID: A1\r\nX-Long: ${'y'.repeat(2000)}\r\n\r\n`,
    'Response: Error\r\nActionID: A1\r\nMessage: Failed to parse message: line too long\r\n\r\n',
  ],
  [
    `X-Long: ${'y'.repeat(1500)}\r\nAction: Ping\r\nActionID: A2\r\n\r\n`,
    'Response: Error\r\nActionID: A2\r\nMessage: Failed to parse message: line too long\r\n\r\n',
  ],
  [
    `Action: Ping\r\nActionID: A3\r\nX: ${'y'.repeat(1021)}\r\n\r\n`,
    'Response: Error\r\nActionID: A3\r\nMessage: Failed to parse message: line too long\r\n\r\n',
  ],
  // A 1,023-byte line: its CR fills the buffer and is kept, so the blank line after it reads as
  // two, and the second one is an action of its own, without `Action:`.
  [
    `Action: Ping\r\nActionID: A4\r\nX: ${'y'.repeat(1020)}\r\n\r\n`,
    'Response: Error\r\nActionID: A4\r\nMessage: Failed to parse message: line too long\r\n\r\n' +
      'Response: Error\r\nMessage: Missing action in request\r\n\r\n',
  ],
  [
    `Action: Ping\r\nActionID: A5\r\nX: ${'y'.repeat(1019)}\r\n\r\n`,
    'Response: Success\r\nActionID: A5\r\nPing: Pong\r\nTimestamp: T\r\n\r\n',
  ],
  [
    `Action: Ping\r\nActionID: B1\r\n${headers(200)}\r\n\r\n`,
    'Response: Error\r\nActionID: B1\r\nMessage: Too many lines in message or allocation failure\r\n\r\n',
  ],
  [
    `Action: Ping\r\nActionID: B2\r\n${headers(126)}\r\n\r\n`,
    'Response: Success\r\nActionID: B2\r\nPing: Pong\r\nTimestamp: T\r\n\r\n',
  ],
  [
    `Action: Ping\r\nActionID: B3\r\n${headers(127)}\r\n\r\n`,
    'Response: Error\r\nActionID: B3\r\nMessage: Too many lines in message or allocation failure\r\n\r\n',
  ],
  ['\r\n', 'Response: Error\r\nMessage: Missing action in request\r\n\r\n'],
  [
    'Action: Ping\nActionID: C1\n\n',
    'Response: Success\r\nActionID: C1\r\nPing: Pong\r\nTimestamp: T\r\n\r\n',
  ],
];

function summary(requests: ReadRequest[]): string[] {
  return requests.map((r) =>
    r.kind === 'error'
      ? `error ${r.message.get('ActionID')}: ${r.error}`
      : `action ${r.message.get('ActionID')}`,
  );
}

describe('ActionReader', () => {
  it('should answer overlong lines, too many headers and blank lines as Asterisk 22 does', async () => {
    pbx = await startPbx({ port: 0 });
    const socket = net.connect({ host: '127.0.0.1', port: pbx.port });
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    const expected = `Asterisk Call Manager/11.0.0\r\n${PROBE.map(([, answer]) => answer).join('')}`;
    for (const [request] of PROBE) socket.write(request);
    await expect
      .poll(() => received.replace(/Timestamp: [\d.]+/g, 'Timestamp: T').length)
      .toBeGreaterThanOrEqual(expected.length);
    expect(received.replace(/Timestamp: [\d.]+/g, 'Timestamp: T')).toBe(expected);
    socket.destroy();
  });

  it('should frame the same requests whatever the chunking, holding at most one buffer', () => {
    const bytes = Buffer.from(PROBE.map(([request]) => request).join(''), 'latin1');
    const whole = summary(new ActionReader().push(bytes));
    const reader = new ActionReader();
    const byByte: ReadRequest[] = [];
    for (let i = 0; i < bytes.length; i++) byByte.push(...reader.push(bytes.subarray(i, i + 1)));
    const odd = new ActionReader();
    const byOdd: ReadRequest[] = [];
    for (let i = 0; i < bytes.length; i += 1499)
      byOdd.push(...odd.push(bytes.subarray(i, i + 1499)));
    expect(summary(byByte)).toEqual(whole);
    expect(summary(byOdd)).toEqual(whole);
    expect(whole).toEqual([
      'action L',
      'error A1: Failed to parse message: line too long',
      'error A2: Failed to parse message: line too long',
      'error A3: Failed to parse message: line too long',
      'error A4: Failed to parse message: line too long',
      'action undefined',
      'action A5',
      'error B1: Too many lines in message or allocation failure',
      'action B2',
      'error B3: Too many lines in message or allocation failure',
      'action undefined',
      'action C1',
    ]);
  });
});
