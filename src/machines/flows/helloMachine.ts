import { setup } from 'xstate';
import { type AgiServiceInput, agiServices } from './agiServices.js';

/** The call to greet, and what to play (default `hello-world`). */
export interface HelloInput extends AgiServiceInput {
  readonly file?: string;
}

/**
 * The smallest call flow: answer, play a sound, hang up; a caller who hangs up first (or an AGI
 * session that ends) finishes it in `gone`. Each step is an invoked AGI service, so `.provide()`
 * can swap any of them.
 *
 * @example
 * runtime.handle({ exten: '403', inAgi: true }, helloMachine);
 */
export const helloMachine = setup({
  types: {
    context: {} as { call: HelloInput['call']; file: string },
    input: {} as HelloInput,
  },
  actors: agiServices,
}).createMachine({
  id: 'hello',
  context: ({ input }) => ({ call: input.call, file: input.file ?? 'hello-world' }),
  initial: 'answering',
  states: {
    answering: {
      invoke: {
        src: 'answer',
        input: ({ context }) => ({ call: context.call }),
        onDone: 'greeting',
        onError: 'gone',
      },
    },
    greeting: {
      invoke: {
        src: 'streamFile',
        input: ({ context }) => ({ call: context.call, file: context.file }),
        onDone: 'hangingUp',
        onError: 'gone',
      },
    },
    hangingUp: {
      invoke: {
        src: 'hangup',
        input: ({ context }) => ({ call: context.call }),
        onDone: 'done',
        onError: 'gone',
      },
    },
    done: { type: 'final' },
    /** The caller hung up (or AGI ended) before the greeting was through. */
    gone: { type: 'final' },
  },
});
