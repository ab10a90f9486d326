import { assign, setup } from 'xstate';
import { type AgiServiceInput, agiServices } from './agiServices.js';

/** What to offer. Everything but `call` has a default. */
export interface MenuInput extends AgiServiceInput {
  /** Sounds that present the choices, played in order (default: "press 1, press 2"). */
  readonly prompt?: readonly string[];
  /** The keys that choose (default `['1', '2']`); they also interrupt the prompt. */
  readonly choices?: readonly string[];
  /** How many times the menu is offered before giving up (default 3). */
  readonly maxTries?: number;
  /** How long to wait for a key once the prompt is over, in ms (default 5,000). */
  readonly timeoutMs?: number;
  /** Played before the prompt when the menu is offered again (default `please-try-again`). */
  readonly retryPrompt?: string;
}

/** How the menu ended: a choice, no valid choice after `maxTries`, or the call went away. */
export type MenuReason = 'chosen' | 'noChoice' | 'gone';

/** The outcome of {@link menuMachine}. */
export interface MenuOutput {
  /** The key chosen, one of the choices; undefined without a choice. */
  readonly choice: string | undefined;
  /** How many times the menu was offered (1 when the caller chose at once). */
  readonly tries: number;
  readonly reason: MenuReason;
  /** With `gone`: the AGI error that ended it (a hang-up: `AgiSessionEndedError`...). */
  readonly error?: unknown;
}

/** What {@link menuMachine} keeps while it runs. */
export interface MenuContext {
  readonly call: MenuInput['call'];
  readonly prompt: readonly string[];
  readonly choices: readonly string[];
  readonly maxTries: number;
  readonly timeoutMs: number;
  readonly retryPrompt: string;
  /** The sounds of this offer (the retry prompt, then the prompt, on later offers). */
  readonly playing: readonly string[];
  /** Which of `playing` plays now. */
  readonly index: number;
  readonly tries: number;
  readonly choice: string | undefined;
  readonly reason: MenuReason;
  readonly error?: unknown;
}

/** The default prompt: core sounds saying "press 1, press 2". */
export const DEFAULT_MENU_PROMPT: readonly string[] = [
  'vm-press',
  'digits/1',
  'vm-press',
  'digits/2',
];

/**
 * A DTMF menu over AGI. Each sound of the prompt is played with `STREAM FILE`, the choices as
 * escape digits, so a valid key interrupts it (other keys are ignored while it plays); once the
 * prompt is over, `WAIT FOR DIGIT` waits `timeoutMs` for a key. An invalid key or no key offers the
 * menu again, `retryPrompt` first, up to `maxTries` offers. A hang-up or an AGI error during any
 * step ends it in `gone`.
 *
 * Named implementations, for `.provide()`: the services `streamFile` and `waitForDigit`, the guards
 * `isChoice` (params: the key, maybe undefined), `hasMoreSounds` and `hasTriesLeft`.
 *
 * @example
 * const flow = setup({ actors: { ...agiServices, menu: menuMachine } }).createMachine({
 *   // ... after answering:
 *   invoke: {
 *     id: 'menu',
 *     src: 'menu',
 *     input: ({ context }) => ({ call: context.call, prompt: ['vm-press', 'digits/1'], choices: ['1'] }),
 *     onDone: [{ guard: ({ event }) => event.output.choice === '1', target: 'sales' }, { target: 'goodbye' }],
 *   },
 * });
 */
export const menuMachine = setup({
  types: {
    context: {} as MenuContext,
    input: {} as MenuInput,
    output: {} as MenuOutput,
  },
  actors: { streamFile: agiServices.streamFile, waitForDigit: agiServices.waitForDigit },
  guards: {
    /** The key (if any) is one of the choices. */
    isChoice: ({ context }, params: { digit: string | undefined }) =>
      params.digit !== undefined && context.choices.includes(params.digit),
    /** The offer has sounds left to play after the current one. */
    hasMoreSounds: ({ context }) => context.index + 1 < context.playing.length,
    /** The menu may be offered again. */
    hasTriesLeft: ({ context }) => context.tries < context.maxTries,
  },
  actions: {
    choose: assign((_, params: { digit: string | undefined }) => ({
      choice: params.digit,
      reason: 'chosen' as const,
    })),
    nextSound: assign({ index: ({ context }) => context.index + 1 }),
    offerAgain: assign(({ context }) => ({
      tries: context.tries + 1,
      index: 0,
      playing: [context.retryPrompt, ...context.prompt],
    })),
    giveUp: assign({ reason: 'noChoice' as const }),
    keepError: assign({ error: ({ event }) => ('error' in event ? event.error : undefined) }),
  },
}).createMachine({
  id: 'menu',
  context: ({ input }) => {
    const prompt = input.prompt ?? DEFAULT_MENU_PROMPT;
    return {
      call: input.call,
      prompt,
      choices: input.choices ?? ['1', '2'],
      maxTries: Math.max(1, input.maxTries ?? 3),
      timeoutMs: input.timeoutMs ?? 5_000,
      retryPrompt: input.retryPrompt ?? 'please-try-again',
      playing: prompt,
      index: 0,
      tries: 1,
      choice: undefined,
      reason: 'gone',
    };
  },
  initial: 'prompting',
  states: {
    prompting: {
      invoke: {
        src: 'streamFile',
        input: ({ context }) => ({
          call: context.call,
          file: context.playing[context.index] ?? '',
          escapeDigits: context.choices.join(''),
        }),
        onDone: [
          {
            guard: { type: 'isChoice', params: ({ event }) => ({ digit: event.output.digit }) },
            target: 'chosen',
            actions: { type: 'choose', params: ({ event }) => ({ digit: event.output.digit }) },
          },
          { guard: 'hasMoreSounds', target: 'prompting', reenter: true, actions: 'nextSound' },
          { target: 'waiting' },
        ],
        onError: { target: 'gone', actions: 'keepError' },
      },
    },
    waiting: {
      invoke: {
        src: 'waitForDigit',
        input: ({ context }) => ({ call: context.call, timeoutMs: context.timeoutMs }),
        onDone: [
          {
            guard: { type: 'isChoice', params: ({ event }) => ({ digit: event.output }) },
            target: 'chosen',
            actions: { type: 'choose', params: ({ event }) => ({ digit: event.output }) },
          },
          { guard: 'hasTriesLeft', target: 'prompting', actions: 'offerAgain' },
          { target: 'noChoice', actions: 'giveUp' },
        ],
        onError: { target: 'gone', actions: 'keepError' },
      },
    },
    chosen: { type: 'final' },
    noChoice: { type: 'final' },
    /** The caller hung up (or AGI failed) before choosing. */
    gone: { type: 'final' },
  },
  output: ({ context }) => ({
    choice: context.choice,
    tries: context.tries,
    reason: context.reason,
    ...(context.error === undefined ? {} : { error: context.error }),
  }),
});
