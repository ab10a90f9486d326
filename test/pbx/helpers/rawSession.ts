import net from 'node:net';
import type { AmiMessage } from '../../../src/protocol/message.js';
import { AmiParser } from '../../../src/protocol/parser.js';

/** What a session saw of the numbered `UserEvent`s (`Seq: 1, 2, ...`) and of the rest. */
export interface SeenEvents {
  readonly events: number;
  readonly lastSeq: number;
  /** Whether a number was skipped or repeated. */
  readonly gap: boolean;
  /** Whether a `Shutdown` event came. */
  readonly shutdown: boolean;
}

/** A raw AMI session, logged in with events on, that can stop reading (and later read again). */
export interface RawSession {
  readonly socket: net.Socket;
  seen(): SeenEvents;
  /** Sends an action (CRLF lines, no blank line) and resolves with its response. */
  action(lines: string): Promise<AmiMessage>;
  /** Stops reading: from now on the bytes stay in the kernel's buffers, as a stuck client's. */
  goDeaf(): void;
  /**
   * Reads what is left, for at most `timeoutMs`: the bytes, and how the stream ended (`open`: it
   * had not ended by then; the socket is then destroyed).
   */
  drain(timeoutMs: number): Promise<{ bytes: Buffer; end: 'end' | 'error' | 'open' }>;
}

let actionCounter = 0;

/** Connects to an AMI server and logs in (`url`: `ami://user:secret@host:port`). */
export async function openRawSession(url: string): Promise<RawSession> {
  const target = new URL(url);
  const socket = net.connect({ host: target.hostname, port: Number(target.port) });
  socket.on('error', () => {});
  let events = 0;
  let lastSeq = 0;
  let gap = false;
  let shutdown = false;
  const waiting = new Map<string, (m: AmiMessage) => void>();
  const parser = new AmiParser({
    message: (m) => {
      const id = m.get('ActionID');
      if (m.kind === 'response' && id !== undefined) waiting.get(id)?.(m);
      if (m.name === 'Shutdown') shutdown = true;
      const seq = Number(m.get('Seq') ?? 0);
      if (m.name !== 'UserEvent' || !seq) return;
      events += 1;
      if (seq !== lastSeq + 1) gap = true;
      lastSeq = seq;
    },
  });
  const onData = (chunk: Buffer) => parser.push(chunk);
  socket.on('data', onData);
  const action = (lines: string) =>
    new Promise<AmiMessage>((resolve) => {
      actionCounter += 1;
      const id = `raw-${actionCounter}`;
      waiting.set(id, (m) => {
        waiting.delete(id);
        resolve(m);
      });
      socket.write(`${lines}\r\nActionID: ${id}\r\n\r\n`);
    });
  const closed = new Promise<never>((_, reject) =>
    socket.once('close', () => reject(new Error(`${url} closed the connection`))),
  );
  closed.catch(() => {});
  const login = await Promise.race([
    closed,
    action(
      `Action: Login\r\nUsername: ${decodeURIComponent(target.username)}\r\nSecret: ${decodeURIComponent(target.password)}\r\nEvents: on`,
    ),
  ]);
  if (login.get('Response') !== 'Success') throw new Error(`login failed: ${login.get('Message')}`);
  return {
    socket,
    seen: () => ({ events, lastSeq, gap, shutdown }),
    action,
    goDeaf() {
      socket.off('data', onData);
      socket.pause();
    },
    drain(timeoutMs) {
      const chunks: Buffer[] = [];
      return new Promise((resolve) => {
        const done = (end: 'end' | 'error' | 'open') => {
          clearTimeout(timer);
          socket.destroy();
          resolve({ bytes: Buffer.concat(chunks), end });
        };
        const timer = setTimeout(() => done('open'), timeoutMs);
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.once('end', () => done('end'));
        socket.once('error', () => done('error'));
        socket.resume();
      });
    },
  };
}

/** The `Seq` numbers of the `UserEvent`s in `bytes`, in order. */
export function seqNumbers(bytes: Buffer): number[] {
  return [...bytes.toString('latin1').matchAll(/\r\nSeq: (\d+)\r\n/g)].map((m) => Number(m[1]));
}
