import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '../runtime/createRuntime.js';
import { ActorRegistry, type ActorRegistryOptions } from './actorRegistry.js';
import { DiagramCache } from './diagramCache.js';
import { listenHttp, SECURITY_HEADERS, sendJson } from './httpServing.js';
import { InspectorAccess, inspectorToken } from './inspectorAccess.js';
import { InspectorFeed, LIST_TOPIC } from './inspectorFeed.js';
import { inspectorPage } from './page.js';
import { RuntimeWatch } from './runtimeWatch.js';
import { SseHub, type SseHubOptions, type SseHubStats } from './sseHub.js';
import { statechartGraph } from './statechartGraph.js';

/** How to start the inspector. */
export interface InspectorOptions extends SseHubOptions, ActorRegistryOptions {
  /** The runtime to show. */
  readonly runtime: Runtime;
  /** The TCP port (default 0: a free one, see `url`). */
  readonly port?: number;
  /**
   * The address to listen on (default `127.0.0.1`). Anything but loopback requires a token: one
   * is made up when `token` is not given.
   */
  readonly host?: string;
  /**
   * A token every request must carry (`Authorization: Bearer`, the cookie set by opening the
   * page with `?token=`, or `?token=`). Default: none on loopback, a random one elsewhere;
   * `false` refuses to make one up (loopback only).
   */
  readonly token?: string | false;
}

/** What a running inspector did, for monitoring and tests. */
export interface InspectorStats extends SseHubStats {
  /** Inspection events it failed to follow (always 0 unless it has a bug; never the runtime's). */
  readonly watchFailures: number;
}

/** A running inspector. */
export interface InspectorHandle {
  /** The page's address; with `?token=` when a token is required, so that it opens as is. */
  readonly url: string;
  readonly port: number;
  /** The token requests must carry, if any. */
  readonly token: string | undefined;
  /** What it shows (for tests and embedding). */
  readonly registry: ActorRegistry;
  /** Its event streams (clients, those refused or dropped, the most bytes buffered for one). */
  stats(): InspectorStats;
  /** Stops following the runtime, ends the event streams and closes the server. */
  close(): Promise<void>;
}

const PAGE_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";

function sendDiagram(response: ServerResponse, svg: Promise<string>): void {
  svg.then(
    (text) => {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'image/svg+xml; charset=utf-8',
      });
      response.end(text);
    },
    (error: unknown) =>
      sendJson(response, 500, { error: `could not draw: ${(error as Error).message}` }),
  );
}

function notFound(response: ServerResponse, what = 'not found'): void {
  sendJson(response, 404, { error: what });
}

/**
 * Serves a live view of a runtime's actors: the supervisor, each call with its channel actors,
 * call logic and what that invokes, each with its statechart, context and steps; ended calls stay
 * browsable (200 or 10 minutes by default, see `maxEndedCalls`, `endedRetentionMs`).
 *
 * - `GET /`: the page;
 * - `GET /events`: Server-Sent Events of every actor in a line (`reset`, then `actors` messages
 *   `{ upsert, removed }`); `GET /events?call=<Linkedid>`: one call in full (its actors with
 *   state value and context, and its `steps`);
 * - `GET /api/actors`, `/api/actors/:id`; `/api/calls`, `/api/calls/:id`,
 *   `/api/calls/:id/steps/:seq` (the event and the context after it);
 * - `GET /api/machines`, `/api/machines/:id` (a statechart as JSON), `/api/machines/:id/diagram`
 *   (drawn: the SVG of `octostate diagram`); `GET /api/stats`.
 *
 * Read-only. Bound to loopback by default (only loopback peers with a loopback `Host`); elsewhere
 * only with a token (see `token`). Contexts and events are summarised by `safeJson`: secrets
 * masked, no connection internals. Streams are bounded (see `SseHub`). Until started, the runtime
 * does not pay for it; once closed, nothing of it remains.
 *
 * @example
 * const inspector = await startInspector({ runtime, port: 8089 });
 * console.log(`inspector at ${inspector.url}`);
 * // ...
 * await inspector.close();
 */
export async function startInspector(options: InspectorOptions): Promise<InspectorHandle> {
  const host = options.host ?? '127.0.0.1';
  const token = inspectorToken(host, options.token);
  const registry = new ActorRegistry(options);
  const watch = new RuntimeWatch(options.runtime, registry);
  const feed = new InspectorFeed(registry);
  const hub = new SseHub(feed, options);
  const page = inspectorPage();
  const diagrams = new DiagramCache();
  let access: InspectorAccess | undefined;

  const routes = (path: string[], url: URL, response: ServerResponse): void => {
    const [first, second, id, fourth, seq] = path;
    if (path.length === 0) {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': PAGE_POLICY,
      });
      response.end(page);
    } else if (first === 'events' && path.length === 1) {
      const call = url.searchParams.get('call');
      hub.attach(response, call === null ? LIST_TOPIC : `call:${call}`, SECURITY_HEADERS);
    } else if (first !== 'api' || second === undefined) {
      notFound(response);
    } else if (second === 'stats' && path.length === 2) {
      sendJson(response, 200, {
        streams: hub.stats(),
        calls: registry.calls.sizes,
        watchFailures: watch.failures,
      });
    } else if (second === 'actors' && path.length === 2) {
      sendJson(response, 200, { actors: registry.list() });
    } else if (second === 'actors' && id !== undefined && path.length === 3) {
      const actor = registry.get(id);
      if (actor) sendJson(response, 200, { actor, events: registry.events(id) });
      else notFound(response, `no actor ${id}`);
    } else if (second === 'calls' && path.length === 2) {
      sendJson(response, 200, { calls: registry.calls.list() });
    } else if (second === 'calls' && id !== undefined && path.length === 3) {
      const call = registry.calls.get(id);
      if (call)
        sendJson(response, 200, {
          call,
          actors: registry.callActors(id),
          steps: registry.callSteps(id),
        });
      else notFound(response, `no call ${id}`);
    } else if (second === 'calls' && id !== undefined && fourth === 'steps' && path.length === 5) {
      const step = registry.step(id, Number(seq));
      if (step) sendJson(response, 200, step);
      else notFound(response, `no step ${seq} in call ${id}`);
    } else if (second === 'machines' && path.length === 2) {
      sendJson(response, 200, { machines: registry.machineIds() });
    } else if (second === 'machines' && id !== undefined && path.length === 3) {
      const machine = registry.machine(id);
      if (machine) sendJson(response, 200, statechartGraph(machine));
      else notFound(response, `no machine ${id}`);
    } else if (
      second === 'machines' &&
      id !== undefined &&
      fourth === 'diagram' &&
      path.length === 4
    ) {
      const machine = registry.machine(id);
      if (machine) sendDiagram(response, diagrams.svg(machine));
      else notFound(response, `no machine ${id}`);
    } else {
      notFound(response);
    }
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://inspector');
    const verdict = access?.check(request, url) ?? { kind: 'refused', status: 403, reason: '' };
    if (verdict.kind === 'refused') {
      sendJson(response, verdict.status, { error: verdict.reason });
      return;
    }
    if (verdict.kind === 'exchange') {
      response.writeHead(303, {
        ...SECURITY_HEADERS,
        'Set-Cookie': verdict.cookie,
        Location: verdict.location,
      });
      response.end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendJson(response, 405, { error: 'method not allowed' });
      return;
    }
    let path: string[];
    try {
      path = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      sendJson(response, 400, { error: 'bad path' });
      return;
    }
    routes(path, url, response);
  };

  const http = await listenHttp(handle, host, options.port ?? 0);
  const { port } = http;
  access = new InspectorAccess({ host, port, token });
  const unsubscribe = registry.subscribe((change) => {
    feed.onChange(change);
    hub.schedule();
  });
  watch.start();

  let closing: Promise<void> | undefined;
  return {
    url: http.pageUrl(token),
    port,
    token,
    registry,
    stats: () => ({ ...hub.stats(), watchFailures: watch.failures }),
    close: () => {
      closing ??= (async () => {
        unsubscribe();
        watch.stop();
        registry.clear();
        hub.close();
        await diagrams.close();
        await http.close();
      })();
      return closing;
    },
  };
}
