import type { AmiMessage } from '../../protocol/message.js';
import {
  type ChannelContext,
  channelInputFrom,
  NO_STRINGS,
  NO_VARIABLES,
} from './channelContext.js';

/**
 * Folds a channel list item (`CoreShowChannel` or `Status`, read at a resync) into the context:
 * the item describes the channel now, so its state, dialplan position and bridge are taken as
 * they are; `members` are the bridge's channels the supervisor knows, when it has that bridge.
 */
export function absorbListItem(
  context: ChannelContext,
  message: AmiMessage,
  members: readonly string[] | undefined,
): Partial<ChannelContext> {
  const input = channelInputFrom(message);
  const changes: { -readonly [K in keyof ChannelContext]?: ChannelContext[K] } = {
    state: {
      code: input.channelState ?? context.state.code,
      desc: input.channelStateDesc ?? context.state.desc,
    },
    callerId: input.callerId ?? context.callerId,
    connectedLine: input.connectedLine ?? context.connectedLine,
    linkedid: input.linkedid || context.linkedid,
    name: input.name || context.name,
  };
  if (input.variables && input.variables !== NO_VARIABLES) {
    changes.variables = { ...context.variables, ...input.variables };
  }
  const position = context.dialplan;
  if (position.context !== input.context || position.exten !== input.exten) {
    changes.dialplan = {
      context: input.context ?? '',
      exten: input.exten ?? '',
      priority: input.priority ?? 0,
      application: message.get('Application') ?? '',
      appData: message.get('ApplicationData') ?? message.get('Data') ?? '',
    };
  }
  changes.bridge = input.bridgeId
    ? { id: input.bridgeId, peers: members?.filter((m) => m !== context.uniqueid) ?? NO_STRINGS }
    : undefined;
  if (input.inAgi && context.agi.sessions === 0) changes.agi = { ...context.agi, sessions: 1 };
  return changes;
}
