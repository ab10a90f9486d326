import { createServer, type Server, type Socket } from 'node:net';
import { FastAgiProtocolError } from '../../protocol/errors.js';
import { FastAgiReader, type FastAgiReaderOptions } from '../../protocol/fastAgiReader.js';
import { FastAgiSession, type FastAgiSessionOptions } from './FastAgiSession.js';

/** The port res_agi connects to when an `agi://` URL names none. */
export const DEFAULT_FASTAGI_PORT = 4573;

/** Where and how a FastAGI server listens, and its bounds. */
export interface FastAgiServerOptions {
  /** Port to listen on; 0 picks a free one. Default 4573, res_agi's. */
  readonly port?: number;
  /** Address to listen on. Default 127.0.0.1: give another only on a trusted network. */
  readonly host?: string;
  /**
   * How long a new connection may take to send its whole environment (up to the blank line), in
   * ms; a peer that does not is cut off with a `FastAgiProtocolError` (`environment-timeout`).
   * Default 5,000 (Asterisk sends it at once).
   */
  readonly environmentTimeoutMs?: number;
  /** Connections at once; one more is closed at once and reported. Default 10,000. */
  readonly maxConnections?: number;
  /** Bounds of what is read from Asterisk (line length, environment size). */
  readonly reader?: FastAgiReaderOptions;
  /** Command timeout and queue bound of each session. */
  readonly session?: FastAgiSessionOptions;
}

/** What a FastAGI server reports. */
export interface FastAgiServerHandlers {
  /** A connection sent a valid environment: serve the call, and close the session when done. */
  session(session: FastAgiSession): void;
  /** A connection was refused: bad or missing environment, too many connections, bad input. */
  rejected?(error: Error, remote: string): void;
}

/** A listening FastAGI server. */
export interface FastAgiServer {
  /** The port it listens on (the one picked when `port` was 0). */
  readonly port: number;
  readonly host: string;
  /** Connections open now, with an environment read or not. */
  readonly connections: number;
  /** Stops listening and ends every connection (their pending commands reject). */
  close(): Promise<void>;
}

const REQUIRED_KEYS = ['agi_request', 'agi_channel', 'agi_uniqueid'] as const;

/**
 * Listens for FastAGI connections (Asterisk's `AGI(agi://host:port/script?query)`) and hands each
 * one, once its `agi_*` environment is read and checked, to `handlers.session` as a
 * {@link FastAgiSession}. Every buffer is bounded (see {@link FastAgiServerOptions}); a malformed
 * environment, a peer that never ends it, or an oversize line closes that connection with a
 * `FastAgiProtocolError` reported to `handlers.rejected`, and nothing else.
 *
 * @example
 * const server = await startFastAgiServer({ port: 4573 }, {
 *   session: async (session) => {
 *     await session.run('ANSWER');
 *     await session.close();
 *   },
 * });
 */
export async function startFastAgiServer(
  options: FastAgiServerOptions,
  handlers: FastAgiServerHandlers,
): Promise<FastAgiServer> {
  const host = options.host ?? '127.0.0.1';
  const maxConnections = options.maxConnections ?? 10_000;
  const sockets = new Set<Socket>();
  const reject = (socket: Socket, error: Error): void => {
    handlers.rejected?.(error, `${socket.remoteAddress}:${socket.remotePort}`);
    socket.destroy();
  };
  const server: Server = createServer({ allowHalfOpen: false }, (socket) => {
    if (sockets.size >= maxConnections) {
      reject(socket, new Error(`FastAGI: more than ${maxConnections} connections at once`));
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    accept(socket, options, handlers.session, (error) => reject(socket, error));
  });
  await new Promise<void>((resolve, fail) => {
    server.once('error', fail);
    // A burst of calls connects at once: a backlog the size of the connection bound (the kernel
    // caps it at somaxconn) keeps the later ones from being refused while the first are accepted.
    server.listen(
      { port: options.port ?? DEFAULT_FASTAGI_PORT, host, backlog: maxConnections },
      () => {
        server.off('error', fail);
        resolve();
      },
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    get connections() {
      return sockets.size;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** Reads a connection's environment (bounded in time and size), then makes it a session. */
function accept(
  socket: Socket,
  options: FastAgiServerOptions,
  onSession: (session: FastAgiSession) => void,
  onReject: (error: Error) => void,
): void {
  let sink: { reply(text: string): void; hangup(): void; failed(error: Error): void } | undefined;
  let settled = false;
  const timer = setTimeout(() => {
    fail(
      new FastAgiProtocolError(
        `FastAGI: no complete environment within ${options.environmentTimeoutMs ?? 5_000} ms`,
        'environment-timeout',
        '',
      ),
    );
  }, options.environmentTimeoutMs ?? 5_000);
  timer.unref?.();
  const fail = (error: Error): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    onReject(error);
  };
  const reader = new FastAgiReader(
    {
      environment: (env) => {
        const missing = REQUIRED_KEYS.filter((key) => !env[key]);
        if (missing.length > 0) {
          const excerpt = JSON.stringify(env).slice(0, 200);
          fail(
            new FastAgiProtocolError(
              `FastAGI: the environment lacks ${missing.join(', ')}`,
              'bad-environment',
              excerpt,
            ),
          );
          return;
        }
        settled = true;
        clearTimeout(timer);
        const session = new FastAgiSession(
          socket,
          { attach: (attached) => (sink = attached) },
          env,
          options.session,
        );
        onSession(session);
      },
      reply: (text) => sink?.reply(text),
      hangup: () => sink?.hangup(),
      error: (error) => (sink ? sink.failed(error) : fail(error)),
    },
    options.reader,
  );
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('close', () => {
    if (!settled) {
      fail(
        new FastAgiProtocolError(
          'FastAGI: the connection closed before its environment ended',
          'bad-environment',
          '',
        ),
      );
    }
  });
}
