/**
 * The AMI connection layer: a sans-I/O parser, transports (TCP, TLS), the action tracker, login,
 * keepalive, the reconnect policy and {@link AmiConnection}, which ties them together.
 *
 * @example
 * import { AmiConnection } from 'octostate/connection';
 * const ami = AmiConnection.fromUrl('ami://manager:secret@127.0.0.1:5038');
 * ami.bus.on('event', (event) => log.info({ event: event.name }, 'AMI event'));
 * await ami.connect();
 */

export { AmiError, AmiProtocolError } from '../protocol/errors.js';
export type { AmiFields, AmiMessage, AmiMessageKind } from '../protocol/message.js';
export { AmiParser, type AmiParserHandlers, type AmiParserOptions } from '../protocol/parser.js';
export { createMessage, formatMessage } from '../protocol/serialize.js';
export { AmiConnection, type AmiConnectionOptions } from './AmiConnection.js';
export { type ActionFields, isKnownIdempotent } from './actionFields.js';
export { createActionIdGenerator } from './actionId.js';
export {
  ActionTracker,
  type ActionTrackerOptions,
  type AmiList,
  PendingAction,
  type PendingActionSpec,
} from './actionTracker.js';
export {
  type AmiUrlSettings,
  DEFAULT_AMI_PORT,
  DEFAULT_AMIS_PORT,
  parseAmiUrl,
  redactAmiUrl,
} from './amiUrl.js';
export type {
  ActionOptions,
  AmiClient,
  AmiConnectionEvents,
  AmiConnectionState,
} from './client.js';
export { createEmitter, type Emitter } from './emitter.js';
export {
  AmiActionError,
  AmiAuthenticationError,
  AmiConnectionClosedError,
  AmiListTooLongError,
  AmiTimeoutError,
  AmiUrlError,
} from './errors.js';
export { Keepalive, type KeepaliveHooks } from './keepalive.js';
export { type CreateLoggerOptions, createLogger, type Logger } from './logger.js';
export { type LoginOptions, login, md5Key, type SendAction } from './login.js';
export {
  type ReconnectAttempt,
  type ReconnectOptions,
  ReconnectPolicy,
} from './reconnectPolicy.js';
export { SocketTransport } from './socketTransport.js';
export { connectTcp } from './tcpTransport.js';
export { connectTls } from './tlsTransport.js';
export type { Transport, TransportConnectOptions, TransportFactory } from './transport.js';
