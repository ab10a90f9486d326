import type { ChannelInput } from '../machines/channel/channelContext.js';
import {
  amiEventType,
  type ChannelEvent,
  toChannelEvent,
} from '../machines/channel/channelEvents.js';
import type { AmiMessage } from '../protocol/message.js';
import type { ChannelDirectory } from './channelDirectory.js';
import { routeKeys, spawnInput } from './router.js';

/** A change of bridge membership, as the runtime's `bridge` bus event reports it. */
export interface BridgeChange {
  readonly action: 'create' | 'enter' | 'leave' | 'destroy';
  readonly bridgeId: string;
  /** The channel that entered or left. */
  readonly uniqueid?: string;
  /** Who is in the bridge after the change. */
  readonly members: readonly string[];
}

/** Where `dispatch` puts its decisions: the supervisor turns them into actor actions. */
export interface DispatchSink {
  /** Create (and register in the directory) the actor of a new channel. */
  spawn(uniqueid: string, input: ChannelInput): void;
  deliver(uniqueid: string, event: ChannelEvent): void;
  bridge(change: BridgeChange): void;
}

/**
 * Applies one AMI event to the directory and says what to do with it: which channel actors to
 * create (a `Newchannel`, or a channel first met mid-call) and which to deliver it to. Keeps the
 * bookkeeping the router relies on (bridges, renames, early `OriginateResponse`s) in step.
 *
 * Events for a channel that hung up and lingers are dropped here: the actor is final, and a late
 * event must not bring a ghost back to life.
 *
 * @example
 * dispatch(directory, message, {
 *   spawn: (id, input) => enqueue.spawnChild('channel', { id, input }),
 *   deliver: (id, event) => enqueue.sendTo(id, event),
 *   bridge: (change) => enqueue.emit({ type: 'bridge', ...change }),
 * });
 */
export function dispatch(
  directory: ChannelDirectory,
  message: AmiMessage,
  sink: DispatchSink,
): void {
  const name = message.name;
  // Keys first: a BridgeEnter must also reach the members that were there before it.
  const keys = routeKeys(message, directory);
  let members: readonly string[] | undefined;
  switch (name) {
    case 'BridgeCreate':
    case 'BridgeDestroy': {
      const bridgeId = message.get('BridgeUniqueid') ?? '';
      if (name === 'BridgeCreate') directory.bridges.create(bridgeId);
      else directory.bridges.destroy(bridgeId);
      sink.bridge({
        action: name === 'BridgeCreate' ? 'create' : 'destroy',
        bridgeId,
        members: [],
      });
      break;
    }
    case 'BridgeEnter':
    case 'BridgeLeave': {
      const bridgeId = message.get('BridgeUniqueid') ?? '';
      const uniqueid = message.get('Uniqueid') ?? '';
      members =
        name === 'BridgeEnter'
          ? directory.bridges.enter(bridgeId, uniqueid)
          : directory.bridges.leave(bridgeId, uniqueid);
      sink.bridge({
        action: name === 'BridgeEnter' ? 'enter' : 'leave',
        bridgeId,
        uniqueid,
        members,
      });
      break;
    }
    case 'Rename': {
      const uniqueid = message.get('Uniqueid');
      const newName = message.get('Newname');
      if (uniqueid && newName) directory.rename(uniqueid, newName);
      break;
    }
  }
  // One event object for every channel it concerns (events are immutable).
  let event: ChannelEvent | undefined;
  for (const uniqueid of keys) {
    const status = directory.status(uniqueid);
    if (status === 'done') continue;
    if (status === undefined) {
      if (name === 'OriginateResponse') {
        directory.holdEarly(uniqueid, message);
        continue;
      }
      const input = spawnInput(message, uniqueid);
      if (input === undefined) continue;
      sink.spawn(uniqueid, input);
      for (const held of directory.takeEarly(uniqueid))
        sink.deliver(uniqueid, toChannelEvent(held));
      // The Newchannel is the actor's input; anything else met first is news to apply as well.
      if (name === 'Newchannel') continue;
    } else if (name === 'Newchannel') {
      // Already known (resync rebuilt it from a list item): its birth certificate is old news.
      continue;
    }
    event ??=
      members === undefined
        ? toChannelEvent(message)
        : { type: amiEventType(name), message, members };
    sink.deliver(uniqueid, event);
  }
}
