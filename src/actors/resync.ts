import { type ChannelInput, channelInputFrom } from '../machines/channel/channelContext.js';
import type { ChannelSyncEvent } from '../machines/channel/channelEvents.js';
import type { AmiMessage } from '../protocol/message.js';
import type { ChannelRouter } from './channelRouter.js';

/** Counts for the runtime's log: channels listed, created, lost. */
export interface ResyncReport {
  readonly listed: number;
  readonly created: number;
  readonly lost: number;
  /**
   * Present when more events came while the list was fetched than the runtime holds
   * (`maxResyncBacklog`): how many were routed as they came rather than held and replayed.
   */
  readonly routedBeforeList?: number;
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
 * applyResync(router, items, buffered, new Set(router.directory.liveUniqueids()));
 */
export function applyResync(
  router: ChannelRouter,
  items: readonly AmiMessage[],
  buffered: readonly AmiMessage[],
  before: ReadonlySet<string>,
): ResyncReport {
  const directory = router.directory;
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
    if (status === 'live') router.deliver(input.uniqueid, syncEvent(item, members));
    else if (status === undefined) {
      router.spawn(input.uniqueid, input);
      if (members) router.deliver(input.uniqueid, syncEvent(item, members));
      created++;
    }
  }
  const hungUp = new Set<string | undefined>();
  for (const message of buffered) {
    router.dispatch(message);
    // The actor learns it hung up only once this delivery is processed: remember it here.
    if (message.name === 'Hangup') hungUp.add(message.get('Uniqueid'));
  }
  let lost = 0;
  for (const uniqueid of before) {
    if (listed.has(uniqueid) || hungUp.has(uniqueid) || directory.status(uniqueid) !== 'live') {
      continue;
    }
    router.deliver(uniqueid, { type: 'lost' });
    lost++;
  }
  return { listed: listed.size, created, lost };
}

function syncEvent(item: AmiMessage, members: readonly string[] | undefined): ChannelSyncEvent {
  return members ? { type: 'sync', message: item, members } : { type: 'sync', message: item };
}
