import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Headers on every answer of the inspectors: nothing sniffed, cached or referred elsewhere. */
export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
} as const;

/** Answers with `body` as JSON. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
  });
  response.end(JSON.stringify(body));
}

/** An HTTP server listening, with what its users print and how to stop it. */
export interface ListeningHttp {
  readonly server: Server;
  readonly port: number;
  /** `http://host:port/`, with `?token=` when there is one (an IPv6 host in brackets). */
  pageUrl(token: string | undefined): string;
  /** Stops listening and ends every connection (event streams included). */
  close(): Promise<void>;
}

/**
 * Serves `handle` on `host:port` (port 0: any free one). A handler that throws or rejects gets a
 * 500 when nothing was sent yet, else its response is ended: one request's failure never reaches
 * the server.
 */
export async function listenHttp(
  handle: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>,
  host: string,
  port: number,
): Promise<ListeningHttp> {
  const failed = (response: ServerResponse, error: unknown): void => {
    if (!response.headersSent) sendJson(response, 500, { error: (error as Error).message });
    else response.end();
  };
  const server = createServer((request, response) => {
    try {
      const handled = handle(request, response);
      if (handled) handled.catch((error: unknown) => failed(response, error));
    } catch (error) {
      failed(response, error);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    pageUrl: (token) =>
      `http://${shownHost}:${bound}/${token === undefined ? '' : `?token=${token}`}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
