import { assign, setup } from 'xstate';
import { type AgiServiceInput, agiServices } from './agiServices.js';
import { type MenuInput, type MenuOutput, menuMachine } from './menuMachine.js';
import { type PasscodeInput, type PasscodeOutput, passcodeMachine } from './passcodeMachine.js';

/** The call, and how to run the IVR. Everything but `call` has a default. */
export interface IvrInput extends AgiServiceInput {
  /** Passed to the `passcode` child (default: code `12345`, 3 attempts). */
  readonly passcode?: Omit<PasscodeInput, 'call'>;
  /** Passed to the `menu` child (default: "press 1, press 2", keys 1 and 2, 3 tries). */
  readonly menu?: Omit<MenuInput, 'call'>;
  /** What key 1 dials: the arguments of `Dial` (default `Local/agent@default`). */
  readonly dial?: string;
  /** Played before hanging up, except after a Dial (default `vm-goodbye`). */
  readonly goodbye?: string;
}

/**
 * How the call ended: connected to the dialled party (`Dial` returned), said goodbye after key 2,
 * after a wrong passcode or after no valid choice, or gone (hung up, or AGI failed, on the way).
 */
export type IvrOutcome = 'connected' | 'goodbye' | 'denied' | 'noChoice' | 'gone';

/** The outcome of {@link ivrMachine}, with what its children returned. */
export interface IvrOutput {
  readonly outcome: IvrOutcome;
  readonly passcode: PasscodeOutput | undefined;
  readonly menu: MenuOutput | undefined;
  /** With `gone` outside the children: the AGI error that ended it. */
  readonly error?: unknown;
}

/** What {@link ivrMachine} keeps while it runs. */
export interface IvrContext {
  readonly call: IvrInput['call'];
  readonly passcodeOptions: Omit<PasscodeInput, 'call'>;
  readonly menuOptions: Omit<MenuInput, 'call'>;
  readonly dial: string;
  readonly goodbye: string;
  readonly outcome: IvrOutcome;
  readonly passcode: PasscodeOutput | undefined;
  readonly menu: MenuOutput | undefined;
  readonly error?: unknown;
}

/**
 * An IVR: answer, ask for a passcode, then offer a menu where 1 dials another extension and
 * 2 hangs up. The passcode and the menu are child machines invoked by the names `passcode`
 * ({@link passcodeMachine}) and `menu` ({@link menuMachine}); while one runs, the IVR actor's
 * `getSnapshot().children.passcode` (or `.menu`) is its actor.
 *
 * answering → passcode → (granted) menu → 1: connecting (`EXEC Dial`) → hangingUp;
 * 2 or no valid choice: farewell (`goodbye`) → hangingUp; a wrong passcode: farewell too. A hang-up
 * (or AGI error) before the outcome is known ends in `gone`; once it is known (after `Dial`
 * returned, during the goodbye), a hang-up does not change it.
 *
 * Applications override any part with `.provide()`: the children (`passcode`, `menu`), the AGI
 * services (`answer`, `streamFile`, `exec`, `hangup`), the guards (`isGranted`, `choseConnect`,
 * `choseGoodbye`, `isGone`). `runtime.handle` starts it with `{ call }` only, so the other inputs
 * keep their defaults there: change behaviour with `.provide()`, or start the actor yourself (a
 * function handler) with the input you want.
 *
 * @example
 * runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
 *
 * // Another check of the passcode, and a menu of one choice only:
 * const myIvr = ivrMachine.provide({
 *   actors: {
 *     passcode: passcodeMachine.provide({ guards: { isCorrect: (_, { digits }) => pins.has(digits) } }),
 *     menu: menuMachine.provide({ guards: { isChoice: (_, { digit }) => digit === '1' } }),
 *   },
 * });
 * runtime.handle({ exten: '500', inAgi: true }, myIvr);
 */
export const ivrMachine = setup({
  types: {
    context: {} as IvrContext,
    input: {} as IvrInput,
    output: {} as IvrOutput,
  },
  actors: {
    answer: agiServices.answer,
    streamFile: agiServices.streamFile,
    exec: agiServices.exec,
    hangup: agiServices.hangup,
    passcode: passcodeMachine,
    menu: menuMachine,
  },
  guards: {
    /** The passcode child let the caller in. */
    isGranted: (_, params: { passcode: PasscodeOutput }) => params.passcode.granted,
    /** The caller chose to be connected (key 1). */
    choseConnect: (_, params: { menu: MenuOutput }) => params.menu.choice === '1',
    /** The caller chose to hang up (key 2). */
    choseGoodbye: (_, params: { menu: MenuOutput }) => params.menu.choice === '2',
    /** A child ended because the call went away. */
    isGone: (_, params: { reason: string }) => params.reason === 'gone',
  },
  actions: {
    decide: assign((_, params: { outcome: IvrOutcome }) => ({ outcome: params.outcome })),
    keepError: assign({ error: ({ event }) => ('error' in event ? event.error : undefined) }),
  },
}).createMachine({
  id: 'ivr',
  context: ({ input }) => ({
    call: input.call,
    passcodeOptions: input.passcode ?? {},
    menuOptions: input.menu ?? {},
    dial: input.dial ?? 'Local/agent@default',
    goodbye: input.goodbye ?? 'vm-goodbye',
    outcome: 'gone',
    passcode: undefined,
    menu: undefined,
  }),
  initial: 'answering',
  states: {
    answering: {
      invoke: {
        src: 'answer',
        input: ({ context }) => ({ call: context.call }),
        onDone: 'passcode',
        onError: { target: 'gone', actions: 'keepError' },
      },
    },
    passcode: {
      invoke: {
        id: 'passcode',
        src: 'passcode',
        input: ({ context }) => ({ ...context.passcodeOptions, call: context.call }),
        onDone: [
          {
            guard: { type: 'isGranted', params: ({ event }) => ({ passcode: event.output }) },
            target: 'menu',
            actions: assign({ passcode: ({ event }) => event.output }),
          },
          {
            guard: { type: 'isGone', params: ({ event }) => ({ reason: event.output.reason }) },
            target: 'gone',
            actions: assign({ passcode: ({ event }) => event.output }),
          },
          {
            target: 'farewell',
            actions: [
              assign({ passcode: ({ event }) => event.output }),
              { type: 'decide', params: { outcome: 'denied' } },
            ],
          },
        ],
        onError: { target: 'gone', actions: 'keepError' },
      },
    },
    menu: {
      invoke: {
        id: 'menu',
        src: 'menu',
        input: ({ context }) => ({ ...context.menuOptions, call: context.call }),
        onDone: [
          {
            guard: { type: 'choseConnect', params: ({ event }) => ({ menu: event.output }) },
            target: 'connecting',
            actions: assign({ menu: ({ event }) => event.output }),
          },
          {
            guard: { type: 'choseGoodbye', params: ({ event }) => ({ menu: event.output }) },
            target: 'farewell',
            actions: [
              assign({ menu: ({ event }) => event.output }),
              { type: 'decide', params: { outcome: 'goodbye' } },
            ],
          },
          {
            guard: { type: 'isGone', params: ({ event }) => ({ reason: event.output.reason }) },
            target: 'gone',
            actions: assign({ menu: ({ event }) => event.output }),
          },
          {
            target: 'farewell',
            actions: [
              assign({ menu: ({ event }) => event.output }),
              { type: 'decide', params: { outcome: 'noChoice' } },
            ],
          },
        ],
        onError: { target: 'gone', actions: 'keepError' },
      },
    },
    connecting: {
      invoke: {
        src: 'exec',
        input: ({ context }) => ({ call: context.call, application: 'Dial', args: context.dial }),
        onDone: {
          target: 'hangingUp',
          actions: { type: 'decide', params: { outcome: 'connected' } },
        },
        onError: { target: 'gone', actions: 'keepError' },
      },
    },
    farewell: {
      invoke: {
        src: 'streamFile',
        input: ({ context }) => ({ call: context.call, file: context.goodbye }),
        onDone: 'hangingUp',
        // The outcome is known: a caller who hangs up during the goodbye changes nothing.
        onError: 'done',
      },
    },
    hangingUp: {
      invoke: {
        src: 'hangup',
        input: ({ context }) => ({ call: context.call }),
        onDone: 'done',
        onError: 'done',
      },
    },
    done: { type: 'final' },
    /** The caller hung up (or AGI failed) before the outcome was known. */
    gone: { type: 'final', entry: { type: 'decide', params: { outcome: 'gone' } } },
  },
  output: ({ context }) => ({
    outcome: context.outcome,
    passcode: context.passcode,
    menu: context.menu,
    ...(context.error === undefined ? {} : { error: context.error }),
  }),
});
