import { describe, expect, it } from 'vitest';
import { ChannelDirectory, MAX_EARLY_PER_CHANNEL } from '../../src/actors/channelDirectory.js';
import { createMessage } from '../../src/protocol/serialize.js';

describe('ChannelDirectory', () => {
  it('should hold a bounded number of messages for a channel not created yet', () => {
    const directory = new ChannelDirectory();
    for (let n = 0; n < 10_000; n++) {
      directory.holdEarly(
        '1795808402.7',
        createMessage([
          ['Event', 'OriginateResponse'],
          ['Uniqueid', '1795808402.7'],
          ['N', String(n)],
        ]),
      );
    }
    expect(directory.sizes.early).toBe(1);
    const held = directory.takeEarly('1795808402.7');
    expect(held.map((message) => message.get('N'))).toEqual(
      Array.from({ length: MAX_EARLY_PER_CHANNEL }, (_, n) => String(n)),
    );
  });
});
