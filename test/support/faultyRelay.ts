import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/** How the relay treats what the PBX sends to the client. */
export type Downstream =
  /** Forwards every byte at once. */
  | { readonly mode: 'pass' }
  /** Stops reading from the PBX (TCP then makes it wait): the PBX seems to stop answering. */
  | { readonly mode: 'hold' }
  /** Forwards every chunk `delayMs` later, in order: a PBX that answers slowly. */
  | { readonly mode: 'delay'; readonly delayMs: number };

/**
 * A TCP relay on 127.0.0.1 in front of an AMI server, for fault tests: it cuts every connection
 * through it on demand (new ones are still let in, so that a client can reconnect at once), holds
 * back or delays what the server sends, and counts the connections it relayed.
 */
export interface FaultyRelay {
  /** The AMI URL through the relay (the credentials of the target URL). */
  readonly url: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  /** Destroys every relayed connection, both sides, now (in this tick). */
  cut(): void;
  /**
   * Writes `bytes` to every client as if the server had sent them, between two of the server's
   * messages: at once if the last chunk relayed ended a message, else right after the next chunk
   * that does. Not delayed or held back.
   */
  inject(bytes: Buffer): void;
  /** How the server's bytes travel from now on (a held stream resumes on `pass` or `delay`). */
  downstream(mode: Downstream): void;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly server: Socket;
  /** Whether the last chunk written to the client ended a message (a blank line). */
  atBoundary: boolean;
  /** Injected bytes waiting for the end of a message. */
  readonly injections: Buffer[];
}

function endsMessage(chunk: Buffer): boolean {
  const tail = chunk.subarray(-4).toString('latin1');
  return tail.endsWith('\r\n\r\n') || tail.endsWith('\n\n');
}

/** Writes a server chunk to the client, then any injection that waited for a message's end. */
function deliver(pair: Pair, chunk: Buffer): void {
  if (pair.client.destroyed) return;
  pair.client.write(chunk);
  pair.atBoundary = endsMessage(chunk);
  if (!pair.atBoundary) return;
  for (const bytes of pair.injections.splice(0)) pair.client.write(bytes);
}

/** Starts a relay to the host and port of `target` (an `ami://user:secret@host:port` URL). */
export async function startFaultyRelay(target: string): Promise<FaultyRelay> {
  const upstream = new URL(target);
  const pairs = new Set<Pair>();
  const timers = new Set<NodeJS.Timeout>();
  let mode: Downstream = { mode: 'pass' };
  let accepted = 0;

  const forward = (pair: Pair, chunk: Buffer): void => {
    if (mode.mode !== 'delay') {
      deliver(pair, chunk);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      deliver(pair, chunk);
    }, mode.delayMs);
    timers.add(timer);
  };
  const relay = (client: Socket): void => {
    accepted += 1;
    const server = connect(Number(upstream.port), upstream.hostname);
    const pair: Pair = { client, server, atBoundary: false, injections: [] };
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    for (const socket of [client, server]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    client.on('data', (chunk: Buffer) => server.write(chunk));
    server.on('data', (chunk: Buffer) => forward(pair, chunk));
    if (mode.mode === 'hold') server.pause();
  };
  const listener = createServer(relay);
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const url = new URL(target);
  url.port = String((listener.address() as { port: number }).port);

  const cut = (): void => {
    for (const { client, server } of [...pairs]) {
      client.destroy();
      server.destroy();
    }
    pairs.clear();
  };
  return {
    url: url.href,
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    cut,
    inject(bytes) {
      for (const pair of pairs) {
        if (pair.atBoundary) pair.client.write(bytes);
        else pair.injections.push(bytes);
      }
    },
    downstream(next) {
      mode = next;
      for (const { server } of pairs) {
        if (next.mode === 'hold') server.pause();
        else server.resume();
      }
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      cut();
      await closed;
    },
  };
}
