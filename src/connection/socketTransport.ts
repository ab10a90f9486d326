import type { Socket } from 'node:net';
import { AmiConnectionClosedError } from './errors.js';
import type { Transport, TransportConnectOptions } from './transport.js';

/**
 * Bytes read from the socket and not yet taken by the reader, past which the socket is paused: TCP
 * flow control then makes the peer wait. The reader (the parser, routing each event as it is
 * parsed) keeps this near zero while it keeps up; when events come faster than they are routed
 * the socket is still drained into here, so that the peer's writes do not block (Asterisk drops
 * a session whose writes block past its `writetimeout`, 100 ms by default). 16 MiB holds a burst
 * of 500 calls' events (14 MB).
 */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * A {@link Transport} over a connected `net.Socket` (a `tls.TLSSocket` is one too).
 *
 * @example
 * const transport = new SocketTransport(socket);
 * for await (const chunk of transport) parser.push(chunk);
 */
export class SocketTransport implements Transport {
  private readonly socket: Socket;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private waiter: ((result: IteratorResult<Buffer>) => void) | undefined;
  private ended = false;
  private closing = false;
  private error: Error | undefined;
  private readonly closedPromise: Promise<void>;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => {
      this.error ??= error;
    });
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => {
        this.ended = true;
        this.closing = true;
        this.wake();
        resolve();
      });
    });
  }

  get isClosed(): boolean {
    return this.closing || this.socket.destroyed;
  }

  get closeError(): Error | undefined {
    return this.error;
  }

  /** Bytes read from the socket that the reader has not taken yet (at most about 1 MiB). */
  get bufferedBytes(): number {
    return this.queuedBytes;
  }

  /** Whether reading is paused because the reader is behind. */
  get isPaused(): boolean {
    return this.socket.isPaused();
  }

  send(data: string | Uint8Array): void {
    if (this.isClosed || !this.socket.writable) return;
    this.socket.write(data);
  }

  close(error?: Error): Promise<void> {
    if (error) this.error ??= error;
    this.closing = true;
    this.socket.destroy();
    return this.closedPromise;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => {
        const chunk = this.queue.shift();
        if (chunk) {
          this.queuedBytes -= chunk.length;
          if (this.queuedBytes < MAX_BUFFERED_BYTES / 2 && this.socket.isPaused()) {
            this.socket.resume();
          }
          return Promise.resolve({ value: chunk, done: false });
        }
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiter = resolve;
        });
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  private onData(chunk: Buffer): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter({ value: chunk, done: false });
      return;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.queuedBytes >= MAX_BUFFERED_BYTES) this.socket.pause();
  }

  private wake(): void {
    if (this.queue.length > 0) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.({ value: undefined, done: true });
  }
}

/**
 * Waits for a freshly created socket to become ready (`connect` or `secureConnect`), honouring the
 * connect timeout and the abort signal, and wraps it in a {@link SocketTransport}.
 */
export function whenSocketReady(
  socket: Socket,
  readyEvent: 'connect' | 'secureConnect',
  options: TransportConnectOptions,
): Promise<Transport> {
  return new Promise<Transport>((resolve, reject) => {
    const { signal } = options;
    const fail = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void => fail(error);
    const onClose = (): void =>
      fail(new AmiConnectionClosedError(`Connection to ${options.host}:${options.port} closed`));
    const onAbort = (): void =>
      fail(new AmiConnectionClosedError('Connection attempt aborted', { cause: signal?.reason }));
    const timer = setTimeout(
      () =>
        fail(
          new AmiConnectionClosedError(
            `Connecting to ${options.host}:${options.port} took over ${options.connectTimeoutMs} ms`,
          ),
        ),
      options.connectTimeoutMs,
    );
    const onReady = (): void => {
      cleanup();
      resolve(new SocketTransport(socket));
    };
    function cleanup(): void {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off(readyEvent, onReady);
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) {
      onAbort();
      return;
    }
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once(readyEvent, onReady);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
