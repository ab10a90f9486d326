import { type AnyStateMachine, assign, createActor, setup } from 'xstate';
import { ChannelRouter } from '../src/actors/channelRouter.js';
import { absorbEvent } from '../src/machines/channel/absorbEvent.js';
import {
  type ChannelContext,
  type ChannelInput,
  initialChannelContext,
} from '../src/machines/channel/channelContext.js';
import type { ChannelEvent } from '../src/machines/channel/channelEvents.js';
import { channelMachine } from '../src/machines/channel/channelMachine.js';
import type { AmiMessage } from '../src/protocol/message.js';

/** Where the time of routing one stream goes, per part. */
export interface RoutingBreakdown {
  /** Events/s of the router's own decisions (keys, directory, bridges), with inert actors. */
  readonly routingPerSecond: number;
  /** Microseconds to create and start one channel actor (its statechart's first macrostep). */
  readonly startMicros: number;
  /** Microseconds per event delivered to a started channel actor (one statechart macrostep). */
  readonly stepMicros: number;
  readonly channels: number;
  readonly deliveries: number;
}

type Plan = Array<
  { uniqueid: string; input: ChannelInput } | { uniqueid: string; event: ChannelEvent }
>;

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/**
 * The cheapest statechart a channel could have: one state, every event folded into the same context
 * by one `assign`, a final state on `Hangup`. Not a design: the floor that any XState machine per
 * channel, one macrostep per event, starts from.
 */
export const floorMachine = setup({
  types: {
    context: {} as ChannelContext,
    events: {} as ChannelEvent,
    input: {} as ChannelInput,
  },
  actions: { absorb: assign(({ context, event }) => absorbEvent(context, event) ?? {}) },
}).createMachine({
  context: ({ input }) => initialChannelContext(input),
  initial: 'live',
  states: {
    live: {
      on: { 'ami.Hangup': { target: 'done', actions: 'absorb' }, '*': { actions: 'absorb' } },
    },
    done: { type: 'final' },
  },
});

/**
 * Times the three parts of routing separately, so that the end-to-end figure can be explained:
 * the router alone (actors replaced by a no-op), then starting every channel actor the stream
 * creates, then delivering every event the router chose, in order, to those actors. The three add
 * up to an estimate of the end-to-end figure for `machine` (default: the channel statechart).
 *
 * @example
 * const parts = measureRoutingBreakdown(generateCallStream({ calls: 4000, concurrent: 500 }));
 */
export function measureRoutingBreakdown(
  messages: readonly AmiMessage[],
  machine: AnyStateMachine = channelMachine,
  options: { fold?: boolean } = {},
): RoutingBreakdown {
  const plan: Plan = [];
  // The router's own work, look-ups and deliveries included; only the actors behind it do nothing.
  const router = new ChannelRouter({
    create: (uniqueid, input) => {
      plan.push({ uniqueid, input });
      return {
        start: () => {},
        send: (event: ChannelEvent) => plan.push({ uniqueid, event }),
      };
    },
    created: () => {},
    bridge: () => {},
  });
  const started = process.hrtime.bigint();
  for (const message of messages) router.route(message);
  router.folds.flush();
  const routingSeconds = seconds(started);
  // One delivery per event (the floor's one macrostep each) unless folding is measured.
  const steps: Plan =
    options.fold === false
      ? plan.flatMap((step) =>
          'event' in step && step.event.type === 'ami.batch' && 'events' in step.event
            ? step.event.events.map((event) => ({ uniqueid: step.uniqueid, event }))
            : [step],
        )
      : plan;

  const actors = new Map<string, ReturnType<typeof createActor<AnyStateMachine>>>();
  const startAt = process.hrtime.bigint();
  for (const step of steps) {
    if (!('input' in step)) continue;
    const actor = createActor(machine, { id: step.uniqueid, input: step.input });
    actors.set(step.uniqueid, actor.start());
  }
  const startSeconds = seconds(startAt);

  let deliveries = 0;
  const stepAt = process.hrtime.bigint();
  for (const step of steps) {
    if (!('event' in step)) continue;
    actors.get(step.uniqueid)?.send(step.event);
    deliveries++;
  }
  const stepSeconds = seconds(stepAt);
  for (const actor of actors.values()) actor.stop();

  return {
    routingPerSecond: messages.length / routingSeconds,
    startMicros: (startSeconds * 1e6) / actors.size,
    stepMicros: (stepSeconds * 1e6) / deliveries,
    channels: actors.size,
    deliveries,
  };
}
