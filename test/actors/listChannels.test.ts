import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { listChannels } from '../../src/actors/listChannels.js';
import type { AmiList } from '../../src/connection/actionTracker.js';
import type { AmiClient } from '../../src/connection/client.js';
import { createEmitter } from '../../src/connection/emitter.js';
import { actionErrorFor } from '../../src/connection/errors.js';
import { channelInputFrom } from '../../src/machines/channel/channelContext.js';
import type { AmiMessage } from '../../src/protocol/message.js';
import { createMessage } from '../../src/protocol/serialize.js';
import { traceMessages } from './traceMessages.js';

/** The recorded answer (items) of one list action of the `actions` trace. */
function recordedList(actionId: string): AmiList {
  const all = traceMessages('actions').filter((m) => m.get('ActionID') === actionId);
  const items = all.filter((m) => m.kind === 'event' && m.get('EventList') !== 'Complete');
  return { response: all[0]!, items, complete: all.at(-1)! };
}

/** A client whose user may, or may not, run CoreShowChannels; it records what was asked. */
function client(mayCoreShowChannels: boolean, statusError?: Error) {
  const asked: string[] = [];
  const fake: AmiClient = {
    bus: createEmitter(),
    state: 'connected',
    action: async () => createMessage([['Response', 'Success']]),
    listAction: async (name: string, ..._rest: unknown[]) => {
      asked.push(name);
      if (name === 'CoreShowChannels') {
        if (mayCoreShowChannels) return recordedList('actions-3');
        throw actionErrorFor(
          name,
          createMessage([
            ['Response', 'Error'],
            ['Message', 'Permission denied'],
          ]),
        );
      }
      if (statusError) throw statusError;
      return recordedList('actions-7');
    },
  };
  return { fake, asked };
}

const run = (c: AmiClient): Promise<readonly AmiMessage[]> =>
  toPromise(createActor(listChannels, { input: { client: c } }).start());

describe('listChannels', () => {
  it('should list with CoreShowChannels when allowed', async () => {
    const { fake, asked } = client(true);
    const items = await run(fake);
    expect(asked).toEqual(['CoreShowChannels']);
    expect(items.map((i) => i.name)).toEqual(['CoreShowChannel', 'CoreShowChannel']);
  });

  it('should fall back to Status when CoreShowChannels is not permitted, with the same channels', async () => {
    const { fake, asked } = client(false);
    const items = await run(fake);
    expect(asked).toEqual(['CoreShowChannels', 'Status']);
    const fromStatus = items.map((item) => channelInputFrom(item));
    const fromCore = recordedList('actions-3').items.map((item) => channelInputFrom(item));
    const key = (input: { uniqueid: string }) => input.uniqueid;
    expect([...fromStatus].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...fromCore].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });

  it('should fail when neither is permitted, and not hide other errors behind Status', async () => {
    const denied = actionErrorFor(
      'Status',
      createMessage([
        ['Response', 'Error'],
        ['Message', 'Permission denied'],
      ]),
    );
    await expect(run(client(false, denied).fake)).rejects.toBe(denied);
    const broken = new Error('socket closed');
    const { fake, asked } = client(true);
    fake.listAction = async (name: string, ..._rest: unknown[]) => {
      asked.push(name);
      throw broken;
    };
    await expect(run(fake)).rejects.toBe(broken);
    expect(asked).toEqual(['CoreShowChannels']);
  });
});
