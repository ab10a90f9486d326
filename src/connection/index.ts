/**
 * `octostate/connection`: the AMI client on its own. {@link AmiConnection} logs in over TCP or TLS,
 * sends actions and settles each with its response (or its list of events), keeps the session
 * alive and reconnects; every AMI event is on its `bus`. The sans-I/O {@link AmiParser} and the
 * message helpers are here too, for tools that read AMI bytes themselves.
 *
 * @example
 * import { AmiConnection } from 'octostate/connection';
 * const ami = AmiConnection.fromUrl('ami://manager:secret@127.0.0.1:5038');
 * ami.bus.on('event', (event) => log.info({ event: event.name }, 'AMI event'));
 * await ami.connect();
 */
export type * from '../catalog/index.js';
export {
  type AmiEvent,
  type AmiEventMessage,
  type AmiEventsByName,
  isAmiEvent,
} from '../protocol/amiEvent.js';
export { AmiError, AmiProtocolError } from '../protocol/errors.js';
export type { AmiFields, AmiMessage, AmiMessageKind } from '../protocol/message.js';
export { AmiParser, type AmiParserHandlers, type AmiParserOptions } from '../protocol/parser.js';
export { createMessage, formatMessage } from '../protocol/serialize.js';
export { AmiConnection, type AmiConnectionOptions } from './AmiConnection.js';
export type { ActionArgs, ActionFields } from './actionFields.js';
export type { AmiList } from './actionTracker.js';
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
export type { Emitter } from './emitter.js';
export {
  AmiActionError,
  AmiAuthenticationError,
  AmiConnectionClosedError,
  AmiListTooLongError,
  AmiPermissionError,
  AmiTimeoutError,
  AmiTooManyActionsError,
  AmiUrlError,
} from './errors.js';
export {
  type ConnectionLifecycleRef,
  type ConnectionLifecycleSnapshot,
  lifecycleState,
} from './lifecycleMachine.js';
export { type CreateLoggerOptions, createLogger, type Logger } from './logger.js';
export type { ReconnectAttempt, ReconnectOptions } from './reconnectPolicy.js';
export { connectTcp } from './tcpTransport.js';
export { connectTls } from './tlsTransport.js';
export type { Transport, TransportConnectOptions, TransportFactory } from './transport.js';
