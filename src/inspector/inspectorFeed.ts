import type { ActorRegistry, RegistryChange } from './actorRegistry.js';
import type { SseSource } from './sseHub.js';
import { stepSummary } from './stepViews.js';

/** The topic of the actor list; a call's own is `call:<Linkedid>`. */
export const LIST_TOPIC = 'actors';
const CALL_PREFIX = 'call:';

/** A message's JSON is cut into messages of about this many characters. */
const MESSAGE_CHARS = 48 * 1024;

/** What one topic's clients were sent: each item's JSON by id, to send only what changed. */
interface TopicState {
  readonly sent: Map<string, string>;
  readonly dirty: Set<string>;
  /** For a call: the last step sent. */
  lastSeq: number;
}

function frame(kind: string, json: string): string {
  return `event: ${kind}\ndata: ${json}\n\n`;
}

/**
 * `{"upsert":[...],"removed":[...]}` messages of `kind` holding the given JSON items, each message
 * at most about {@link MESSAGE_CHARS} long (an item is never cut).
 */
function batches(kind: string, upserts: string[], removed: string[], key = 'upsert'): string[] {
  const messages: string[] = [];
  let items: string[] = [];
  let size = 0;
  const push = (gone: string[]) => {
    messages.push(frame(kind, `{"${key}":[${items.join(',')}],"removed":${JSON.stringify(gone)}}`));
    items = [];
    size = 0;
  };
  for (const item of upserts) {
    if (size > 0 && size + item.length > MESSAGE_CHARS) push([]);
    items.push(item);
    size += item.length + 1;
  }
  if (items.length > 0 || removed.length > 0) push(removed);
  return messages;
}

/**
 * What the inspector streams, built from an {@link ActorRegistry}: on `actors`, every actor in a
 * line (live ones, and those of the ended calls still kept), only those whose line changed at each
 * flush; on `call:<Linkedid>`, one call in full: its actors with state value and context, and its
 * steps (AMI events and transitions of every actor of the call) as they come. Each item is
 * serialised once per flush whatever the number of clients, and only for topics someone follows.
 */
export class InspectorFeed implements SseSource {
  private readonly topics = new Map<string, TopicState>();

  constructor(private readonly registry: ActorRegistry) {}

  /** A registry change: marks the actor for the next flush of the topics that show it. */
  readonly onChange = (change: RegistryChange): void => {
    this.topics.get(LIST_TOPIC)?.dirty.add(change.id);
    if (change.group !== null) this.topics.get(CALL_PREFIX + change.group)?.dirty.add(change.id);
  };

  snapshot(topic: string): string[] {
    const state = this.state(topic);
    if (topic === LIST_TOPIC) {
      if (state.sent.size === 0) {
        for (const actor of this.registry.list()) state.sent.set(actor.id, JSON.stringify(actor));
        for (const actor of this.registry.endedActors()) {
          state.sent.set(actor.id, JSON.stringify(actor));
        }
      }
      return [frame('reset', '{}'), ...batches('actors', [...state.sent.values()], [])];
    }
    const call = topic.slice(CALL_PREFIX.length);
    if (state.sent.size === 0) {
      for (const actor of this.registry.callActors(call)) {
        state.sent.set(actor.id, JSON.stringify(actor));
      }
      state.lastSeq = this.registry.lastSeq;
    }
    const steps = this.registry.calls
      .steps(call)
      .filter((step) => step.seq <= state.lastSeq)
      .map((step) => JSON.stringify(stepSummary(step)));
    return [
      frame('reset', JSON.stringify({ call: this.registry.calls.get(call) ?? null })),
      ...batches('actors', [...state.sent.values()], []),
      ...batches('steps', steps, [], 'steps'),
    ];
  }

  flush(topics: ReadonlySet<string>): Map<string, string[]> {
    const messages = new Map<string, string[]>();
    for (const topic of topics) {
      const state = this.topics.get(topic);
      if (!state) continue;
      messages.set(
        topic,
        topic === LIST_TOPIC ? this.flushList(state) : this.flushCall(topic, state),
      );
    }
    return messages;
  }

  idle(topic: string): void {
    this.topics.delete(topic);
  }

  /** Whether a topic name is one this feed serves. */
  static isTopic(topic: string): boolean {
    return (
      topic === LIST_TOPIC || (topic.startsWith(CALL_PREFIX) && topic.length > CALL_PREFIX.length)
    );
  }

  private state(topic: string): TopicState {
    let state = this.topics.get(topic);
    if (!state) {
      state = { sent: new Map(), dirty: new Set(), lastSeq: 0 };
      this.topics.set(topic, state);
    }
    return state;
  }

  private flushList(state: TopicState): string[] {
    const upserts: string[] = [];
    const removed: string[] = [];
    for (const id of state.dirty) {
      const line = this.registry.line(id);
      diff(state, id, line ? JSON.stringify(line) : undefined, upserts, removed);
    }
    state.dirty.clear();
    return batches('actors', upserts, removed);
  }

  private flushCall(topic: string, state: TopicState): string[] {
    const upserts: string[] = [];
    const removed: string[] = [];
    for (const id of state.dirty) {
      const actor = this.registry.get(id);
      diff(state, id, actor ? JSON.stringify(actor) : undefined, upserts, removed);
    }
    state.dirty.clear();
    const steps = this.registry.calls
      .steps(topic.slice(CALL_PREFIX.length), state.lastSeq)
      .map((step) => JSON.stringify(stepSummary(step)));
    state.lastSeq = this.registry.lastSeq;
    return [
      ...batches('actors', upserts, removed),
      ...(steps.length > 0 ? batches('steps', steps, [], 'steps') : []),
    ];
  }
}

/** Records an item's new JSON (or its removal) when it differs from what was sent. */
function diff(
  state: TopicState,
  id: string,
  json: string | undefined,
  upserts: string[],
  removed: string[],
): void {
  if (json === undefined) {
    if (state.sent.delete(id)) removed.push(id);
  } else if (state.sent.get(id) !== json) {
    state.sent.set(id, json);
    upserts.push(json);
  }
}
