import { assign, setup } from 'xstate';
import { type AgiServiceInput, agiServices } from './agiServices.js';

/** How to ask for a passcode. Everything but `call` has a default. */
export interface PasscodeInput extends AgiServiceInput {
  /** The code to type (default `12345`); the `isCorrect` guard compares with it. */
  readonly expected?: string;
  /** How many codes the caller may try (default 3). */
  readonly maxAttempts?: number;
  /** Asks for the code (default `agent-pass`: "please enter your password followed by pound"). */
  readonly prompt?: string;
  /** Played after a wrong code, before asking again (default `vm-incorrect`: "login incorrect"). */
  readonly retryPrompt?: string;
  /** `GET DATA` timeout: for the first key after the prompt and between keys, in ms (default 5,000). */
  readonly digitTimeoutMs?: number;
  /** Most keys one attempt takes (default 16: the caller ends with `#`, or stops typing). */
  readonly maxDigits?: number;
}

/** How asking ended: the right code, too many wrong ones, or the call went away. */
export type PasscodeReason = 'granted' | 'denied' | 'gone';

/** The outcome of {@link passcodeMachine}. */
export interface PasscodeOutput {
  readonly granted: boolean;
  /** Codes the caller entered (a timeout with nothing typed counts as one). */
  readonly attempts: number;
  readonly reason: PasscodeReason;
  /** With `gone`: the AGI error that ended it (a hang-up: `AgiSessionEndedError`...). */
  readonly error?: unknown;
}

/** What {@link passcodeMachine} keeps while it runs. */
export interface PasscodeContext {
  readonly call: PasscodeInput['call'];
  readonly expected: string;
  readonly maxAttempts: number;
  readonly prompt: string;
  readonly retryPrompt: string;
  readonly digitTimeoutMs: number;
  readonly maxDigits: number;
  readonly attempts: number;
  readonly reason: PasscodeReason;
  readonly error?: unknown;
}

/**
 * Asks the caller for a passcode with AGI `GET DATA` (the prompt is interruptible; `#` ends the
 * input early) and checks it with the named guard `isCorrect`. A wrong code (or none before the
 * timeout) plays `retryPrompt` with `STREAM FILE`, then asks again, up to `maxAttempts` codes. It
 * does not answer the call: embed it in a flow that did. A hang-up or an AGI error during any
 * step ends it in `gone`.
 *
 * Everything is named, so `.provide()` swaps it: the services `getData` and `streamFile`, the
 * guards `isCorrect` (e.g. a synchronous look-up in a database of codes) and `hasAttemptsLeft`.
 *
 * @example
 * // As a child of a call flow, with the caller's own check:
 * const checked = passcodeMachine.provide({
 *   guards: { isCorrect: (_, { digits }) => validPins.has(digits) },
 * });
 * const flow = setup({ actors: { ...agiServices, passcode: checked } }).createMachine({
 *   // ... after answering:
 *   invoke: {
 *     id: 'passcode',
 *     src: 'passcode',
 *     input: ({ context }) => ({ call: context.call, maxAttempts: 2 }),
 *     onDone: [{ guard: ({ event }) => event.output.granted, target: 'menu' }, { target: 'goodbye' }],
 *   },
 * });
 */
export const passcodeMachine = setup({
  types: {
    context: {} as PasscodeContext,
    input: {} as PasscodeInput,
    output: {} as PasscodeOutput,
  },
  actors: { getData: agiServices.getData, streamFile: agiServices.streamFile },
  guards: {
    /** The code just entered (`digits`) is the right one. */
    isCorrect: ({ context }, params: { digits: string }) => params.digits === context.expected,
    /** The caller may try again after the code just entered. */
    hasAttemptsLeft: ({ context }) => context.attempts + 1 < context.maxAttempts,
  },
  actions: {
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    endWith: assign((_, params: { reason: PasscodeReason }) => ({ reason: params.reason })),
    keepError: assign({ error: ({ event }) => ('error' in event ? event.error : undefined) }),
  },
}).createMachine({
  id: 'passcode',
  context: ({ input }) => ({
    call: input.call,
    expected: input.expected ?? '12345',
    maxAttempts: Math.max(1, input.maxAttempts ?? 3),
    prompt: input.prompt ?? 'agent-pass',
    retryPrompt: input.retryPrompt ?? 'vm-incorrect',
    digitTimeoutMs: input.digitTimeoutMs ?? 5_000,
    maxDigits: input.maxDigits ?? 16,
    attempts: 0,
    reason: 'gone',
  }),
  initial: 'asking',
  states: {
    asking: {
      invoke: {
        src: 'getData',
        input: ({ context }) => ({
          call: context.call,
          prompt: context.prompt,
          timeoutMs: context.digitTimeoutMs,
          maxDigits: context.maxDigits,
        }),
        onDone: [
          {
            guard: { type: 'isCorrect', params: ({ event }) => ({ digits: event.output.digits }) },
            target: 'granted',
            actions: ['countAttempt', { type: 'endWith', params: { reason: 'granted' } }],
          },
          { guard: 'hasAttemptsLeft', target: 'retrying', actions: 'countAttempt' },
          {
            target: 'denied',
            actions: ['countAttempt', { type: 'endWith', params: { reason: 'denied' } }],
          },
        ],
        onError: { target: 'gone', actions: 'keepError' },
      },
    },
    retrying: {
      invoke: {
        src: 'streamFile',
        input: ({ context }) => ({ call: context.call, file: context.retryPrompt }),
        onDone: 'asking',
        onError: { target: 'gone', actions: 'keepError' },
      },
    },
    granted: { type: 'final' },
    denied: { type: 'final' },
    /** The caller hung up (or AGI failed) before the outcome was known. */
    gone: { type: 'final' },
  },
  output: ({ context }) => ({
    granted: context.reason === 'granted',
    attempts: context.attempts,
    reason: context.reason,
    ...(context.error === undefined ? {} : { error: context.error }),
  }),
});
