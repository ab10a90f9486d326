import { assign, setup } from 'xstate';

/** How to collect: how many keys, how long to wait, which key ends early. */
export interface CollectDigitsInput {
  /** Most keys to collect; collection ends as soon as this many arrived. */
  readonly max: number;
  /** How long to wait for the first key, in ms (default 5,000). */
  readonly timeoutMs?: number;
  /** How long to wait for each following key, in ms (default 3,000). */
  readonly interDigitTimeoutMs?: number;
  /** A key that ends collection early and is not part of the result (default `#`; `''` for none). */
  readonly terminator?: string;
}

/** Why collection ended. */
export type CollectDigitsReason = 'max' | 'terminator' | 'timeout' | 'hangup';

/** What was collected. */
export interface CollectDigitsOutput {
  /** The keys, in order, without the terminator. */
  readonly digits: string;
  readonly reason: CollectDigitsReason;
}

/** The keys the caller presses (`DIGIT`), and the end of the call (`HANGUP`). */
export type CollectDigitsEvent = { type: 'DIGIT'; digit: string } | { type: 'HANGUP' };

interface CollectDigitsContext {
  readonly max: number;
  readonly timeoutMs: number;
  readonly interDigitTimeoutMs: number;
  readonly terminator: string;
  readonly digits: string;
  readonly reason: CollectDigitsReason;
}

/**
 * Collects DTMF digits as a caller types them: up to `max` keys, a terminator key, a timeout for the
 * first key and another between keys. Pure: it only reacts to `DIGIT` and `HANGUP` events and its
 * two named delays, so it can be fed from `DTMFEnd` events, from AGI, or from a test, and embedded
 * in larger call flows (passcode, menus) that invoke it as a child.
 *
 * @example
 * const collect = createActor(collectDigitsMachine, { input: { max: 5, terminator: '#' } }).start();
 * collect.send({ type: 'DIGIT', digit: '1' });
 * collect.send({ type: 'DIGIT', digit: '#' });
 * collect.getSnapshot().output; // { digits: '1', reason: 'terminator' }
 */
export const collectDigitsMachine = setup({
  types: {
    context: {} as CollectDigitsContext,
    input: {} as CollectDigitsInput,
    output: {} as CollectDigitsOutput,
    events: {} as CollectDigitsEvent,
  },
  delays: {
    firstDigit: ({ context }) => context.timeoutMs,
    nextDigit: ({ context }) => context.interDigitTimeoutMs,
  },
  guards: {
    isTerminator: ({ context, event }) =>
      event.type === 'DIGIT' && context.terminator !== '' && event.digit === context.terminator,
    fillsUp: ({ context }) => context.digits.length + 1 >= context.max,
  },
  actions: {
    append: assign({
      digits: ({ context, event }) =>
        event.type === 'DIGIT' ? context.digits + event.digit : context.digits,
    }),
    endWith: assign((_, params: { reason: CollectDigitsReason }) => ({ reason: params.reason })),
  },
}).createMachine({
  id: 'collectDigits',
  context: ({ input }) => ({
    max: Math.max(1, input.max),
    timeoutMs: input.timeoutMs ?? 5_000,
    interDigitTimeoutMs: input.interDigitTimeoutMs ?? 3_000,
    terminator: input.terminator ?? '#',
    digits: '',
    reason: 'timeout',
  }),
  initial: 'listening',
  on: {
    HANGUP: { target: '.done', actions: { type: 'endWith', params: { reason: 'hangup' } } },
  },
  states: {
    listening: {
      initial: 'waiting',
      on: {
        DIGIT: [
          {
            guard: 'isTerminator',
            target: 'done',
            actions: { type: 'endWith', params: { reason: 'terminator' } },
          },
          {
            guard: 'fillsUp',
            target: 'done',
            actions: ['append', { type: 'endWith', params: { reason: 'max' } }],
          },
          // Entering `collecting` afresh at every key restarts the inter-digit timer.
          { target: '.collecting', reenter: true, actions: 'append' },
        ],
      },
      states: {
        waiting: {
          after: {
            firstDigit: {
              target: '#collectDigits.done',
              actions: { type: 'endWith', params: { reason: 'timeout' } },
            },
          },
        },
        collecting: {
          after: {
            nextDigit: {
              target: '#collectDigits.done',
              actions: { type: 'endWith', params: { reason: 'timeout' } },
            },
          },
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ digits: context.digits, reason: context.reason }),
});
