import { fromCallback } from 'xstate';
import type { AmiClient, AmiConnectionEvents } from '../connection/client.js';
import type { AmiSendRequest } from '../machines/channel/channelEvents.js';
import type { AmiMessage } from '../protocol/message.js';

/** What the client actor tells its parent (the supervisor). */
export type ClientActorEvent =
  | { type: 'client.connected'; banner: string }
  | { type: 'client.disconnected'; error?: Error }
  | { type: 'client.reconnecting'; attempt: number; delayMs: number }
  | { type: 'client.closed' }
  | { type: 'ami.sendFailed'; action: string; error: unknown };

/** What the client actor starts with. */
export interface ClientActorInput {
  readonly client: AmiClient;
  /**
   * Called synchronously with every AMI event (the supervisor's router): events are the hot path,
   * so they do not become parent events; life-cycle notices do.
   */
  readonly onEvent: (message: AmiMessage) => void;
}

/**
 * The AMI connection as an invoked actor: subscribes to the client's bus, hands events to
 * `onEvent` and reports the connection's life-cycle to its parent; carries out `ami.send`
 * requests. Unsubscribes everything when stopped, so a stopped runtime leaves no listener on the
 * client.
 *
 * On start it reports the client's current state, since the client may have connected before the
 * supervisor was created.
 *
 * @example
 * const machine = setup({ actors: { client: clientActor } }).createMachine({
 *   invoke: { src: 'client', input: { client, onEvent: (m) => console.log(m.name) } },
 *   on: { 'client.closed': '.closed' },
 * });
 */
export const clientActor = fromCallback<AmiSendRequest, ClientActorInput, ClientActorEvent>(
  ({ input, sendBack, receive }) => {
    const { client, onEvent } = input;
    const bus = client.bus;
    const onConnected = ({ banner }: AmiConnectionEvents['connected']) =>
      sendBack({ type: 'client.connected', banner });
    const onDisconnected = ({ error }: AmiConnectionEvents['disconnected']) =>
      sendBack(error ? { type: 'client.disconnected', error } : { type: 'client.disconnected' });
    const onReconnecting = ({ attempt, delayMs }: AmiConnectionEvents['reconnecting']) =>
      sendBack({ type: 'client.reconnecting', attempt, delayMs });
    const onClosed = () => sendBack({ type: 'client.closed' });
    bus.on('event', onEvent);
    bus.on('connected', onConnected);
    bus.on('disconnected', onDisconnected);
    bus.on('reconnecting', onReconnecting);
    bus.on('closed', onClosed);

    if (client.state === 'connected') sendBack({ type: 'client.connected', banner: '' });
    else if (client.state === 'closed') sendBack({ type: 'client.closed' });

    receive((request) => {
      client.action(request.action, request.fields).catch((error: unknown) => {
        sendBack({ type: 'ami.sendFailed', action: request.action, error });
      });
    });

    return () => {
      bus.off('event', onEvent);
      bus.off('connected', onConnected);
      bus.off('disconnected', onDisconnected);
      bus.off('reconnecting', onReconnecting);
      bus.off('closed', onClosed);
    };
  },
);
