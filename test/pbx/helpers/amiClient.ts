import net from 'node:net';
import type { AmiMessage } from '../../../src/protocol/message.js';
import { AmiParser } from '../../../src/protocol/parser.js';
import { formatMessage } from '../../../src/protocol/serialize.js';

/** A minimal AMI client for PBX tests: sends actions, collects everything the server sends. */
export interface TestClient {
  readonly banner: string;
  readonly messages: AmiMessage[];
  send(fields: ReadonlyArray<readonly [string, string]>): void;
  write(raw: string | Buffer): void;
  /** Resolves with the first message (already received or coming) that matches. */
  next(match: (m: AmiMessage) => boolean, timeoutMs?: number): Promise<AmiMessage>;
  /** Resolves when the server closes the socket. */
  readonly closed: Promise<void>;
  close(): void;
}

/** Connects to 127.0.0.1:`port` and waits for the banner. */
export function connect(port: number): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const messages: AmiMessage[] = [];
    const waiters = new Set<() => void>();
    let closedResolve: () => void = () => {};
    const closed = new Promise<void>((r) => {
      closedResolve = r;
    });
    const parser = new AmiParser({
      banner: (text) =>
        resolve({
          banner: text,
          messages,
          send: (fields) => socket.write(formatMessage(fields)),
          write: (raw) => socket.write(raw),
          next(match, timeoutMs = 5000) {
            return new Promise((res, rej) => {
              const check = () => {
                const found = messages.find(match);
                if (found) {
                  waiters.delete(check);
                  clearTimeout(timer);
                  res(found);
                }
              };
              const timer = setTimeout(() => {
                waiters.delete(check);
                rej(new Error(`no matching message within ${timeoutMs} ms`));
              }, timeoutMs);
              waiters.add(check);
              check();
            });
          },
          closed,
          close: () => socket.destroy(),
        }),
      message: (m) => {
        messages.push(m);
        for (const w of [...waiters]) w();
      },
    });
    socket.on('data', (chunk: Buffer) => parser.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => closedResolve());
  });
}

/** Connects and logs in as manager/secret (the shipped config). */
export async function login(
  port: number,
  username = 'manager',
  secret = 'secret',
): Promise<TestClient> {
  const c = await connect(port);
  c.send([
    ['Action', 'Login'],
    ['ActionID', 'login'],
    ['Username', username],
    ['Secret', secret],
  ]);
  const r = await c.next((m) => m.get('ActionID') === 'login');
  if (r.get('Response') !== 'Success') throw new Error(`login failed: ${r.get('Message')}`);
  return c;
}
