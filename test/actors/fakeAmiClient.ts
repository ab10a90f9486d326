import type { AmiList } from '../../src/connection/actionTracker.js';
import type {
  ActionOptions,
  AmiClient,
  AmiConnectionEvents,
  AmiConnectionState,
} from '../../src/connection/client.js';
import { createEmitter, type Emitter } from '../../src/connection/emitter.js';
import type { AmiEvent } from '../../src/protocol/amiEvent.js';
import type { AmiFields, AmiMessage } from '../../src/protocol/message.js';
import { createMessage } from '../../src/protocol/serialize.js';

/** One action the runtime sent through the fake. */
export interface SentAction {
  name: string;
  fields: unknown;
}

/**
 * An in-process stand-in for `AmiConnection`: the test drives the connection's life and pushes
 * events; actions are recorded and answered `Success`; `CoreShowChannels` answers with
 * `channels` (set by the test) or waits for the test when `holdLists` is on.
 */
export class FakeAmiClient implements AmiClient {
  readonly bus = createEmitter<AmiConnectionEvents>();
  state: AmiConnectionState = 'idle';
  readonly sent: SentAction[] = [];
  /** The items the next `CoreShowChannels` answers with. */
  channels: AmiMessage[] = [];
  /** When set, list actions wait until `releaseLists()`. */
  holdLists = false;
  /** When set, `CoreShowChannels` rejects with this error (e.g. permission denied). */
  listError: Error | undefined;
  private held: Array<() => void> = [];

  async action(name: string, fields?: unknown, options?: ActionOptions): Promise<AmiMessage> {
    this.sent.push({ name, fields });
    const actionId = String(this.sent.length);
    options?.onActionId?.(actionId);
    return createMessage([
      ['Response', 'Success'],
      ['ActionID', actionId],
    ]);
  }

  async listAction(name: string, fields?: unknown, _options?: ActionOptions): Promise<AmiList> {
    this.sent.push({ name, fields });
    if (this.holdLists) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.listError) throw this.listError;
    const response = createMessage([
      ['Response', 'Success'],
      ['EventList', 'start'],
    ]);
    const complete = createMessage([
      ['Event', 'CoreShowChannelsComplete'],
      ['EventList', 'Complete'],
      ['ListItems', String(this.channels.length)],
    ]);
    return { response, items: [...this.channels], complete };
  }

  /** Let held list actions answer (with `channels` as they are now). */
  releaseLists(): void {
    const held = this.held;
    this.held = [];
    for (const resolve of held) resolve();
  }

  /** Logs in; then, unless `booted` is false, Asterisk's `FullyBooted` as at a real login. */
  connect(banner = 'Asterisk Call Manager/11.0.0', booted = true): void {
    this.setState('connected');
    this.bus.emit('connected', { banner });
    if (booted)
      this.event([
        ['Event', 'FullyBooted'],
        ['Privilege', 'system,all'],
        ['Status', 'Fully Booted'],
      ]);
  }

  drop(error = new Error('socket closed')): void {
    this.bus.emit('disconnected', { error });
    this.setState('reconnecting');
    this.bus.emit('reconnecting', { attempt: 1, delayMs: 1000 });
  }

  close(): void {
    this.setState('closed');
    this.bus.emit('closed', undefined);
  }

  /** Deliver AMI events as the connection would (responses are not events: skipped). */
  emit(...messages: AmiMessage[]): void {
    for (const message of messages) if (message.kind === 'event') emitEvent(this.bus, message);
  }

  /** Build and deliver one event. */
  event(fields: AmiFields): AmiMessage {
    const message = createMessage(fields);
    this.emit(message);
    return message;
  }

  /** How many handlers are subscribed to the bus, all event types together. */
  listenerCount(): number {
    let count = 0;
    for (const handlers of this.bus.all.values()) count += handlers?.length ?? 0;
    return count;
  }

  private setState(state: AmiConnectionState): void {
    this.state = state;
    this.bus.emit('state', state);
  }
}

/** Publishes an event as `AmiConnection` does: under `event`, then under its own name. */
export function emitEvent(bus: Emitter<AmiConnectionEvents>, message: AmiMessage): void {
  const event = message as AmiEvent;
  bus.emit('event', event);
  bus.emit(event.name, event);
}
