import { describe, expect, it } from 'vitest';
import { ChannelDirectory } from '../../src/actors/channelDirectory.js';
import { routeKeys, spawnInput } from '../../src/actors/routeKeys.js';
import { createMessage } from '../../src/protocol/serialize.js';
import { traceMessages } from './traceMessages.js';

const event = (fields: Array<[string, string]>) => createMessage(fields);

describe('routeKeys', () => {
  const directory = new ChannelDirectory();

  it('should route a channel event by its Uniqueid', () => {
    const [newchannel] = traceMessages('hello').filter((m) => m.name === 'Newchannel');
    expect(routeKeys(newchannel!, directory)).toEqual(['1795808402.0']);
  });

  it('should route Dial events to caller and destination', () => {
    const dialBegin = traceMessages('bridge').find(
      (m) => m.name === 'DialBegin' && m.has('Uniqueid'),
    )!;
    expect(routeKeys(dialBegin, directory)).toEqual(['1795808432.17', '1795808433.18']);
  });

  it('should route an Originate’s DialBegin (no caller channel) to the destination only', () => {
    const dialBegin = traceMessages('hello').find((m) => m.name === 'DialBegin')!;
    expect(routeKeys(dialBegin, directory)).toEqual(['1795808402.0']);
  });

  it('should route LocalBridge to both halves', () => {
    const localBridge = traceMessages('hello').find((m) => m.name === 'LocalBridge')!;
    expect(routeKeys(localBridge, directory)).toEqual(['1795808402.0', '1795808402.1']);
  });

  it('should route bridge events to the channel and everyone already in the bridge', () => {
    const bridges = new ChannelDirectory();
    bridges.bridges.enter('b-1', 'a.1');
    const enter = event([
      ['Event', 'BridgeEnter'],
      ['BridgeUniqueid', 'b-1'],
      ['Channel', 'PJSIP/b'],
      ['Uniqueid', 'b.1'],
    ]);
    expect(routeKeys(enter, bridges)).toEqual(['b.1', 'a.1']);
  });

  it('should fall back to the channel name when an event has no Uniqueid', () => {
    const named = new ChannelDirectory();
    named.add('9.9', 'SIP/old-00000001', undefined);
    const byName = event([
      ['Event', 'MusicOnHoldStart'],
      ['Channel', 'SIP/old-00000001'],
    ]);
    expect(routeKeys(byName, named)).toEqual(['9.9']);
    expect(
      routeKeys(
        event([
          ['Event', 'MusicOnHoldStart'],
          ['Channel', 'SIP/other'],
        ]),
        named,
      ),
    ).toEqual([]);
  });

  it('should route nothing for list items, device states, globals and failed originates', () => {
    const actions = traceMessages('actions');
    const item = actions.find((m) => m.name === 'CoreShowChannel')!;
    const global = actions.find((m) => m.name === 'VarSet' && m.get('Uniqueid') === 'none')!;
    const device = actions.find((m) => m.name === 'DeviceStateChange')!;
    const failed = event([
      ['Event', 'OriginateResponse'],
      ['Response', 'Failure'],
      ['Uniqueid', '<unknown>'],
    ]);
    const response = event([
      ['Response', 'Success'],
      ['Uniqueid', '1.1'],
    ]);
    for (const message of [item, global, device, failed, response]) {
      expect(routeKeys(message, directory), message.name).toEqual([]);
    }
  });
});

describe('spawnInput', () => {
  it('should describe a new channel from Newchannel', () => {
    const [newchannel] = traceMessages('hello').filter((m) => m.name === 'Newchannel');
    expect(spawnInput(newchannel!, '1795808402.0')).toMatchObject({
      uniqueid: '1795808402.0',
      name: 'Local/401@default-00000000;1',
      channelState: 0,
      context: 'default',
      exten: '401',
      variables: { AsyncOrigId: '' },
    });
  });

  it('should describe a destination met mid-call from its Dest fields', () => {
    const dialEnd = traceMessages('bridge').find((m) => m.name === 'DialEnd' && m.has('Uniqueid'))!;
    expect(spawnInput(dialEnd, '1795808433.18')).toMatchObject({
      uniqueid: '1795808433.18',
      name: 'Local/agent@default-00000009;1',
      channelState: 6,
    });
  });

  it('should not bring a channel to life from a hang-up or an OriginateResponse', () => {
    const hello = traceMessages('hello');
    const hangup = hello.find((m) => m.name === 'Hangup')!;
    const response = hello.find((m) => m.name === 'OriginateResponse')!;
    expect(spawnInput(hangup, hangup.get('Uniqueid')!)).toBeUndefined();
    expect(spawnInput(response, '1795808402.0')).toBeUndefined();
  });
});
