import { afterEach, describe, expect, it, vi } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { AsyncAgi } from '../../src/calls/asyncAgi.js';
import { Call } from '../../src/calls/Call.js';
import type {
  CollectDigitsInput,
  CollectDigitsOutput,
  CollectDigitsReason,
} from '../../src/calls/collectDigitsMachine.js';
import { channelInputFrom } from '../../src/machines/channel/channelContext.js';
import { toChannelEvent } from '../../src/machines/channel/channelEvents.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';
import { createMessage } from '../../src/protocol/serialize.js';

/**
 * Model-based test of digit collection. The model below is written from the specification (at most
 * `max` keys, `#` ends early and is dropped, a timeout for the first key and one between keys, a
 * hang-up ends with what was typed), independently of `collectDigitsMachine`, with the timeouts as
 * explicit events. The system under test is the whole path an application uses:
 * `Call.collectDigits` on a live channel statechart, fed `DTMFEnd` and `Hangup` AMI events shaped as
 * Asterisk sends them, its timers on a fake clock. Every shortest path (one per reachable model
 * state) and every simple path to an end is driven; the result must be the model's.
 */

const INPUT: CollectDigitsInput = {
  max: 3,
  timeoutMs: 4000,
  interDigitTimeoutMs: 1500,
  terminator: '#',
};
const UNIQUEID = '1795808411.5';
const NAME = 'PJSIP/alice-00000001';

const base = (): Array<[string, string]> => [
  ['Channel', NAME],
  ['ChannelState', '6'],
  ['ChannelStateDesc', 'Up'],
  ['CallerIDNum', '100'],
  ['CallerIDName', 'Alice'],
  ['Context', 'default'],
  ['Exten', '403'],
  ['Priority', '1'],
  ['Uniqueid', UNIQUEID],
  ['Linkedid', UNIQUEID],
];

type ModelEvent =
  | { type: 'DIGIT'; digit: string }
  | { type: 'HANGUP' }
  | { type: 'FIRST_TIMEOUT' }
  | { type: 'NEXT_TIMEOUT' };

const EVENTS: ModelEvent[] = [
  { type: 'DIGIT', digit: '1' },
  { type: 'DIGIT', digit: '2' },
  { type: 'DIGIT', digit: '#' },
  { type: 'HANGUP' },
  { type: 'FIRST_TIMEOUT' },
  { type: 'NEXT_TIMEOUT' },
];

/** The specification as a statechart: timers are events here, so paths can be generated. */
const model = setup({
  types: {
    context: {} as { digits: string; reason: CollectDigitsReason | '' },
    events: {} as ModelEvent,
  },
  guards: {
    isHash: ({ event }) => event.type === 'DIGIT' && event.digit === '#',
    fills: ({ context }) => context.digits.length + 1 >= INPUT.max,
  },
  actions: {
    take: assign({
      digits: ({ context, event }) =>
        event.type === 'DIGIT' ? context.digits + event.digit : context.digits,
    }),
    end: assign((_, params: { reason: CollectDigitsReason }) => ({ reason: params.reason })),
  },
}).createMachine({
  id: 'model',
  context: { digits: '', reason: '' },
  initial: 'typing',
  on: { HANGUP: { target: '.done', actions: { type: 'end', params: { reason: 'hangup' } } } },
  states: {
    typing: {
      initial: 'waiting',
      on: {
        DIGIT: [
          {
            guard: 'isHash',
            target: 'done',
            actions: { type: 'end', params: { reason: 'terminator' } },
          },
          {
            guard: 'fills',
            target: 'done',
            actions: ['take', { type: 'end', params: { reason: 'max' } }],
          },
          { target: '.collecting', actions: 'take' },
        ],
      },
      states: {
        waiting: {
          on: {
            FIRST_TIMEOUT: {
              target: '#model.done',
              actions: { type: 'end', params: { reason: 'timeout' } },
            },
          },
        },
        collecting: {
          on: {
            NEXT_TIMEOUT: {
              target: '#model.done',
              actions: { type: 'end', params: { reason: 'timeout' } },
            },
          },
        },
      },
    },
    done: { type: 'final' },
  },
});

afterEach(() => {
  vi.useRealTimers();
});

/** A live channel actor and its Call; digits and hang-ups arrive as AMI events. */
function liveCall() {
  const actor = createActor(channelMachine, {
    input: channelInputFrom(createMessage([['Event', 'Newchannel'], ...base()])),
  }).start();
  const client = { action: async () => createMessage([['Response', 'Success']]) };
  const call = new Call(actor, client, new AsyncAgi(client).transport(actor));
  return {
    call,
    press: (digit: string) =>
      actor.send(
        toChannelEvent(
          createMessage([
            ['Event', 'DTMFEnd'],
            ...base(),
            ['Digit', digit],
            ['DurationMs', '120'],
            ['Direction', 'Received'],
          ]),
        ),
      ),
    hangUp: () =>
      actor.send(
        toChannelEvent(
          createMessage([
            ['Event', 'Hangup'],
            ...base(),
            ['Cause', '16'],
            ['Cause-txt', 'Normal Clearing'],
          ]),
        ),
      ),
  };
}

describe('collectDigits (model-based)', () => {
  const testModel = createTestModel(model, {
    events: EVENTS,
    // Nothing happens to a finished collection: no path goes on past its end.
    filterEvents: (snapshot) => snapshot.status !== 'done',
    serializeState: (snapshot) => JSON.stringify([snapshot.value, snapshot.context]),
  });
  const shortest = testModel.getShortestPaths({ allowDuplicatePaths: true });
  const complete = testModel.getSimplePaths({ toState: (snapshot) => snapshot.status === 'done' });

  it('should have paths to every reachable state and every way to finish', () => {
    const reasons = new Set(complete.map((path) => path.state.context.reason));
    expect([...reasons].sort()).toEqual(['hangup', 'max', 'terminator', 'timeout']);
    expect(shortest.length).toBeGreaterThan(5);
  });

  for (const path of [...shortest, ...complete]) {
    const steps = path.steps
      .map(({ event }) => (event.type === 'DIGIT' ? event.digit : event.type))
      .filter((label) => label !== 'xstate.init')
      .join(' ');
    it(`should collect like the model along: ${steps || '(start)'}`, async () => {
      vi.useFakeTimers();
      const { call, press, hangUp } = liveCall();
      let outcome: CollectDigitsOutput | undefined;
      const collecting = call.collectDigits(INPUT).then((output) => {
        outcome = output;
      });
      await path.test({
        events: {
          DIGIT: ({ event }) => {
            press((event as unknown as { digit: string }).digit);
          },
          HANGUP: () => {
            hangUp();
          },
          // Just short of the timeout nothing happens; at the timeout collection ends.
          FIRST_TIMEOUT: async () => {
            await vi.advanceTimersByTimeAsync(INPUT.timeoutMs! - 1);
            expect(outcome).toBeUndefined();
            await vi.advanceTimersByTimeAsync(1);
          },
          NEXT_TIMEOUT: async () => {
            await vi.advanceTimersByTimeAsync(INPUT.interDigitTimeoutMs! - 1);
            expect(outcome).toBeUndefined();
            await vi.advanceTimersByTimeAsync(1);
          },
        },
        states: {
          '*': async (snapshot) => {
            await vi.advanceTimersByTimeAsync(0);
            if (snapshot.status === 'done') {
              const { digits, reason } = snapshot.context;
              expect(outcome).toEqual({ digits, reason });
            } else {
              expect(outcome).toBeUndefined();
            }
          },
        },
      });
      if (path.state.status === 'done') await collecting;
    });
  }
});

describe('collectDigits timers', () => {
  it('should restart the inter-digit timeout at every key', async () => {
    vi.useFakeTimers();
    const { call, press } = liveCall();
    let outcome: CollectDigitsOutput | undefined;
    void call.collectDigits(INPUT).then((output) => {
      outcome = output;
    });
    press('1');
    await vi.advanceTimersByTimeAsync(1000);
    press('2');
    await vi.advanceTimersByTimeAsync(1000);
    // 2,000 ms since the first key, but only 1,000 since the last: still collecting.
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(500);
    expect(outcome).toEqual({ digits: '12', reason: 'timeout' });
  });
});
