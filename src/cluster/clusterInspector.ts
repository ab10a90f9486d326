import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromLoopback, PAGE_HEADERS, sendJson } from '../inspector/loopbackHttp.js';
import { inspectorPage } from '../inspector/page.js';
import {
  type ClusterClient,
  ClusterTimeoutError,
  NoOwnerError,
  RemoteCommandError,
} from './ClusterClient.js';
import type { InspectQuery } from './commandTypes.js';
import { RemoteActorStream } from './remoteActorStream.js';
import { checkAsteriskId } from './subjects.js';

/** How to start a cluster's inspector. */
export interface ClusterInspectorOptions {
  /** A client on the cluster's NATS (a node's `client`, or one of any process). */
  readonly client: ClusterClient;
  /** The Asterisks to show. */
  readonly asterisks: readonly string[];
  /** The TCP port on 127.0.0.1 (default 0: a free one, see `url`). */
  readonly port?: number;
  /** How often a page's event stream asks the owner for its actors, in ms (default 500). */
  readonly pollMs?: number;
}

/** A running cluster inspector. */
export interface ClusterInspectorHandle {
  /** `http://127.0.0.1:<port>/`: the list of Asterisks. */
  readonly url: string;
  readonly port: number;
  /** Ends the event streams and closes the server. */
  close(): Promise<void>;
}

const ACTOR_PATHS: Record<string, (id: string | undefined) => InspectQuery | undefined> = {
  actors: (id) => (id === undefined ? { what: 'actors' } : { what: 'actor', id }),
  machines: (id) => (id === undefined ? { what: 'machines' } : { what: 'machine', id }),
};

/**
 * The inspector of a whole cluster, from any node (or any process on its NATS), on 127.0.0.1. It
 * proxies to the node that supervises each Asterisk rather than gathering every actor in one place:
 * each question is a NATS request (`inspect`) answered by that Asterisk's lease holder, from an
 * actor registry it runs while someone asks.
 *
 * - `GET /`: links to each Asterisk's page; `GET /api/calls`: the live channels of every Asterisk
 *   with their call flow's state (`{ asterisks: [{ id, calls } | { id, error }] }`);
 * - `GET /asterisks/<id>/`: the inspector's page for that Asterisk, with its API under the same
 *   prefix (`api/actors`, `api/actors/:id`, `api/machines/:id`, `events`) as `startInspector`
 *   serves it for one runtime. The event stream asks the owner every `pollMs` (see
 *   `RemoteActorStream`) and follows the lease through a failover.
 *
 * Answers 503 when nobody supervises the Asterisk now, 504 when its owner does not answer in time,
 * 404 for an Asterisk it does not show or an unknown actor. Same guards as `startInspector`:
 * loopback clients naming a loopback `Host`, `GET` only.
 *
 * @example
 * const inspector = await startClusterInspector({ client: node.client, asterisks: ['pbx1', 'pbx2'] });
 * console.log(`${inspector.url}asterisks/pbx2/`);
 */
export async function startClusterInspector(
  options: ClusterInspectorOptions,
): Promise<ClusterInspectorHandle> {
  const asterisks = options.asterisks.map(checkAsteriskId);
  const streams = new Map(
    asterisks.map((id) => [id, new RemoteActorStream(options.client, id, options.pollMs ?? 500)]),
  );
  const page = inspectorPage();
  let port = 0;

  const failed = (response: ServerResponse, error: unknown): void => {
    const status =
      error instanceof NoOwnerError ? 503 : error instanceof ClusterTimeoutError ? 504 : 502;
    const message =
      error instanceof RemoteCommandError ? `${error.remoteName}: ${error.message}` : String(error);
    sendJson(response, status, { error: message });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!fromLoopback(request, port)) return sendJson(response, 403, { error: 'forbidden' });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return sendJson(response, 405, { error: 'method not allowed' });
    }
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    let parts: string[];
    try {
      parts = path.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return sendJson(response, 400, { error: 'bad path' });
    }
    if (path === '/') {
      response.writeHead(200, PAGE_HEADERS);
      return void response.end(indexPage(asterisks));
    }
    if (path === '/api/calls') {
      const listings = await Promise.allSettled(asterisks.map((id) => options.client.channels(id)));
      return sendJson(response, 200, {
        asterisks: asterisks.map((id, index) => {
          const listing = listings[index]!;
          return listing.status === 'fulfilled'
            ? { id, calls: listing.value }
            : { id, error: String(listing.reason) };
        }),
      });
    }
    const [root, asterisk, section, kind, id, ...rest] = parts;
    const stream = asterisk === undefined ? undefined : streams.get(asterisk);
    if (root !== 'asterisks' || asterisk === undefined || !stream)
      return sendJson(response, 404, { error: 'not found' });
    if (section === undefined) {
      response.writeHead(308, { Location: `/asterisks/${encodeURIComponent(asterisk)}/` });
      return void response.end();
    }
    if (section === '' && parts.length === 3) {
      response.writeHead(200, PAGE_HEADERS);
      return void response.end(page);
    }
    if (section === 'events' && parts.length === 3) {
      if (!stream.attach(response))
        sendJson(response, 503, { error: 'too many event streams on this Asterisk' });
      return;
    }
    const query =
      section === 'api' && kind && rest.length === 0 ? ACTOR_PATHS[kind]?.(id) : undefined;
    if (!query) return sendJson(response, 404, { error: 'not found' });
    try {
      const answer = await options.client.inspect(asterisk, query);
      if (answer === null) sendJson(response, 404, { error: `no ${query.what} ${id}` });
      else sendJson(response, 200, answer);
    } catch (error) {
      failed(response, error);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: (error as Error).message });
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () => {
      closing ??= (async () => {
        for (const stream of streams.values()) stream.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

function indexPage(asterisks: readonly string[]): string {
  const links = asterisks.map((id) => `<li><a href="asterisks/${id}/">${id}</a></li>`).join('');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>octostate cluster inspector</title></head>
<body><h1>octostate cluster</h1><p>Each Asterisk's actors, as the node that supervises it shows them (<a href="api/calls">every call, as JSON</a>):</p><ul>${links}</ul></body>
</html>
`;
}
