import { type EventObject, fromCallback } from 'xstate';
import type { AmiClient, AmiConnectionEvents } from '../connection/client.js';
import type { AmiMessage } from '../protocol/message.js';

/** What the connection actor tells its parent (the supervisor) about the AMI session. */
export type ConnectionActorEvent =
  /** Logged in (again): the channels may have changed while we were away. */
  | { type: 'connection.up' }
  /** Asterisk said `FullyBooted`: its core is up (sent at login when it already is). */
  | { type: 'connection.booted' }
  /** The session was lost; the connection may be reconnecting. */
  | { type: 'connection.down'; error?: Error }
  /** The connection closed for good. */
  | { type: 'connection.closed' };

/** What the connection actor starts with. */
export interface ConnectionActorInput {
  readonly client: AmiClient;
  /**
   * Called synchronously with every AMI event (the supervisor's router): events are the hot path,
   * so they do not become parent events; the session's life does.
   */
  readonly onEvent: (message: AmiMessage) => void;
}

/**
 * The AMI connection, observed by the supervisor: hands every event to `onEvent` and tells the
 * parent when the session comes up, when Asterisk says it has fully booted, when the session goes
 * down or closes. The connection keeps its own life (it
 * connects, reconnects and closes by itself); the supervisor only reacts. Unsubscribes everything
 * when stopped, so a stopped runtime leaves no listener on the connection.
 *
 * On start it reports a session already up (the connection may have logged in before the
 * supervisor was created) or already closed.
 *
 * @example
 * const machine = setup({ actors: { connection: connectionActor } }).createMachine({
 *   invoke: { src: 'connection', input: { client, onEvent: (m) => console.log(m.name) } },
 *   on: { 'connection.closed': '.closed' },
 * });
 */
export const connectionActor = fromCallback<
  EventObject,
  ConnectionActorInput,
  ConnectionActorEvent
>(({ input, sendBack }) => {
  const { client } = input;
  const bus = client.bus;
  const onEvent = (message: AmiMessage) => {
    input.onEvent(message);
    if (message.name === 'FullyBooted') sendBack({ type: 'connection.booted' });
  };
  const onConnected = () => sendBack({ type: 'connection.up' });
  const onDisconnected = ({ error }: AmiConnectionEvents['disconnected']) =>
    sendBack(error ? { type: 'connection.down', error } : { type: 'connection.down' });
  const onClosed = () => sendBack({ type: 'connection.closed' });
  bus.on('event', onEvent);
  bus.on('connected', onConnected);
  bus.on('disconnected', onDisconnected);
  bus.on('closed', onClosed);

  if (client.state === 'connected') onConnected();
  else if (client.state === 'closed') onClosed();

  return () => {
    bus.off('event', onEvent);
    bus.off('connected', onConnected);
    bus.off('disconnected', onDisconnected);
    bus.off('closed', onClosed);
  };
});
