import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES, type SocketTransport } from '../../src/connection/socketTransport.js';
import { connectTcp } from '../../src/connection/tcpTransport.js';
import { cleanUp, connection, server } from './support.js';

afterEach(cleanUp);

/** About 4 KB per event, 12 MB in all: more than loopback's socket buffers hold. */
const EVENTS = 3000;
const PADDING = 'x'.repeat(4000);

/** Busy for `us` microseconds: a runtime that routes slower than the PBX writes. */
function busyFor(us: number): void {
  const until = performance.now() + us / 1000;
  while (performance.now() < until) {
    // Routing work.
  }
}

/**
 * A real Asterisk writes each session's events itself and logs the session off when one write
 * stays blocked past its `writetimeout` (100 ms by default): a reader that lets the socket
 * buffers fill loses its session under a burst. The connection keeps draining the socket into
 * its own bounded buffer while it routes, so the PBX's writes go through long before the
 * events are routed.
 */
describe('a burst of events faster than they are routed', () => {
  it('should be taken off the socket while routing is behind, up to MAX_BUFFERED_BYTES', async () => {
    let written: number | undefined;
    let routed = 0;
    const burst = Array.from(
      { length: EVENTS },
      (_, n) => `Event: UserEvent\r\nUserEvent: burst\r\nN: ${n}\r\nPad: ${PADDING}\r\n\r\n`,
    ).join('');
    const target = await server({
      handlers: {
        UserEvent: (action, client) => {
          client.respond(action, 'Success');
          // The callback runs once the last byte is in the kernel: the PBX's write is done.
          client.socket.write(burst, () => {
            written = routed;
          });
        },
      },
    });
    let transport: SocketTransport | undefined;
    let peak = 0;
    const ami = connection(target, {
      transport: async (options) => {
        transport = (await connectTcp(options)) as SocketTransport;
        return transport;
      },
    });
    ami.bus.on('UserEvent', () => {
      peak = Math.max(peak, transport?.bufferedBytes ?? 0);
      routed += 1;
      busyFor(1000);
    });
    await ami.connect();
    await ami.action('UserEvent', { UserEvent: 'start' });
    const deadline = Date.now() + 60_000;
    while (routed < EVENTS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(routed).toBe(EVENTS);
    // Held in full socket buffers (several MB on loopback), the burst is written only once about
    // three quarters of it are routed; drained, once about 3% are.
    expect(
      written,
      `routed when the burst was written: ${written}; most bytes held unread: ${peak}`,
    ).toBeLessThan(EVENTS / 2);
    expect(burst.length).toBeLessThan(MAX_BUFFERED_BYTES);
  });
});
