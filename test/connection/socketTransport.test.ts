import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES, type SocketTransport } from '../../src/connection/socketTransport.js';
import { connectTcp } from '../../src/connection/tcpTransport.js';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  // Last opened first: the server's close waits for its connections.
  for (const close of closers.splice(0).reverse()) await close();
});

/** A server that writes `total` bytes as fast as the client takes them, counting what it could write. */
async function floodServer(total: number) {
  const state = { written: 0, stalled: false, done: false, digest: createHash('sha256') };
  const sockets = new Set<Socket>();
  const server = createServer((socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    const block = Buffer.alloc(64 * 1024);
    const pump = (): void => {
      while (state.written < total) {
        block.fill(state.written % 251);
        const piece = block.subarray(0, Math.min(block.length, total - state.written));
        state.digest.update(piece);
        state.written += piece.length;
        if (!socket.write(piece)) {
          state.stalled = true;
          socket.once('drain', pump);
          return;
        }
      }
      state.done = true;
    };
    pump();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  );
  return { port: (server.address() as AddressInfo).port, state };
}

describe('SocketTransport', () => {
  it('should stop reading past its buffer bound, so that TCP makes the peer wait, and lose nothing', async () => {
    const total = 64 * 1024 * 1024;
    const { port, state } = await floodServer(total);
    const transport = (await connectTcp({
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 5000,
    })) as SocketTransport;
    closers.push(() => transport.close());
    // Nobody reads: the transport fills to its bound, pauses, and the server's writes stall.
    const deadline = Date.now() + 10_000;
    while (!(transport.isPaused && state.stalled) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(transport.isPaused).toBe(true);
    expect(state.stalled).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(transport.bufferedBytes).toBeGreaterThanOrEqual(MAX_BUFFERED_BYTES);
    // At most one read past the bound (a read is at most 64 KiB).
    expect(transport.bufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + 64 * 1024);
    expect(state.done).toBe(false);
    // Reading again resumes the flow; every byte arrives, in order.
    const digest = createHash('sha256');
    let received = 0;
    for await (const chunk of transport) {
      digest.update(chunk);
      received += chunk.length;
      if (received === total) break;
    }
    expect(received).toBe(total);
    expect(digest.digest('hex')).toBe(state.digest.digest('hex'));
  });
});
