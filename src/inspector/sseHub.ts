import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What an {@link SseHub} streams: messages per topic, already framed (`event: ...\ndata: ...\n\n`). */
export interface SseSource {
  /** The messages that bring a new client of `topic` up to date. */
  snapshot(topic: string): string[];
  /** The messages for each of `topics` since the last flush (serialised once for all clients). */
  flush(topics: ReadonlySet<string>): Map<string, string[]>;
  /** No client is left on `topic`: what was sent on it can be forgotten. */
  idle(topic: string): void;
}

/** Bounds of an {@link SseHub}. */
export interface SseHubOptions {
  /** Streams open at once; more are answered 503 (default 200). */
  readonly maxClients?: number;
  /**
   * Bytes that may wait in the server for one client; a client past it when more is due is
   * dropped (its browser reconnects and starts from a new snapshot). Default 256 KiB.
   */
  readonly maxBufferedBytes?: number;
  /** Least time between two flushes, in ms (default 100). */
  readonly flushMs?: number;
}

/** What an {@link SseHub} did, for monitoring and tests. */
export interface SseHubStats {
  readonly clients: number;
  /** Writes of pieces to clients waiting for their turn (a flush is written in slices). */
  readonly queuedWrites: number;
  /** Streams refused because `maxClients` were open. */
  readonly refused: number;
  /** Clients dropped because more than `maxBufferedBytes` waited for them. */
  readonly dropped: number;
  /** The most bytes that ever waited in the server for one client. */
  readonly peakBufferedBytes: number;
  readonly flushes: number;
  /** The longest flush (serialising and writing), in ms. */
  readonly maxFlushMs: number;
}

interface Client {
  readonly response: ServerResponse;
  readonly socket: Socket;
  readonly topic: string;
}

/** Messages are written in pieces of about this size, each checked against the client's bound. */
const PIECE_BYTES = 64 * 1024;
/** The longest stretch of writing before yielding to the event loop: in ms, and in writes. */
const SLICE_MS = 4;
const SLICE_WRITES = 50;
/** The share of time flushing may take: the next flush waits this many times the last one's length. */
const BACKOFF_FACTOR = 10;

/**
 * Server-Sent Events to many clients at a bounded cost for the process that serves them: changes
 * are batched (one flush per `flushMs` at most, or longer while flushes are slow, so that
 * streaming takes at most about a tenth of the event loop), each message is serialised once and
 * the same bytes written to every client of its topic, the bytes waiting for one client are
 * capped (a client that does not read is dropped; its browser reconnects and resyncs from a new
 * snapshot) and so is the number of clients. No timer runs without a client.
 *
 * @example
 * const hub = new SseHub(source, { maxClients: 50 });
 * server.on('request', (request, response) => hub.attach(response, ''));
 * registry.subscribe(() => hub.schedule());
 */
export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly maxClients: number;
  private readonly maxBuffered: number;
  private readonly flushMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writer: ReturnType<typeof setImmediate> | undefined;
  /** Pieces being written, each to its clients in turn. */
  private jobs: Array<{ readonly piece: Buffer; readonly clients: Client[]; next: number }> = [];
  /** Time spent on the current flush (building and writing), in ms. */
  private busyMs = 0;
  /** Whether something changed since the last flush began. */
  private changed = false;
  private nextFlushAt = 0;
  private counters = { refused: 0, dropped: 0, peakBufferedBytes: 0, flushes: 0, maxFlushMs: 0 };

  constructor(
    private readonly source: SseSource,
    options: SseHubOptions = {},
  ) {
    this.maxClients = options.maxClients ?? 200;
    this.maxBuffered = options.maxBufferedBytes ?? 256 * 1024;
    this.flushMs = options.flushMs ?? 100;
  }

  /** Whether any client follows `topic`. */
  has(topic: string): boolean {
    for (const client of this.clients) if (client.topic === topic) return true;
    return false;
  }

  /** The topics followed now. */
  topics(): Set<string> {
    return new Set([...this.clients].map((client) => client.topic));
  }

  /** Streams `topic` to `response` (or answers 503 when full); returns whether it was taken. */
  attach(response: ServerResponse, topic: string, headers: Record<string, string>): boolean {
    if (this.clients.size >= this.maxClients) {
      this.counters.refused += 1;
      response.writeHead(503, {
        ...headers,
        'Content-Type': 'application/json',
        'Retry-After': '5',
      });
      response.end(JSON.stringify({ error: `at most ${this.maxClients} inspector streams` }));
      return false;
    }
    // Everyone else is brought up to date first, so that the snapshot and the flushes agree.
    if (this.clients.size > 0) this.flush();
    // Not chunked: the stream ends with the connection, and its bytes go straight to the socket
    // (one write per piece and client, without HTTP's per-write framing and corking).
    response.useChunkedEncodingByDefault = false;
    response.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8' });
    response.flushHeaders();
    const socket = response.socket;
    if (!socket) return false;
    const client: Client = { response, socket, topic };
    this.clients.add(client);
    response.on('close', () => this.detach(client));
    this.enqueue([client], ['retry: 2000\n\n', ...this.source.snapshot(topic)]);
    this.kick();
    return true;
  }

  /** Something changed: flush soon (no sooner than the bounds allow). */
  schedule(): void {
    this.changed = true;
    if (this.timer || this.jobs.length > 0 || this.clients.size === 0) return;
    const delay = Math.max(this.flushMs, this.nextFlushAt - performance.now());
    this.timer = setTimeout(() => this.flush(), delay);
  }

  stats(): SseHubStats {
    let queuedWrites = 0;
    for (const job of this.jobs) queuedWrites += job.clients.length - job.next;
    return { clients: this.clients.size, queuedWrites, ...this.counters };
  }

  /** Ends every stream and stops the timers. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writer) clearImmediate(this.writer);
    this.writer = undefined;
    this.jobs = [];
    for (const client of [...this.clients]) client.response.end();
    this.clients.clear();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.changed = false;
    const started = performance.now();
    for (const [topic, messages] of this.source.flush(this.topics())) {
      if (messages.length === 0) continue;
      this.enqueue(
        [...this.clients].filter((client) => client.topic === topic),
        messages,
      );
    }
    this.counters.flushes += 1;
    this.busyMs += performance.now() - started;
    this.kick();
  }

  private kick(): void {
    this.writer ??= setImmediate(() => this.write());
  }

  private enqueue(clients: Client[], messages: string[]): void {
    for (const piece of pieces(messages)) this.jobs.push({ piece, clients, next: 0 });
  }

  /**
   * Writes queued pieces for at most {@link SLICE_MS} (and {@link SLICE_WRITES} writes), then yields to the event loop and goes on
   * (a flush to many clients never blocks the runtime for long); once the queue is empty, the next
   * flush is due after the bounds' pause.
   */
  private write(): void {
    this.writer = undefined;
    const started = performance.now();
    let writes = 0;
    while (
      this.jobs.length > 0 &&
      writes < SLICE_WRITES &&
      performance.now() - started < SLICE_MS
    ) {
      writes += 1;
      const job = this.jobs[0]!;
      const client = job.clients[job.next];
      job.next += 1;
      if (job.next >= job.clients.length) this.jobs.shift();
      if (client) this.writeTo(client, job.piece);
    }
    this.busyMs += performance.now() - started;
    if (this.jobs.length > 0) {
      this.writer = setImmediate(() => this.write());
      return;
    }
    this.counters.maxFlushMs = Math.max(this.counters.maxFlushMs, this.busyMs);
    this.nextFlushAt = performance.now() + this.busyMs * BACKOFF_FACTOR;
    this.busyMs = 0;
    if (this.changed) {
      this.changed = false;
      this.schedule();
    }
  }

  /** Writes a piece to a client, or drops the client when too much already waits for it. */
  private writeTo(client: Client, piece: Buffer): void {
    const socket = client.socket;
    if (socket.destroyed) return;
    if (socket.writableLength > this.maxBuffered) {
      this.counters.dropped += 1;
      socket.destroy();
      return;
    }
    socket.write(piece);
    this.counters.peakBufferedBytes = Math.max(
      this.counters.peakBufferedBytes,
      socket.writableLength,
    );
  }

  private detach(client: Client): void {
    if (!this.clients.delete(client)) return;
    if (!this.has(client.topic)) this.source.idle(client.topic);
    if (this.clients.size === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

/** Messages joined into buffers of about {@link PIECE_BYTES} (a larger message is its own piece). */
function pieces(messages: string[]): Buffer[] {
  const result: Buffer[] = [];
  let batch: string[] = [];
  let size = 0;
  for (const message of messages) {
    if (size > 0 && size + message.length > PIECE_BYTES) {
      result.push(Buffer.from(batch.join('')));
      batch = [];
      size = 0;
    }
    batch.push(message);
    size += message.length;
  }
  if (batch.length > 0) result.push(Buffer.from(batch.join('')));
  return result;
}
