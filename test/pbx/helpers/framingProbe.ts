import net from 'node:net';

/** Requests that test how an AMI server frames actions, and Asterisk's answers to them. */

const headers = (n: number) => Array.from({ length: n }, (_, i) => `H${i}: v`).join('\r\n');

/**
 * Requests and what Asterisk 22.10.1 answered to each, written on one session one after the
 * other (probed on a real one): overlong lines, the 128-header bound, a blank line.
 */
export const FRAMING_PROBE: ReadonlyArray<readonly [request: string, answer: string]> = [
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

/** The banner and every answer of {@link FRAMING_PROBE}, as one session receives them. */
export const framingTranscript = (): string =>
  `Asterisk Call Manager/11.0.0\r\n${FRAMING_PROBE.map(([, answer]) => answer).join('')}`;

/**
 * Writes {@link FRAMING_PROBE} to the AMI server at `url` on one session and resolves with what
 * came back (Ping's Timestamp normalised) once it is as long as Asterisk's answer, or after
 * `timeoutMs`.
 */
export async function framingTranscriptOf(url: string, timeoutMs = 10_000): Promise<string> {
  const target = new URL(url);
  const socket = net.connect({ host: target.hostname, port: Number(target.port) });
  const expectedLength = framingTranscript().length;
  let received = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (normalise(received).length >= expectedLength) {
          clearTimeout(timer);
          resolve();
        }
      });
      for (const [request] of FRAMING_PROBE) socket.write(request);
    });
  } finally {
    socket.destroy();
  }
  return normalise(received);
}

const normalise = (text: string): string => text.replace(/Timestamp: [\d.]+/g, 'Timestamp: T');
