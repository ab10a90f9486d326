import { agi } from './agi.js';
import { coreShowChannels, getvar, hangup, playDtmf, redirect, setvar, status } from './channel.js';
import { command } from './command.js';
import { coreSettings, coreStatus, listCommands } from './core.js';
import { originate } from './originate.js';
import { challenge, events, login, logoff, ping } from './session.js';
import type { ActionHandler } from './types.js';
import { userEvent } from './userEvent.js';

/** The actions the embedded PBX implements, by lower-case name. */
export const ACTIONS: ReadonlyMap<string, ActionHandler> = new Map([
  ['login', login],
  ['challenge', challenge],
  ['logoff', logoff],
  ['ping', ping],
  ['events', events],
  ['originate', originate],
  ['agi', agi],
  ['hangup', hangup],
  ['setvar', setvar],
  ['getvar', getvar],
  ['status', status],
  ['coreshowchannels', coreShowChannels],
  ['playdtmf', playDtmf],
  ['redirect', redirect],
  ['command', command],
  ['listcommands', listCommands],
  ['corestatus', coreStatus],
  ['coresettings', coreSettings],
  ['userevent', userEvent],
]);

/** Actions that work before login. */
export const PRE_LOGIN = new Set(['login', 'challenge', 'logoff']);
