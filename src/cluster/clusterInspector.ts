import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInbox, type NatsConnection } from '@nats-io/transport-node';
import { listenHttp, SECURITY_HEADERS, sendJson } from '../inspector/httpServing.js';
import { InspectorAccess, inspectorToken } from '../inspector/inspectorAccess.js';
import {
  ClusterClient,
  ClusterTimeoutError,
  NoOwnerError,
  RemoteCommandError,
} from './ClusterClient.js';
import { INSPECT_HEARTBEAT_MS, INSPECT_STREAM_END } from './inspectionOnDemand.js';
import { checkAsteriskId } from './subjects.js';

/** How to start a cluster's inspector. */
export interface ClusterInspectorOptions {
  /** The cluster's NATS connection (a node's `nats`, or one of any process). */
  readonly nats: NatsConnection;
  /** The Asterisks to show. */
  readonly asterisks: readonly string[];
  /** The TCP port (default 0: a free one, see `url`). */
  readonly port?: number;
  /** The address to listen on (default 127.0.0.1); elsewhere it needs a token, as `startInspector`. */
  readonly host?: string;
  /** The token requests must carry (see `startInspector`). */
  readonly token?: string | false;
}

/** A running cluster inspector. */
export interface ClusterInspectorHandle {
  /** The list of Asterisks; with `?token=` when a token is required. */
  readonly url: string;
  readonly port: number;
  readonly token: string | undefined;
  /** Event streams it relays now. */
  streams(): number;
  /** Ends the event streams and closes the server. */
  close(): Promise<void>;
}

/** How soon a page's event stream is opened again while nobody supervises its Asterisk, in ms. */
const RETRY_MS = 2_000;

/** Event streams relayed at most; more are refused (503). */
export const MAX_RELAYED_STREAMS = 32;

function statusOf(error: unknown): number {
  if (error instanceof NoOwnerError) return 503;
  if (error instanceof ClusterTimeoutError) return 504;
  if (error instanceof RemoteCommandError && error.remoteName === 'ClusterCommandRequestError')
    return 400;
  return 502;
}

/**
 * The inspector of a whole cluster, from any node or any process on its NATS: under
 * `/asterisks/<id>/` the ordinary inspector (`startInspector`: page, calls, actors, steps,
 * statecharts, event streams) of the node that supervises that Asterisk, relayed through NATS; at
 * `/` the list of Asterisks, at `/api/cluster/calls` every Asterisk's live channels and flow states.
 *
 * It proxies to the owner rather than gathering every actor in one place: each page or API request
 * is an `inspect` command answered by the lease holder from an inspector it runs while asked (see
 * `InspectionOnDemand`); an event stream (`events`) is an `inspectStream` command after which the
 * owner sends the stream's bytes as requests to an inbox of this process, each answered once
 * written to the browser (back-pressure), with an empty one every 5 s of silence. A stream with
 * nothing for three of those (its owner died or let the Asterisk go) is ended: the page's
 * `EventSource` reconnects, to whoever holds the lease then; while nobody does, a stream is answered
 * empty with a `retry` of 2 s, so that the page keeps trying. Other requests get 503 while nobody
 * supervises the Asterisk, 504 when its owner does not answer in time.
 *
 * @example
 * const inspector = await startClusterInspector({ nats: node.nats, asterisks: ['pbx1', 'pbx2'] });
 * console.log(`${inspector.url}`);
 */
export async function startClusterInspector(
  options: ClusterInspectorOptions,
): Promise<ClusterInspectorHandle> {
  const asterisks = options.asterisks.map(checkAsteriskId);
  const host = options.host ?? '127.0.0.1';
  const token = inspectorToken(host, options.token);
  const client = new ClusterClient(options.nats);
  const relays = new Set<() => void>();
  let access: InspectorAccess | undefined;

  const relayStream = async (
    asterisk: string,
    path: string,
    response: ServerResponse,
  ): Promise<void> => {
    if (relays.size >= MAX_RELAYED_STREAMS)
      return sendJson(response, 503, { error: 'too many event streams' });
    const inbox = createInbox();
    let heardAt = performance.now();
    // Chunks can come before the command's answer: they wait for the response's head.
    let opened: () => void = () => {};
    let writing = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const subscription = options.nats.subscribe(inbox, {
      callback: (error, message) => {
        if (error) return;
        heardAt = performance.now();
        if (message.data.length === 1 && message.data[0] === INSPECT_STREAM_END[0]) {
          void writing.then(end);
          return;
        }
        writing = writing.then(async () => {
          if (message.data.length > 0 && !response.write(message.data))
            await once(response, 'drain').catch(() => {});
          message.respond();
        });
      },
    });
    const watchdog = setInterval(() => {
      if (performance.now() - heardAt > 3 * INSPECT_HEARTBEAT_MS) end();
    }, INSPECT_HEARTBEAT_MS);
    const end = (): void => {
      relays.delete(end);
      clearInterval(watchdog);
      subscription.unsubscribe();
      response.end();
    };
    relays.add(end);
    response.on('close', end);
    const refuse = (status: number, error: string): void => {
      clearInterval(watchdog);
      subscription.unsubscribe();
      relays.delete(end);
      if (status > 0) sendJson(response, status, { error });
    };
    try {
      const answer = await client.command(asterisk, 'inspectStream', { path, inbox });
      if (answer.status !== 200)
        return refuse(answer.status, `the owner's inspector said ${answer.status}`);
    } catch (error) {
      if (!(error instanceof NoOwnerError)) return refuse(statusOf(error), String(error));
      // Mid-failover: an empty stream that asks to be opened again soon. A browser gives up on
      // an `EventSource` answered with an error, but retries one that ends.
      refuse(0, '');
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/event-stream; charset=utf-8',
      });
      response.end(`retry: ${RETRY_MS}\n: nobody supervises ${asterisk} now\n\n`);
      return;
    }
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    opened();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://inspector');
    const verdict = access?.check(request, url) ?? { kind: 'refused', status: 403, reason: '' };
    if (verdict.kind === 'refused')
      return sendJson(response, verdict.status, { error: verdict.reason });
    if (verdict.kind === 'exchange') {
      response.writeHead(303, {
        ...SECURITY_HEADERS,
        'Set-Cookie': verdict.cookie,
        Location: verdict.location,
      });
      return void response.end();
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return sendJson(response, 405, { error: 'method not allowed' });
    }
    if (url.pathname === '/') {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': "default-src 'none'",
      });
      return void response.end(indexPage(asterisks));
    }
    if (url.pathname === '/api/cluster/calls') {
      const listings = await Promise.allSettled(asterisks.map((id) => client.channels(id)));
      return sendJson(response, 200, {
        asterisks: asterisks.map((id, index) => {
          const listing = listings[index]!;
          return listing.status === 'fulfilled'
            ? { id, calls: listing.value }
            : { id, error: String(listing.reason) };
        }),
      });
    }
    const match = /^\/asterisks\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const asterisk = match?.[1];
    if (!match || asterisk === undefined || !asterisks.includes(asterisk))
      return sendJson(response, 404, { error: 'not found' });
    if (match[2] === undefined) {
      response.writeHead(308, { ...SECURITY_HEADERS, Location: `/asterisks/${asterisk}/` });
      return void response.end();
    }
    const path = `${match[2]}${url.search}`;
    if (match[2] === '/events') return relayStream(asterisk, path, response);
    try {
      const answer = await client.command(asterisk, 'inspect', { path });
      response.writeHead(answer.status, {
        ...SECURITY_HEADERS,
        'Content-Type': answer.type,
        ...(answer.policy === undefined ? {} : { 'Content-Security-Policy': answer.policy }),
      });
      response.end(answer.body);
    } catch (error) {
      sendJson(response, statusOf(error), { error: String(error) });
    }
  };

  const http = await listenHttp(handle, host, options.port ?? 0);
  const { port } = http;
  access = new InspectorAccess({ host, port, token });
  let closing: Promise<void> | undefined;
  return {
    url: http.pageUrl(token),
    port,
    token,
    streams: () => relays.size,
    close: () => {
      closing ??= (async () => {
        for (const end of [...relays]) end();
        await http.close();
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
<body><h1>octostate cluster</h1>
<p>Each Asterisk's inspector, served by the node that supervises it (<a href="api/cluster/calls">every live call, as JSON</a>):</p>
<ul>${links}</ul></body>
</html>
`;
}
