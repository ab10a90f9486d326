// Overriding implementations by name with `.provide()`: a hook of the channel statechart, and the
// IVR with your own passcode check and a menu of one choice.
import {
  channelInputFrom,
  channelMachine,
  ivrMachine,
  menuMachine,
  passcodeMachine,
  toChannelEvent,
} from 'octostate';
import { createMessage } from 'octostate/connection';
import { createActor } from 'xstate';

const announcing = channelMachine.provide({
  actions: {
    onAnswered: ({ context }) => console.log(`${context.name} answered`),
    onHangup: ({ context }) => console.log(`${context.name} hung up (${context.hangup?.cause})`),
  },
});
const fields = (event: string, state: string): Array<[string, string]> => [
  ['Event', event],
  ['Channel', 'PJSIP/bob-00000002'],
  ['Uniqueid', '1795808412.7'],
  ['ChannelState', state],
];
const bob = createActor(announcing, {
  input: channelInputFrom(createMessage(fields('Newchannel', '0'))),
}).start();
bob.send(toChannelEvent(createMessage(fields('Newstate', '6')))); // PJSIP/bob-00000002 answered
bob.send(toChannelEvent(createMessage([...fields('Hangup', '6'), ['Cause', '16']])));

// The IVR, with a set of PINs instead of one passcode, and only key 2 (goodbye) in its menu.
const pins = new Set(['12345', '24680']);
export const myIvr = ivrMachine.provide({
  actors: {
    passcode: passcodeMachine.provide({
      guards: { isCorrect: (_, { digits }) => pins.has(digits) },
    }),
    menu: menuMachine.provide({
      guards: { isChoice: (_, { digit }) => digit === '2' },
    }),
  },
});
console.log(`my IVR has ${Object.keys(myIvr.root.states).length} states`);
