import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../runtime/createRuntime.js';
import { ActorRegistry, type RegistryChange } from './actorRegistry.js';
import { inspectorPage } from './page.js';
import { statechartGraph } from './statechartGraph.js';

/** How to start the inspector. */
export interface InspectorOptions {
  /** The runtime to show. */
  readonly runtime: Runtime;
  /** The TCP port on 127.0.0.1 (default 0: a free one, see `url`). */
  readonly port?: number;
  /** Only the loopback interface: the inspector shows calls, it is not for the network. */
  readonly host?: '127.0.0.1';
  /** How often SSE clients get the changes, in ms (default 100). */
  readonly flushMs?: number;
}

/** A running inspector. */
export interface InspectorHandle {
  /** `http://127.0.0.1:<port>/`: the page. */
  readonly url: string;
  readonly port: number;
  /** What it shows (for tests and embedding). */
  readonly registry: ActorRegistry;
  /** Stops following the runtime, ends the event streams and closes the server. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Batches registry changes for the SSE clients: one flush per `flushMs` at most, each actor's
 * updates merged into one message carrying its state and the events it received since the last
 * flush; `added`/`removed` keep their order. No timer runs without a client.
 */
class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private pending: RegistryChange[] = [];
  private readonly dirty = new Set<string>();
  /** Actors the clients were told about (an actor added and removed between flushes is not). */
  private readonly shown = new Set<string>();
  private flushedSeq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private messageId = 0;

  constructor(
    private readonly registry: ActorRegistry,
    private readonly flushMs: number,
  ) {}

  readonly onChange = (change: RegistryChange): void => {
    if (this.clients.size === 0) return;
    if (change.kind === 'removed') {
      this.dirty.delete(change.id);
      this.pending.push(change);
    } else if (!this.dirty.has(change.id)) {
      this.dirty.add(change.id);
      this.pending.push(change);
    }
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  };

  attach(response: ServerResponse): void {
    this.flush();
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    const actors = this.registry.list();
    if (this.clients.size === 0) {
      this.shown.clear();
      this.flushedSeq = this.registry.lastSeq;
    }
    for (const actor of actors) this.shown.add(actor.id);
    this.clients.add(response);
    this.write(response, 'snapshot', { actors });
    response.on('close', () => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.reset();
    });
  }

  private write(response: ServerResponse, kind: string, data: unknown): void {
    this.messageId += 1;
    response.write(`id: ${this.messageId}\nevent: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private broadcast(kind: string, data: unknown): void {
    for (const client of this.clients) this.write(client, kind, data);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const changes = this.pending;
    this.pending = [];
    this.dirty.clear();
    const since = this.flushedSeq;
    this.flushedSeq = this.registry.lastSeq;
    for (const { kind, id } of changes) {
      if (kind === 'removed') {
        if (this.shown.delete(id)) this.broadcast('removed', { id });
        continue;
      }
      const actor = this.registry.get(id);
      if (!actor) continue;
      const added = !this.shown.has(id);
      this.shown.add(id);
      this.broadcast(added ? 'added' : 'updated', {
        actor,
        events: this.registry.events(id, since),
      });
    }
  }

  private reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.dirty.clear();
    this.shown.clear();
  }

  close(): void {
    this.reset();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
  });
  response.end(JSON.stringify(body));
}

/**
 * Serves a live view of a runtime's actors on 127.0.0.1: the supervisor, each channel actor
 * grouped by call, each call-logic actor under its channel, each with its statechart (active
 * states highlighted), its context and its recent events.
 *
 * - `GET /`: the page;
 * - `GET /api/actors`: every actor now (`{ actors: ActorInfo[] }`); `/api/actors/:id` one, with
 *   its recent events;
 * - `GET /api/machines/:id`: a machine's structure (`StatechartJson`), `/api/machines` their ids;
 * - `GET /events`: Server-Sent Events: a `snapshot`, then `added`, `updated` (state, context and
 *   new events, at most every 100 ms per actor) and `removed`.
 *
 * Only loopback clients with a loopback `Host` are answered (no DNS rebinding). Contexts and
 * events are summarised by `safeJson`: no AMI secret, no connection internals. Until started, the
 * runtime does not pay for it; once closed, nothing of it remains.
 *
 * @example
 * const inspector = await startInspector({ runtime, port: 8089 });
 * console.log(`inspector at ${inspector.url}`);
 * // ...
 * await inspector.close();
 */
export async function startInspector(options: InspectorOptions): Promise<InspectorHandle> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new TypeError('The inspector only listens on 127.0.0.1');
  const registry = new ActorRegistry(options.runtime);
  const stream = new EventStream(registry, options.flushMs ?? 100);
  const page = inspectorPage();

  const server = createServer((request, response) => {
    try {
      handle(request, response);
    } catch (error) {
      if (!response.headersSent) send(response, 500, { error: (error as Error).message });
      else response.end();
    }
  });
  let port = 0;
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const hostHeader = (request.headers.host ?? '').toLowerCase();
    if (
      !LOOPBACK.has(request.socket.remoteAddress ?? '') ||
      ![`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(hostHeader)
    ) {
      send(response, 403, { error: 'forbidden' });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      send(response, 405, { error: 'method not allowed' });
      return;
    }
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    let parts: string[];
    try {
      parts = path.split('/').map(decodeURIComponent);
    } catch {
      send(response, 400, { error: 'bad path' });
      return;
    }
    const [, first, second, id] = parts;
    if (path === '/') {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy':
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      });
      response.end(page);
    } else if (path === '/events') {
      stream.attach(response);
    } else if (path === '/api/actors') {
      send(response, 200, { actors: registry.list() });
    } else if (first === 'api' && second === 'actors' && id !== undefined) {
      const actor = registry.get(id);
      if (actor) send(response, 200, { actor, events: registry.events(id) });
      else send(response, 404, { error: `no actor ${id}` });
    } else if (path === '/api/machines') {
      send(response, 200, { machines: registry.machineIds() });
    } else if (first === 'api' && second === 'machines' && id !== undefined) {
      const machine = registry.machine(id);
      if (machine) send(response, 200, statechartGraph(machine));
      else send(response, 404, { error: `no machine ${id}` });
    } else {
      send(response, 404, { error: 'not found' });
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const unsubscribe = registry.subscribe(stream.onChange);
  registry.start();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/`,
    port,
    registry,
    close: () => {
      closing ??= (async () => {
        unsubscribe();
        registry.close();
        stream.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
