import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMessage } from '../../src/protocol/serialize.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';
import { FakeAmiClient } from '../actors/fakeAmiClient.js';
import { channelEvent } from '../actors/syntheticCalls.js';

const ONE = '1700000000.1';
const NAME = 'Local/401@default-00000001;1';

/** Asterisk's word that the Originate of `actionId` was answered, on channel {@link ONE}. */
const answered = (actionId: string) =>
  createMessage([
    ['Event', 'OriginateResponse'],
    ['ActionID', actionId],
    ['Response', 'Success'],
    ['Channel', NAME],
    ['Uniqueid', ONE],
    ['Reason', '4'],
  ]);

/** Lets the runtime's promise callbacks run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('runtime.originate', () => {
  it('should hand over the Call once its channel says it is answered, even when the OriginateResponse comes first', async () => {
    const client = new FakeAmiClient();
    const runtime = createRuntime({ client, logger: pino({ level: 'silent' }) });
    client.connect();
    await runtime.ready();
    let settled = false;
    const originated = runtime
      .originate({ channel: 'Local/401@default', application: 'Wait', data: '5' })
      .finally(() => {
        settled = true;
      });
    await turn();
    const actionId = String(client.sent.findIndex((a) => a.name === 'Originate') + 1);
    client.emit(channelEvent('Newchannel', ONE, NAME, 0), answered(actionId));
    await turn();
    // Asterisk said it answered, but the channel's Newstate has not come yet.
    expect(settled).toBe(false);
    client.emit(channelEvent('Newstate', ONE, NAME, 6));
    const call = await originated;
    expect(call.uniqueid).toBe(ONE);
    expect(call.state).toBe('answered');
    await runtime.close();
  });

  it('should hand over a Call that hung up before its Newstate came, which then says so', async () => {
    const client = new FakeAmiClient();
    const runtime = createRuntime({ client, logger: pino({ level: 'silent' }) });
    client.connect();
    await runtime.ready();
    const originated = runtime.originate({ channel: 'Local/401@default', application: 'Wait' });
    await turn();
    const actionId = String(client.sent.findIndex((a) => a.name === 'Originate') + 1);
    client.emit(
      channelEvent('Newchannel', ONE, NAME, 0),
      answered(actionId),
      channelEvent('Hangup', ONE, NAME, 0, [
        ['Cause', '16'],
        ['Cause-txt', 'Normal Clearing'],
      ]),
    );
    const call = await originated;
    expect(call.uniqueid).toBe(ONE);
    expect((await call.waitForHangup()).cause).toBe(16);
    await runtime.close();
  });
});
