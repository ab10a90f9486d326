import type { ServerResponse } from 'node:http';
import type { ActorInfo } from '../inspector/actorRegistry.js';
import { SECURITY_HEADERS } from '../inspector/loopbackHttp.js';
import type { ClusterClient } from './ClusterClient.js';

/** SSE clients one Asterisk's stream serves at most; more are refused (503). */
export const MAX_STREAM_CLIENTS = 16;

/**
 * The inspector's event stream (`snapshot`, `added`, `updated`, `removed`) for an Asterisk another
 * node supervises: it asks the owner for its actors every `pollMs` while a client listens and
 * sends what changed. Requests go to whoever holds the lease, so after a failover the stream goes on
 * with the heir's actors. While nobody answers (mid-failover), clients keep the last view and get a
 * comment line saying so. Changes shorter than a poll are not seen, and `updated` carries no events
 * (a click on an actor fetches them).
 */
export class RemoteActorStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly waiting = new Set<ServerResponse>();
  private shown: Map<string, string> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  /** Bumped when the stream goes idle: a poll of an earlier round does not go on. */
  private round = 0;
  private messageId = 0;

  constructor(
    private readonly client: ClusterClient,
    private readonly asterisk: string,
    private readonly pollMs: number,
  ) {}

  /** Starts streaming to `response`; false when the stream has its {@link MAX_STREAM_CLIENTS}. */
  attach(response: ServerResponse): boolean {
    if (this.clients.size + this.waiting.size >= MAX_STREAM_CLIENTS) return false;
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    // Its snapshot comes with the next answer, so that it is never older than the others' view.
    this.waiting.add(response);
    response.on('close', () => {
      this.clients.delete(response);
      this.waiting.delete(response);
      if (this.clients.size + this.waiting.size === 0) this.idle();
    });
    if (!this.polling) {
      this.polling = true;
      void this.poll();
    }
    return true;
  }

  close(): void {
    for (const client of [...this.clients, ...this.waiting]) client.end();
    this.clients.clear();
    this.waiting.clear();
    this.idle();
  }

  private idle(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.polling = false;
    this.round += 1;
    this.shown = undefined;
  }

  private async poll(): Promise<void> {
    const round = this.round;
    this.timer = undefined;
    let actors: ActorInfo[] | undefined;
    try {
      const answer = (await this.client.inspect(this.asterisk, { what: 'actors' })) as {
        actors: ActorInfo[];
      };
      actors = answer.actors;
    } catch (error) {
      for (const client of [...this.clients, ...this.waiting])
        client.write(`: ${this.asterisk} not answering: ${(error as Error).name}\n\n`);
    }
    if (!this.polling || round !== this.round) return;
    if (actors) this.publish(actors);
    this.timer = setTimeout(() => void this.poll(), this.pollMs);
  }

  private publish(actors: ActorInfo[]): void {
    const now = new Map(actors.map((actor) => [actor.id, JSON.stringify(actor)]));
    const before = this.shown ?? new Map<string, string>();
    for (const [id] of before) {
      if (!now.has(id)) this.broadcast('removed', { id });
    }
    for (const actor of actors) {
      const previous = before.get(actor.id);
      if (previous === undefined) this.broadcast('added', { actor, events: [] });
      else if (previous !== now.get(actor.id)) this.broadcast('updated', { actor, events: [] });
    }
    this.shown = now;
    for (const client of this.waiting) {
      this.write(client, 'snapshot', { actors });
      this.clients.add(client);
    }
    this.waiting.clear();
  }

  private broadcast(kind: string, data: unknown): void {
    for (const client of this.clients) this.write(client, kind, data);
  }

  private write(response: ServerResponse, kind: string, data: unknown): void {
    this.messageId += 1;
    response.write(`id: ${this.messageId}\nevent: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
