// The channel statechart on its own: feed it AMI events, read its state and its output.
import { channelInputFrom, channelMachine, describeChannel, toChannelEvent } from 'octostate';
import { createMessage } from 'octostate/connection';
import { createActor } from 'xstate';

const channel = (event: string, extra: Array<[string, string]> = []) =>
  createMessage([
    ['Event', event],
    ['Channel', 'PJSIP/alice-00000001'],
    ['Uniqueid', '1795808411.5'],
    ['Linkedid', '1795808411.5'],
    ...extra,
  ]);

// Its input comes from the first event seen about the channel (Newchannel, or a resync item).
const newchannel = channel('Newchannel', [
  ['ChannelState', '4'],
  ['Exten', '500'],
]);
const actor = createActor(channelMachine, { input: channelInputFrom(newchannel) }).start();
console.log(describeChannel(actor.getSnapshot())); // ringing

for (const message of [
  channel('Newstate', [['ChannelState', '6']]),
  channel('AsyncAGIStart'),
  channel('Hangup', [
    ['Cause', '16'],
    ['Cause-txt', 'Normal Clearing'],
  ]),
]) {
  actor.send(toChannelEvent(message));
  console.log(describeChannel(actor.getSnapshot()));
}
console.log(actor.getSnapshot().output); // { cause: 16, causeText: 'Normal Clearing', ... }
