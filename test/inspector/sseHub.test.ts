import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseHub, type SseSource } from '../../src/inspector/sseHub.js';
import { eventually, subscribe } from './support.js';

/**
 * The bounds of the inspector's event streams, on a real HTTP server with a scripted source: one
 * serialisation per flush whatever the number of clients, a client that does not read dropped
 * before 1 MB waits for it (while the others go on), a cap on clients, and nothing left running.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A source whose every flush is `next()` on each topic; it counts its calls. */
function scriptedSource(next: () => string[]) {
  const calls = { snapshot: 0, flush: 0, idle: [] as string[] };
  const source: SseSource = {
    snapshot: () => {
      calls.snapshot += 1;
      return ['event: reset\ndata: {}\n\n'];
    },
    flush: (topics) => {
      calls.flush += 1;
      return new Map([...topics].map((topic) => [topic, next()]));
    },
    idle: (topic) => calls.idle.push(topic),
  };
  return { source, calls };
}

async function serve(hub: SseHub): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer((request, response) => {
    hub.attach(response, new URL(request.url ?? '/', 'http://x').searchParams.get('t') ?? 'a', {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { server, url: `http://127.0.0.1:${port}/`, port };
}

/** An SSE request whose response is never read: the socket is paused from the start. */
function stalledClient(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`GET /?t=a HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  socket.pause();
  cleanups.push(() => socket.destroy());
  return socket;
}

describe('SseHub', () => {
  it('should serialise each flush once for all its clients and send them the same bytes', async () => {
    let n = 0;
    let armed = false;
    const { source, calls } = scriptedSource(() =>
      armed ? [`event: tick\ndata: ${++n}\n\n`] : [],
    );
    const hub = new SseHub(source, { flushMs: 5 });
    const { url } = await serve(hub);
    const clients = await Promise.all(Array.from({ length: 20 }, () => subscribe(url, '?t=a')));
    cleanups.push(() => {
      for (const client of clients) client.close();
    });
    await eventually(() => hub.stats().clients === 20, 'the clients');
    armed = true;
    const flushesBefore = calls.flush;
    for (let i = 0; i < 10; i++) {
      hub.schedule();
      await eventually(() => calls.flush > flushesBefore + i, 'a flush');
    }
    await eventually(() => clients.every((c) => c.messages.length >= 11), 'the ticks');
    expect(n).toBe(10);
    // One flush built one message for twenty clients; each got the same sequence.
    expect(calls.flush - flushesBefore).toBe(10);
    const ticks = clients.map((c) =>
      c.messages.filter((m) => m.event === 'tick').map((m) => m.data),
    );
    for (const list of ticks) expect(list).toEqual(ticks[0]);
    expect(ticks[0]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('should coalesce changes: many schedules before a flush make one flush', async () => {
    const { source, calls } = scriptedSource(() => []);
    const hub = new SseHub(source, { flushMs: 50 });
    const { url } = await serve(hub);
    const client = await subscribe(url, '?t=a');
    cleanups.push(() => client.close());
    await eventually(() => hub.stats().clients === 1, 'the client');
    const before = calls.flush;
    for (let i = 0; i < 1000; i++) hub.schedule();
    await eventually(() => calls.flush > before, 'the flush');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(calls.flush - before).toBe(1);
  });

  it('should drop a client that reads nothing before 1 MB waits for it, and keep serving the others', async () => {
    const message = `event: bulk\ndata: "${'x'.repeat(32 * 1024)}"\n\n`;
    const { source } = scriptedSource(() => [message, message]);
    const hub = new SseHub(source, { flushMs: 1 });
    const { url, port } = await serve(hub);
    const reader = await subscribe(url, '?t=a');
    cleanups.push(() => reader.close());
    const stalled = stalledClient(port);
    await eventually(() => hub.stats().clients === 2, 'both clients');
    // Flood: far more than the kernel's socket buffers and the hub's bound together.
    for (let i = 0; i < 2000 && hub.stats().dropped === 0; i++) {
      hub.schedule();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const stats = hub.stats();
    expect(stats.dropped).toBe(1);
    expect(stats.peakBufferedBytes).toBeGreaterThan(0);
    expect(stats.peakBufferedBytes).toBeLessThan(1024 * 1024);
    await eventually(() => hub.stats().clients === 1, 'the stalled client gone');
    expect(stalled.destroyed || stalled.readableEnded || stalled.isPaused()).toBe(true);
    // The reader was never dropped and still receives.
    const before = reader.messages.length;
    hub.schedule();
    await eventually(() => reader.messages.length > before, 'the reader served');
    expect(reader.closed()).toBe(false);
  }, 30_000);

  it('should refuse clients past its bound with 503, and tell the source when a topic is idle', async () => {
    const { source, calls } = scriptedSource(() => []);
    const hub = new SseHub(source, { maxClients: 2 });
    const { url } = await serve(hub);
    const first = await subscribe(url, '?t=a');
    const second = await subscribe(url, '?t=b');
    const third = await subscribe(url, '?t=a');
    expect([first.status, second.status, third.status]).toEqual([200, 200, 503]);
    expect(hub.stats()).toMatchObject({ clients: 2, refused: 1 });
    second.close();
    await eventually(() => calls.idle.includes('b'), 'topic b idle');
    expect(calls.idle).toEqual(['b']);
    first.close();
    third.close();
    await eventually(() => hub.stats().clients === 0, 'no client');
    // With no client, a change starts no timer.
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    hub.schedule();
    expect(timers()).toBe(before);
  });

  it('should write a large flush to many clients in slices, yielding to the event loop between them', async () => {
    const message = `event: bulk\ndata: "${'y'.repeat(60 * 1024)}"\n\n`;
    let armed = false;
    let queuedAfterFlush = -1;
    const { source, calls } = scriptedSource(() => {
      if (!armed) return [];
      // Runs once this flush's first slice of writes has yielded.
      setImmediate(() =>
        setImmediate(() => {
          queuedAfterFlush = hub.stats().queuedWrites;
        }),
      );
      return Array.from({ length: 8 }, () => message);
    });
    const hub = new SseHub(source, { flushMs: 1 });
    const { url } = await serve(hub);
    const clients = await Promise.all(Array.from({ length: 30 }, () => subscribe(url, '?t=a')));
    cleanups.push(() => {
      for (const client of clients) client.close();
    });
    await eventually(() => hub.stats().clients === 30, 'the clients');
    // 30 clients x 8 pieces: 240 writes, in slices: the event loop runs between them.
    armed = true;
    const before = calls.flush;
    hub.schedule();
    await eventually(
      () => clients.every((c) => c.messages.filter((m) => m.event === 'bulk').length >= 8),
      'the bulk',
    );
    armed = false;
    expect(calls.flush - before).toBe(1);
    expect(queuedAfterFlush).toBeGreaterThan(0);
    expect(queuedAfterFlush).toBeLessThan(240);
    expect(hub.stats().queuedWrites).toBe(0);
  }, 30_000);
});
