/**
 * A byte pipe to an AMI server, hiding the socket (TCP, TLS, or a fake in tests).
 *
 * Bytes come in by async iteration; the iteration ends when the transport closes, for whatever
 * reason, and {@link Transport.closeError} then tells why (`undefined` for an orderly close).
 *
 * @example
 * const transport = await connectTcp({ host: '127.0.0.1', port: 5038, connectTimeoutMs: 5000 });
 * transport.send('Action: Ping\r\n\r\n');
 * for await (const chunk of transport) parser.push(chunk);
 * log.info({ err: transport.closeError }, 'transport closed');
 */
export interface Transport extends AsyncIterable<Buffer> {
  /** Queue bytes for the peer. Never throws: bytes written to a closed transport are dropped. */
  send(data: string | Uint8Array): void;
  /**
   * Close the transport (idempotent); iteration ends. `error`, if given and none was recorded
   * before, becomes {@link Transport.closeError}. Resolves once the underlying socket is closed.
   */
  close(error?: Error): Promise<void>;
  /** Whether the transport is closed or closing. */
  readonly isClosed: boolean;
  /** Why the transport closed: the socket error, or the error passed to `close`. */
  readonly closeError: Error | undefined;
}

/** Where and how to open a transport. */
export interface TransportConnectOptions {
  host: string;
  port: number;
  /** Give up (reject) if the connection is not established within this time. */
  connectTimeoutMs: number;
  /** Aborting rejects a pending connect and destroys the socket. */
  signal?: AbortSignal;
}

/** Opens a transport; {@link AmiConnection} calls it once per connection attempt. */
export type TransportFactory = (options: TransportConnectOptions) => Promise<Transport>;
