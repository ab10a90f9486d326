import { connect } from 'node:net';
import { whenSocketReady } from './socketTransport.js';
import type { Transport, TransportConnectOptions } from './transport.js';

/**
 * Opens a plain TCP {@link Transport} to an AMI server.
 *
 * @example
 * const transport = await connectTcp({ host: '127.0.0.1', port: 5038, connectTimeoutMs: 5000 });
 */
export function connectTcp(options: TransportConnectOptions): Promise<Transport> {
  const socket = connect({ host: options.host, port: options.port });
  return whenSocketReady(socket, 'connect', options);
}
