import type { AmiClient, AmiConnectionEvents } from '../connection/client.js';
import type { Emitter } from '../connection/emitter.js';
import type { Logger } from '../connection/logger.js';
import type { ConnectionState, RuntimeEvents } from './runtimeEvents.js';

/**
 * Republishes the AMI connection's life on the runtime's bus (`connection`): `connecting` until
 * the first login, then `connected`, `reconnecting` while it is lost, `closed`. Each state once,
 * when it changes. `close()` reports `closed` (the runtime closes, whether or not it closes the
 * connection) and stops listening.
 *
 * @example
 * const relay = relayConnection(client, bus, logger);
 * relay.close();
 */
export function relayConnection(
  client: AmiClient,
  bus: Emitter<RuntimeEvents>,
  logger: Logger,
): { close(): void } {
  let current: ConnectionState | undefined;
  const report = (state: ConnectionState, error?: Error): void => {
    if (state === current) return;
    current = state;
    logger.info({ state, err: error }, 'octostate: connection');
    bus.emit('connection', error ? { state, error } : { state });
  };
  const onConnected = () => report('connected');
  const onDisconnected = ({ error }: AmiConnectionEvents['disconnected']) =>
    report('reconnecting', error);
  const onReconnecting = () => report('reconnecting');
  const onClosed = () => report('closed');
  client.bus.on('connected', onConnected);
  client.bus.on('disconnected', onDisconnected);
  client.bus.on('reconnecting', onReconnecting);
  client.bus.on('closed', onClosed);
  const initial = client.state === 'closed' ? 'closed' : 'connecting';
  report(client.state === 'connected' ? 'connected' : initial);
  return {
    close: () => {
      report('closed');
      client.bus.off('connected', onConnected);
      client.bus.off('disconnected', onDisconnected);
      client.bus.off('reconnecting', onReconnecting);
      client.bus.off('closed', onClosed);
    },
  };
}
