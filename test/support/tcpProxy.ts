import { once } from 'node:events';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A loopback TCP proxy for fault injection and taps: forwards 127.0.0.1:<port> to a target port,
 * shows the client's bytes to `tap`, and can cut the link (every connection destroyed, new ones
 * refused at once) and heal it, as a network partition would.
 */
export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and refuses new ones until {@link TcpProxy.heal}. */
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(options: {
  targetPort: number;
  /** Sees each chunk the client sends, in order, per connection (`id` tells connections apart). */
  tap?: (chunk: Buffer, id: number) => void;
}): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  let nextId = 0;
  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const id = nextId++;
    const upstream = tcpConnect({ host: '127.0.0.1', port: options.targetPort });
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      options.tap?.(chunk, id);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', drop);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cut: () => {
      cut = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    heal: () => {
      cut = false;
    },
    close: async () => {
      cut = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      server.close();
      await once(server, 'close');
    },
  };
}
