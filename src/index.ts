/**
 * octostate: an actor-model telephony runtime for Asterisk.
 *
 * - `octostate/connection`: the AMI connection layer (parser, login, actions, reconnect).
 * - `octostate/pbx`: the embedded PBX (an Asterisk-faithful AMI server for demos and tests).
 * - this entry point: the connection, the runtime (supervisor, channel actors, calls), the AGI
 *   helpers and the error classes.
 */

export * from './agi/AgiChannel.js';
export * from './agi/agiCommand.js';
export * from './agi/agiCommandTracker.js';
export * from './agi/agiEnv.js';
export * from './agi/agiResult.js';
export * from './connection/index.js';
export {
  AgiDeadChannelError,
  AgiError,
  AgiInvalidCommandError,
  AgiNotInAgiError,
  AgiSessionEndedError,
  AgiUsageError,
  InvalidDtmfError,
  NoSuchCallError,
  OriginateError,
  type OriginateFailure,
} from './errors.js';
export * from './inspector/index.js';
export * from './runtime/index.js';
