import type { AnyStateMachine, EventObject, SnapshotFrom } from 'xstate';
import type { ChannelOutput } from '../machines/channel/channelMachine.js';

/** A channel actor ended: it hung up (`output`), or failed (`error`). */
export type ChannelEndEvent =
  | { readonly type: 'channel.ended'; readonly uniqueid: string; readonly output: ChannelOutput }
  | { readonly type: 'channel.failed'; readonly uniqueid: string; readonly error: unknown };

const DONE_PREFIX = 'xstate.done.actor.';
const ERROR_PREFIX = 'xstate.error.actor.';

/**
 * The supervisor's logic, with each channel actor's end delivered as a {@link ChannelEndEvent}
 * instead of XState's `xstate.done.actor.<id>` / `xstate.error.actor.<id>`.
 *
 * Why: XState memoises, on every state node, the transitions each event type may take, and never
 * forgets them. Channel actors are named by their Uniqueid, so their ends are one new event type
 * per channel: about 1 KB held for good per call, found by the soak. With two event types for all
 * channels that cache stays a few entries. `isChannel` says which actor ids are channels (the
 * supervisor's invoked actors keep XState's events).
 *
 * @example
 * export const supervisorMachine = withChannelEndEvents(machine, (s, id) => s.context.has(id));
 */
export function withChannelEndEvents<TMachine extends AnyStateMachine>(
  machine: TMachine,
  isChannel: (snapshot: SnapshotFrom<TMachine>, actorId: string) => boolean,
): TMachine {
  const logic = Object.create(machine) as TMachine;
  logic.transition = (snapshot, event, scope) =>
    machine.transition(
      snapshot,
      renamed(snapshot as SnapshotFrom<TMachine>, event, isChannel),
      scope,
    );
  return logic;
}

function renamed<TMachine extends AnyStateMachine>(
  snapshot: SnapshotFrom<TMachine>,
  event: EventObject,
  isChannel: (snapshot: SnapshotFrom<TMachine>, actorId: string) => boolean,
): EventObject {
  const { type } = event;
  const failed = type.startsWith(ERROR_PREFIX);
  if (!failed && !type.startsWith(DONE_PREFIX)) return event;
  const uniqueid = type.slice(failed ? ERROR_PREFIX.length : DONE_PREFIX.length);
  if (!isChannel(snapshot, uniqueid)) return event;
  const ended: ChannelEndEvent = failed
    ? { type: 'channel.failed', uniqueid, error: (event as { error?: unknown }).error }
    : {
        type: 'channel.ended',
        uniqueid,
        output: (event as { output?: unknown }).output as ChannelOutput,
      };
  return ended;
}
