import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { openRawSession } from './helpers/rawSession.js';

let pbx: PbxHandle | undefined;

afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
});

describe('AMI session input', () => {
  it('should stop reading a client whose actions pile up behind a slow one, then answer them all in order', async () => {
    const clock = new ManualClock();
    pbx = await startPbx({ port: 0, clock, phones: [{ name: 'away', behaviour: 'no-answer' }] });
    const client = await openRawSession(pbx.url.replace('ami://', 'ami://manager:secret@'));
    const [session] = pbx.server.sessions;
    // A synchronous Originate to a phone that never answers: it fails when its 5 s are over.
    const originate = client.action(
      'Action: Originate\r\nChannel: PJSIP/away\r\nApplication: Wait\r\nData: 1\r\nTimeout: 5000',
    );
    const count = 20_000;
    const answered: number[] = [];
    const pings = Array.from({ length: count }, (_, i) =>
      client.action('Action: Ping').then(() => answered.push(i)),
    );
    await expect.poll(() => session!.socket.isPaused()).toBe(true);
    const read = session!.waitingRequests;
    expect(read).toBeGreaterThan(256);
    expect(read).toBeLessThan(count / 2);
    await clock.advance(6000);
    expect((await originate).get('Response')).toBe('Error');
    await Promise.all(pings);
    expect(answered).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(session!.waitingRequests).toBe(0);
    expect(session!.socket.isPaused()).toBe(false);
    client.socket.destroy();
  });
});
