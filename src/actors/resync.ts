import { type ChannelInput, channelInputFrom } from '../machines/channel/channelContext.js';
import type { AmiMessage } from '../protocol/message.js';
import type { ChannelDirectory } from './channelDirectory.js';
import { type DispatchSink, dispatch } from './dispatch.js';

/** What a resync may do besides dispatching: bring a known channel up to date, or declare it lost. */
export interface ResyncSink extends DispatchSink {
  sync(uniqueid: string, item: AmiMessage, members: readonly string[] | undefined): void;
  lost(uniqueid: string): void;
}

/** Counts for the runtime's log: channels listed, created, lost. */
export interface ResyncReport {
  readonly listed: number;
  readonly created: number;
  readonly lost: number;
}

/**
 * Brings the channel actors in line with what Asterisk says is up (`CoreShowChannel` items), then
 * replays the events that arrived while the list was being fetched.
 *
 * Why this order is safe: the list is a snapshot taken somewhere inside the window the buffered
 * events cover. Replaying all of them on top of it, in order, ends where the server is now, because
 * whatever the list already reflects (line state, bridge, dialplan position) is state that events
 * set rather than accumulate, and the channel statechart ignores a state it is already in. What the
 * list does not carry (variables, DTMF, dialplan history) comes only from the events, so it is
 * applied once. A `Newchannel` for a channel the list already created is skipped.
 *
 * Channels that had actors before the resync (`before`) and are neither listed nor hung up by the
 * replayed events vanished while we were away: they end with a `lost` cause.
 *
 * @example
 * const { items } = await client.listAction('CoreShowChannels');
 * applyResync(directory, items, buffered, new Set(directory.liveUniqueids()), sink);
 */
export function applyResync(
  directory: ChannelDirectory<unknown>,
  items: readonly AmiMessage[],
  buffered: readonly AmiMessage[],
  before: ReadonlySet<string>,
  sink: ResyncSink,
): ResyncReport {
  const listed = new Set<string>();
  const inputs: Array<{ item: AmiMessage; input: ChannelInput }> = [];
  // Bridges are rebuilt from the list, so a bridge torn down while we were away is forgotten.
  directory.bridges.clear();
  for (const item of items) {
    const input = channelInputFrom(item);
    if (input.uniqueid === '' || listed.has(input.uniqueid)) continue;
    listed.add(input.uniqueid);
    inputs.push({ item, input });
    if (input.bridgeId) directory.bridges.enter(input.bridgeId, input.uniqueid);
  }
  let created = 0;
  for (const { item, input } of inputs) {
    const members = input.bridgeId ? directory.bridges.members(input.bridgeId) : undefined;
    const status = directory.status(input.uniqueid);
    if (status === 'live') sink.sync(input.uniqueid, item, members);
    else if (status === undefined) {
      sink.spawn(input.uniqueid, input);
      if (members) sink.sync(input.uniqueid, item, members);
      created++;
    }
  }
  const hungUp = new Set<string | undefined>();
  for (const message of buffered) {
    dispatch(directory, message, sink);
    // The actor learns it hung up only once this delivery is processed: remember it here.
    if (message.name === 'Hangup') hungUp.add(message.get('Uniqueid'));
  }
  let lost = 0;
  for (const uniqueid of before) {
    if (listed.has(uniqueid) || hungUp.has(uniqueid) || directory.status(uniqueid) !== 'live') {
      continue;
    }
    sink.lost(uniqueid);
    lost++;
  }
  return { listed: listed.size, created, lost };
}
