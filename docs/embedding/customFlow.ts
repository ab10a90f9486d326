// A flow of your own made of octostate's pieces: collect a mailbox number (collectDigits), check
// its PIN (the passcode machine), then offer a menu (the menu machine): 1 plays the messages,
// 2 says goodbye. Run here against a scripted caller, without a PBX.
import { pathToFileURL } from 'node:url';
import { agiServices, type DigitCollectingCall, menuMachine, passcodeMachine } from 'octostate';
import { assign, createActor, setup, toPromise } from 'xstate';
import { scriptedCall } from './scriptedCall.js';

export const voicemailMachine = setup({
  types: {
    context: {} as { call: DigitCollectingCall; mailbox: string; outcome: string },
    input: {} as { call: DigitCollectingCall },
    output: {} as { mailbox: string; outcome: string },
  },
  actors: { ...agiServices, passcode: passcodeMachine, menu: menuMachine },
}).createMachine({
  id: 'voicemail',
  context: ({ input }) => ({ call: input.call, mailbox: '', outcome: 'gone' }),
  initial: 'answering',
  states: {
    answering: {
      invoke: {
        src: 'answer',
        input: ({ context }) => ({ call: context.call }),
        onDone: 'mailbox',
        onError: 'done',
      },
    },
    mailbox: {
      invoke: {
        src: 'collectDigits',
        input: ({ context }) => ({ call: context.call, options: { max: 4, terminator: '#' } }),
        onDone: { target: 'pin', actions: assign({ mailbox: ({ event }) => event.output.digits }) },
        onError: 'done',
      },
    },
    pin: {
      invoke: {
        src: 'passcode',
        input: ({ context }) => ({ call: context.call, expected: '2468', maxAttempts: 2 }),
        onDone: [
          { guard: ({ event }) => event.output.granted, target: 'menu' },
          { target: 'done', actions: assign({ outcome: 'denied' }) },
        ],
      },
    },
    menu: {
      invoke: {
        src: 'menu',
        input: ({ context }) => ({ call: context.call, prompt: ['vm-youhave', 'vm-messages'] }),
        onDone: [
          { guard: ({ event }) => event.output.choice === '1', target: 'listening' },
          { target: 'done', actions: assign({ outcome: 'goodbye' }) },
        ],
      },
    },
    listening: {
      invoke: {
        src: 'streamFile',
        input: ({ context }) => ({ call: context.call, file: 'vm-message' }),
        onDone: { target: 'done', actions: assign({ outcome: 'listened' }) },
        onError: 'done',
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ mailbox: context.mailbox, outcome: context.outcome }),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { call, log } = scriptedCall({ typed: ['1001', '2468'], keys: ['1'] });
  const output = await toPromise(createActor(voicemailMachine, { input: { call } }).start());
  console.log(log.join('\n'));
  console.log(output); // { mailbox: '1001', outcome: 'listened' }
}
