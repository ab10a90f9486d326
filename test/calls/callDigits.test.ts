import { describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { AsyncAgi } from '../../src/calls/asyncAgi.js';
import { Call } from '../../src/calls/Call.js';
import { channelInputFrom, MAX_DTMF } from '../../src/machines/channel/channelContext.js';
import { toChannelEvent } from '../../src/machines/channel/channelEvents.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';
import { createMessage } from '../../src/protocol/serialize.js';

const CHANNEL = 'Local/403@default-00000002;2';
const UNIQUEID = '1795808411.5';

/** A Call on a channel actor that the test feeds AMI events, as the supervisor would. */
function liveCall() {
  const about: Array<[string, string]> = [
    ['Channel', CHANNEL],
    ['ChannelState', '6'],
    ['ChannelStateDesc', 'Up'],
    ['Uniqueid', UNIQUEID],
    ['Linkedid', UNIQUEID],
  ];
  const actor = createActor(channelMachine, {
    input: channelInputFrom(createMessage([['Event', 'Newchannel'], ...about])),
  }).start();
  const event = (name: string, extra: Array<[string, string]> = []) =>
    actor.send(toChannelEvent(createMessage([['Event', name], ...about, ...extra])));
  const key = (digit: string, direction = 'Received') =>
    event('DTMFEnd', [
      ['Digit', digit],
      ['DurationMs', '100'],
      ['Direction', direction],
    ]);
  const client = { action: vi.fn(async () => createMessage([['Response', 'Success']])) };
  const call = new Call(actor, client, new AsyncAgi(client).transport(actor));
  return { call, actor, event, key };
}

async function drain(iterator: AsyncIterableIterator<string>): Promise<string> {
  let digits = '';
  for await (const digit of iterator) digits += digit;
  return digits;
}

describe('the keys a call hears', () => {
  it('should yield every DTMFEnd as one key, past MAX_DTMF identical ones', async () => {
    const { call, event, key } = liveCall();
    const keys = call.digits();
    const count = MAX_DTMF + 44;
    for (let i = 0; i < count; i += 1) key('7');
    event('Hangup', [
      ['Cause', '16'],
      ['Cause-txt', 'Normal Clearing'],
    ]);
    expect(await drain(keys)).toBe('7'.repeat(count));
  });

  it('should yield each key once, in order, whatever keys came before it', async () => {
    const { call, event, key } = liveCall();
    for (let i = 0; i < MAX_DTMF; i += 1) key('1'); // the kept history is full before we listen
    const keys = call.digits();
    const pressed = `${'1'.repeat(5)}2${'1'.repeat(MAX_DTMF)}#`;
    for (const digit of pressed) key(digit);
    key('9', 'Sent'); // a key the channel sends out is not one it hears
    event('Hangup', [['Cause', '16']]);
    expect(await drain(keys)).toBe(pressed);
  });

  it('should let collectDigits count identical keys beyond MAX_DTMF', async () => {
    const { call, key } = liveCall();
    for (let i = 0; i < MAX_DTMF; i += 1) key('5');
    const collected = call.collectDigits({ max: 3, timeoutMs: 2000, interDigitTimeoutMs: 2000 });
    for (let i = 0; i < 3; i += 1) key('5');
    await expect(collected).resolves.toEqual({ digits: '555', reason: 'max' });
  });

  it('should keep the channel context bounded to the last MAX_DTMF keys and count them all', () => {
    const { actor, key } = liveCall();
    for (let i = 0; i < MAX_DTMF + 10; i += 1) key(String(i % 10));
    const context = actor.getSnapshot().context;
    expect(context.dtmf).toHaveLength(MAX_DTMF);
    expect(context.dtmfCount).toBe(MAX_DTMF + 10);
  });
});
