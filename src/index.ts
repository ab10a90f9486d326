/**
 * octostate: an actor-model telephony runtime for Asterisk.
 *
 * - `octostate/connection`: the AMI connection layer (parser, login, actions, reconnect).
 * - this entry point: all of it, plus the AGI helpers and the error classes.
 */
export * from './agi/agiCommand.js';
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
} from './errors.js';
