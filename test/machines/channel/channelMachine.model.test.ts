import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { supervisorMachine } from '../../../src/actors/supervisorMachine.js';
import { channelActorOf } from '../../../src/actors/supervisorQueries.js';
import {
  type ChannelAmiEvent,
  toChannelEvent,
} from '../../../src/machines/channel/channelEvents.js';
import { channelMachine } from '../../../src/machines/channel/channelMachine.js';
import { describeChannel } from '../../../src/machines/channel/describeChannel.js';
import type { AmiMessage } from '../../../src/protocol/message.js';
import { FakeAmiClient } from '../../actors/fakeAmiClient.js';
import { channelEvent } from '../../actors/syntheticCalls.js';

const ID = '8000000000.1';
const NAME = 'PJSIP/model-00000001';
const DEST = '8000000000.2';
const BRIDGE = 'model-bridge';

/** The AMI events the model may take, each a real message as Asterisk would send it. */
const at = (name: string, state: number, extra: Array<[string, string]> = []) =>
  toChannelEvent(channelEvent(name, ID, NAME, state, extra));
const EVENTS: ChannelAmiEvent[] = [
  at('Newstate', 0),
  at('Newstate', 4),
  at('Newstate', 5),
  at('Newstate', 6),
  at('DialBegin', 6, [
    ['DestChannel', 'PJSIP/dest-00000002'],
    ['DestChannelState', '0'],
    ['DestUniqueid', DEST],
  ]),
  at('DialEnd', 6, [
    ['DestChannel', 'PJSIP/dest-00000002'],
    ['DestChannelState', '6'],
    ['DestUniqueid', DEST],
    ['DialStatus', 'ANSWER'],
  ]),
  at('AsyncAGIStart', 6, [['Env', 'agi_request%3A%20async%0A%0A']]),
  at('AsyncAGIEnd', 6),
  at('BridgeEnter', 6, [['BridgeUniqueid', BRIDGE]]),
  at('BridgeLeave', 6, [['BridgeUniqueid', BRIDGE]]),
  at('Hangup', 6, [
    ['Cause', '16'],
    ['Cause-txt', 'Normal Clearing'],
  ]),
];

/**
 * An independent oracle: what a telephony engineer reads off the events so far, written without
 * the statechart (last Newstate for the line; an open DialBegin; AGI started and not ended; own
 * BridgeEnter not followed by BridgeLeave; a Hangup ends it all).
 */
function expectedLabel(messages: readonly AmiMessage[]): string {
  let line = 'down';
  let dialing = false;
  let agi = false;
  let bridged = false;
  for (const m of messages) {
    switch (m.name) {
      case 'Hangup':
        return 'hungUp';
      case 'Newstate': {
        const state = m.get('ChannelState');
        line = state === '6' ? 'answered' : state === '4' || state === '5' ? 'ringing' : 'down';
        break;
      }
      case 'DialBegin':
        dialing = true;
        break;
      case 'DialEnd':
        dialing = false;
        break;
      case 'AsyncAGIStart':
        agi = true;
        break;
      case 'AsyncAGIEnd':
        agi = false;
        break;
      case 'BridgeEnter':
        bridged = true;
        break;
      case 'BridgeLeave':
        bridged = false;
        break;
    }
  }
  return `${line}${dialing ? '+dialing' : ''}${agi ? '+inAgi' : ''}${bridged ? '+bridged' : ''}`;
}

describe('channelMachine (model-based)', () => {
  const model = createTestModel(channelMachine, {
    input: { uniqueid: ID, name: NAME, channelState: 0 },
    events: EVENTS,
    // Only the AMI events above: not the bare `{ type }` XState derives for the other descriptors.
    filterEvents: (_snapshot, event) => EVENTS.includes(event as ChannelAmiEvent),
    // The state value is the model; context (digits, AGI session counts...) would make it infinite.
    serializeState: (snapshot) => JSON.stringify(snapshot.value),
  });
  // One path per reachable state, even when it is the prefix of another.
  const paths = model.getShortestPaths({ allowDuplicatePaths: true });

  it('should reach every combination of line, dial, AGI and bridge state, and hungUp', () => {
    // 4 line states (down, ringing incoming/outgoing, answered) x dialing x inAgi x bridged, + hungUp.
    expect(paths).toHaveLength(4 * 2 * 2 * 2 + 1);
  });

  for (const path of paths) {
    it(`should route ${path.steps.length} events to the right state: ${describeChannel(path.state)}`, async () => {
      // The system under test: the supervisor, its router and a channel actor, fed the same AMI
      // messages through a fake connection.
      const client = new FakeAmiClient();
      const supervisor = createActor(supervisorMachine, {
        input: { client, lingerMs: 1000 },
        clock: new SimulatedClock(),
      }).start();
      client.connect();
      await waitFor(supervisor, (s) => s.matches({ session: 'live' }));
      client.emit(channelEvent('Newchannel', ID, NAME, 0));
      const sent: AmiMessage[] = [];
      await path.test({
        events: Object.fromEntries(
          EVENTS.map((event) => [
            event.type,
            ({ event: step }: { event: { type: string } }) => {
              const message = (step as ChannelAmiEvent).message;
              sent.push(message);
              client.emit(message);
            },
          ]),
        ),
        states: {
          '*': (state) => {
            const ref = channelActorOf(supervisor, ID)!;
            const label = describeChannel(ref.getSnapshot());
            expect(label).toBe(describeChannel(state));
            expect(label).toBe(expectedLabel(sent));
          },
        },
      });
      supervisor.stop();
    });
  }
});
