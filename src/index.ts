/**
 * octostate: an actor-model telephony runtime for Asterisk.
 *
 * - `octostate/connection`: the AMI connection layer (parser, login, actions, reconnect).
 * - `octostate/pbx`: the embedded PBX (an Asterisk-faithful AMI server for demos and tests).
 * - this entry point: the connection, the runtime (supervisor, channel actors, calls), the AGI
 *   helpers and the error classes.
 */

export * from './calls/AgiChannel.js';
export * from './calls/agiCommandTracker.js';
export {
  InvalidDtmfError,
  NoSuchCallError,
  OriginateError,
  type OriginateFailure,
} from './calls/errors.js';
export * from './connection/index.js';
export * from './inspector/index.js';
export * from './protocol/agiCommand.js';
export * from './protocol/agiEnv.js';
export * from './protocol/agiResult.js';
export {
  AgiDeadChannelError,
  AgiError,
  AgiInvalidCommandError,
  AgiNotInAgiError,
  AgiSessionEndedError,
  AgiUsageError,
} from './protocol/errors.js';
export * from './runtime/index.js';
