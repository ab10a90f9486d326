import type { AmiMessage } from '../../src/protocol/message.js';
import { createMessage } from '../../src/protocol/serialize.js';

/** The channel snapshot fields Asterisk puts on every channel event. */
export function channelFields(
  uniqueid: string,
  name: string,
  state: number,
): Array<[string, string]> {
  return [
    ['Channel', name],
    ['ChannelState', String(state)],
    ['ChannelStateDesc', state === 6 ? 'Up' : state === 4 ? 'Ring' : 'Down'],
    ['CallerIDNum', '100'],
    ['CallerIDName', 'Synthetic'],
    ['Context', 'default'],
    ['Exten', '402'],
    ['Priority', '1'],
    ['Uniqueid', uniqueid],
    ['Linkedid', uniqueid],
  ];
}

/** One channel event. */
export function channelEvent(
  name: string,
  uniqueid: string,
  channel: string,
  state: number,
  extra: Array<[string, string]> = [],
): AmiMessage {
  return createMessage([['Event', name], ...channelFields(uniqueid, channel, state), ...extra]);
}

/**
 * The events of one complete synthetic call, in order: a Local pair (`;1` dialed by an Originate,
 * `;2` running the dialplan) that answers, dials a second channel, bridges with it, and hangs up.
 * Touches every kind of bookkeeping the supervisor keeps (names, Local peers, dial legs, bridges).
 */
export function syntheticCall(i: number): AmiMessage[] {
  const one = `2000000000.${3 * i}`;
  const two = `2000000000.${3 * i + 1}`;
  const agent = `2000000000.${3 * i + 2}`;
  const base = `Local/402@default-${i.toString(16).padStart(8, '0')}`;
  const agentName = `PJSIP/agent-${i.toString(16).padStart(8, '0')}`;
  const bridge = `bridge-${i}`;
  return [
    channelEvent('Newchannel', one, `${base};1`, 0),
    channelEvent('Newchannel', two, `${base};2`, 4),
    createMessage([
      ['Event', 'LocalBridge'],
      ['LocalOneChannel', `${base};1`],
      ['LocalOneUniqueid', one],
      ['LocalTwoChannel', `${base};2`],
      ['LocalTwoUniqueid', two],
    ]),
    channelEvent('Newstate', two, `${base};2`, 6),
    channelEvent('Newstate', one, `${base};1`, 6),
    createMessage([
      ['Event', 'OriginateResponse'],
      ['ActionID', `orig-${i}`],
      ['Response', 'Success'],
      ['Channel', `${base};1`],
      ['Uniqueid', one],
    ]),
    channelEvent('Newexten', two, `${base};2`, 6, [
      ['Extension', '402'],
      ['Application', 'Dial'],
      ['AppData', 'PJSIP/agent'],
    ]),
    channelEvent('Newchannel', agent, agentName, 0),
    channelEvent('DialBegin', two, `${base};2`, 6, [
      ['DestChannel', agentName],
      ['DestChannelState', '0'],
      ['DestUniqueid', agent],
    ]),
    channelEvent('Newstate', agent, agentName, 6),
    channelEvent('DialEnd', two, `${base};2`, 6, [
      ['DestChannel', agentName],
      ['DestChannelState', '6'],
      ['DestUniqueid', agent],
      ['DialStatus', 'ANSWER'],
    ]),
    createMessage([
      ['Event', 'BridgeCreate'],
      ['BridgeUniqueid', bridge],
    ]),
    channelEvent('BridgeEnter', agent, agentName, 6, [['BridgeUniqueid', bridge]]),
    channelEvent('BridgeEnter', two, `${base};2`, 6, [['BridgeUniqueid', bridge]]),
    channelEvent('DTMFEnd', agent, agentName, 6, [
      ['Digit', '5'],
      ['Direction', 'Received'],
    ]),
    channelEvent('BridgeLeave', two, `${base};2`, 6, [['BridgeUniqueid', bridge]]),
    channelEvent('Hangup', two, `${base};2`, 6, [
      ['Cause', '16'],
      ['Cause-txt', 'Normal Clearing'],
    ]),
    channelEvent('Hangup', one, `${base};1`, 6, [
      ['Cause', '16'],
      ['Cause-txt', 'Normal Clearing'],
    ]),
    channelEvent('BridgeLeave', agent, agentName, 6, [['BridgeUniqueid', bridge]]),
    createMessage([
      ['Event', 'BridgeDestroy'],
      ['BridgeUniqueid', bridge],
    ]),
    channelEvent('Hangup', agent, agentName, 6, [
      ['Cause', '16'],
      ['Cause-txt', 'Normal Clearing'],
    ]),
    // A straggler after the hang-up: must reach the lingering actor's drop, not resurrect it.
    channelEvent('VarSet', agent, agentName, 6, [
      ['Variable', 'LATE'],
      ['Value', '1'],
    ]),
  ];
}

/** `calls` synthetic calls with `concurrent` of them in progress at once, events interleaved. */
export function interleavedCalls(calls: number, concurrent: number): AmiMessage[] {
  const out: AmiMessage[] = [];
  const active: Array<{ events: AmiMessage[]; at: number }> = [];
  let next = 0;
  while (next < Math.min(calls, concurrent)) active.push({ events: syntheticCall(next++), at: 0 });
  let cursor = 0;
  while (active.length > 0) {
    cursor %= active.length;
    const call = active[cursor]!;
    out.push(call.events[call.at++]!);
    if (call.at === call.events.length) {
      active.splice(cursor, 1);
      if (next < calls) active.push({ events: syntheticCall(next++), at: 0 });
    } else cursor++;
  }
  return out;
}
