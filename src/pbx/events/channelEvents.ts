import type { Channel } from '../channels/Channel.js';
import { stateDesc } from '../channels/channelState.js';
import type { Fields } from './types.js';

/**
 * The channel snapshot block every channel event starts with, keys prefixed (`Dest`, `LocalOne`,
 * ...), then one `ChanVariable` line per `channelvars` entry (value as the channel has it now).
 */
export function snapshot(ch: Channel, channelVars: readonly string[], prefix = ''): Fields {
  const at = ch.staleLocation ?? ch;
  const f: Fields = [
    [`${prefix}Channel`, ch.name],
    [`${prefix}ChannelState`, String(ch.state)],
    [`${prefix}ChannelStateDesc`, stateDesc(ch.state)],
    [`${prefix}CallerIDNum`, ch.callerNum],
    [`${prefix}CallerIDName`, ch.callerName],
    [`${prefix}ConnectedLineNum`, ch.connectedNum],
    [`${prefix}ConnectedLineName`, ch.connectedName],
    [`${prefix}Language`, ch.language],
    [`${prefix}AccountCode`, ch.accountCode],
    [`${prefix}Context`, at.context],
    [`${prefix}Exten`, at.exten],
    [`${prefix}Priority`, String(at.priority)],
    [`${prefix}Uniqueid`, ch.uniqueid],
    [`${prefix}Linkedid`, ch.linkedid],
  ];
  for (const v of channelVars) f.push([`${prefix}ChanVariable`, `${v}=${ch.vars.get(v) ?? ''}`]);
  return f;
}

/** Bridge snapshot fields (BridgeCreate/Enter/Leave/Destroy). */
export function bridgeSnapshot(id: string, numChannels: number): Fields {
  return [
    ['BridgeUniqueid', id],
    ['BridgeType', 'basic'],
    ['BridgeTechnology', 'simple_bridge'],
    ['BridgeCreator', '<unknown>'],
    ['BridgeName', '<unknown>'],
    ['BridgeNumChannels', String(numChannels)],
    ['BridgeVideoSourceMode', 'none'],
  ];
}
