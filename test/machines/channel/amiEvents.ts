import {
  type ChannelAmiEvent,
  toChannelEvent,
} from '../../../src/machines/channel/channelEvents.js';
import type { AmiMessage } from '../../../src/protocol/message.js';
import { createMessage } from '../../../src/protocol/serialize.js';

/** Builds AMI events about one test channel, shaped like Asterisk 22's. */
export function channelEvents(uniqueid = '1700000000.1', name = 'PJSIP/alice-00000001') {
  const snapshot = (state: number): Array<[string, string]> => [
    ['Channel', name],
    ['ChannelState', String(state)],
    [
      'ChannelStateDesc',
      ({ 0: 'Down', 4: 'Ring', 5: 'Ringing', 6: 'Up' } as Record<number, string>)[state] ?? 'Down',
    ],
    ['CallerIDNum', '100'],
    ['CallerIDName', 'Alice'],
    ['Context', 'default'],
    ['Exten', '401'],
    ['Priority', '1'],
    ['Uniqueid', uniqueid],
    ['Linkedid', uniqueid],
  ];
  const event = (
    name: string,
    state: number,
    extra: Array<[string, string]> = [],
  ): ChannelAmiEvent =>
    toChannelEvent(createMessage([['Event', name], ...snapshot(state), ...extra]));
  return {
    uniqueid,
    name,
    message: (name: string, state: number, extra: Array<[string, string]> = []): AmiMessage =>
      createMessage([['Event', name], ...snapshot(state), ...extra]),
    event,
    newchannel: (state = 4) => event('Newchannel', state),
    newstate: (state: number) => event('Newstate', state),
    hangup: (cause = 16, text = 'Normal Clearing', state = 6) =>
      event('Hangup', state, [
        ['Cause', String(cause)],
        ['Cause-txt', text],
      ]),
    dialBegin: (dest: string, state = 6) =>
      event('DialBegin', state, [
        ['DestChannel', `Local/${dest}`],
        ['DestUniqueid', dest],
        ['DialString', dest],
      ]),
    dialEnd: (dest: string, status = 'ANSWER', state = 6) =>
      event('DialEnd', state, [
        ['DestChannel', `Local/${dest}`],
        ['DestUniqueid', dest],
        ['DialStatus', status],
      ]),
    agiStart: (env = 'agi_request%3A%20async%0Aagi_extension%3A%20403%0A%0A', state = 6) =>
      event('AsyncAGIStart', state, [['Env', env]]),
    agiEnd: (state = 6) => event('AsyncAGIEnd', state),
    bridgeEnter: (bridgeId: string, state = 6) =>
      event('BridgeEnter', state, [
        ['BridgeUniqueid', bridgeId],
        ['BridgeNumChannels', '1'],
      ]),
    bridgeLeave: (bridgeId: string, state = 6) =>
      event('BridgeLeave', state, [
        ['BridgeUniqueid', bridgeId],
        ['BridgeNumChannels', '0'],
      ]),
    varSet: (variable: string, value: string, state = 6) =>
      event('VarSet', state, [
        ['Variable', variable],
        ['Value', value],
      ]),
    dtmf: (digit: string, direction = 'Received', state = 6) =>
      event('DTMFEnd', state, [
        ['Digit', digit],
        ['DurationMs', '120'],
        ['Direction', direction],
      ]),
    newexten: (priority: number, application: string, state = 6) =>
      toChannelEvent(
        createMessage([
          ['Event', 'Newexten'],
          ...snapshot(state).map(([k, v]): [string, string] =>
            k === 'Priority' ? [k, String(priority)] : [k, v],
          ),
          ['Extension', '401'],
          ['Application', application],
          ['AppData', ''],
        ]),
      ),
  };
}
