import { isIP } from 'node:net';
import { type ConnectionOptions, connect } from 'node:tls';
import { whenSocketReady } from './socketTransport.js';
import type { Transport, TransportConnectOptions } from './transport.js';

/**
 * Opens a TLS {@link Transport} to an AMI server (Asterisk's `tlsenable`, port 5039 by default).
 * The certificate is verified unless `tlsOptions` says otherwise (`ca` for a private CA,
 * `rejectUnauthorized: false` to skip the check, which you should not do in production).
 *
 * @example
 * const transport = await connectTls(
 *   { host: 'pbx.example.com', port: 5039, connectTimeoutMs: 5000 },
 *   { ca: readFileSync('ca.pem') },
 * );
 */
export function connectTls(
  options: TransportConnectOptions,
  tlsOptions: ConnectionOptions = {},
): Promise<Transport> {
  const socket = connect({
    // SNI must be a host name, never an IP literal.
    ...(isIP(options.host) ? {} : { servername: options.host }),
    ...tlsOptions,
    host: options.host,
    port: options.port,
  });
  return whenSocketReady(socket, 'secureConnect', options);
}
