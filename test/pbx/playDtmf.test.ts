import { afterEach, describe, expect, it } from 'vitest';
import type { PbxEvent } from '../../src/pbx/events/types.js';
import { ManualClock, type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { login, type TestClient } from './helpers/amiClient.js';

/**
 * PlayDTMF as Asterisk 22 answers it (measured on 22.10.1): `Duration` read as `%u`, the session
 * held for the tone without `Receive`, and digits queued with `Receive` reported one by one.
 */
let pbx: PbxHandle | undefined;
afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
});

/** A call at park (answered, both halves waiting), a logged-in client, the DTMF events seen. */
async function start() {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 18, 0));
  pbx = await startPbx({ port: 0, clock });
  const keys: Array<{ at: number; name: string; channel: string; digit: string; ms: string }> = [];
  const field = (e: PbxEvent, key: string) => e.fields.find(([k]) => k === key)?.[1] ?? '';
  pbx.pbx.subscribe((e) => {
    if (e.name === 'DTMFBegin' || e.name === 'DTMFEnd')
      keys.push({
        at: clock.now(),
        name: e.name,
        channel: field(e, 'Channel'),
        digit: field(e, 'Digit'),
        ms: field(e, 'DurationMs'),
      });
  });
  const one = await pbx.call({ exten: 'park' });
  const two = one.replace(/;1$/, ';2');
  const client = await login(pbx.port);
  await clock.advance(100);
  return { clock, client, one, two, keys, t0: clock.now() };
}

let sequence = 0;
/** Sends an action; resolves with its answer. */
function act(client: TestClient, fields: Array<[string, string]>) {
  sequence += 1;
  const id = `t${sequence}`;
  client.send([...fields, ['ActionID', id]]);
  return client.next((m) => m.get('ActionID') === id);
}

describe('PlayDTMF on the embedded PBX', () => {
  it('should read Duration as %u: text is an error, a minus wraps, a fraction is cut', async () => {
    const { client, two, keys, clock } = await start();
    const play = (duration: string) =>
      act(client, [
        ['Action', 'PlayDTMF'],
        ['Channel', two],
        ['Digit', '7'],
        ['Duration', duration],
        ['Receive', 'true'],
      ]);
    const refused = await play('abc');
    expect([refused.get('Response'), refused.get('Message')]).toEqual([
      'Error',
      'Could not convert Duration parameter',
    ]);
    expect((await play('0.5')).get('Response')).toBe('Success');
    await clock.advance(1000);
    expect((await play('-1')).get('Response')).toBe('Success');
    expect(keys.map((k) => k.ms)).toEqual(['0', '4294967295']);
    const noDigit = await act(client, [
      ['Action', 'PlayDTMF'],
      ['Channel', two],
      ['Digit', ''],
    ]);
    expect(noDigit.get('Message')).toBe('No digit specified');
  });

  it('should hold the session for the tone without Receive, at least 100 ms', async () => {
    const { client, one, two, keys, clock, t0 } = await start();
    const played = act(client, [
      ['Action', 'PlayDTMF'],
      ['Channel', one],
      ['Digit', '5'],
      ['Duration', '2000'],
    ]);
    const ping = act(client, [['Action', 'Ping']]);
    let answered = false;
    void ping.then(() => {
      answered = true;
    });
    await clock.advance(1990);
    expect(answered).toBe(false);
    await clock.advance(10);
    await ping;
    expect((await played).get('Response')).toBe('Success');
    expect(keys.map(({ name, channel, at, ms }) => [name, channel, at - t0, ms])).toEqual([
      ['DTMFBegin', two, 2000, ''],
      ['DTMFEnd', two, 2000, '2000'],
    ]);
    const short = act(client, [
      ['Action', 'PlayDTMF'],
      ['Channel', one],
      ['Digit', '5'],
      ['Duration', '40'],
    ]);
    await clock.advance(100);
    await short;
    expect(keys.at(-1)?.ms).toBe('100');
  });

  it('should answer Receive at once and report queued digits one after another', async () => {
    const { client, two, keys, clock, t0 } = await start();
    const answers = await Promise.all(
      [...'11111'].map((digit) =>
        act(client, [
          ['Action', 'PlayDTMF'],
          ['Channel', two],
          ['Digit', digit],
          ['Duration', '100'],
          ['Receive', 'true'],
        ]),
      ),
    );
    expect(answers.map((m) => m.get('Response'))).toEqual(Array(5).fill('Success'));
    expect(keys.map((k) => k.at - t0)).toEqual([0]);
    await clock.advance(1000);
    expect(keys.map((k) => [k.name, k.at - t0, k.ms])).toEqual(
      [0, 160, 320, 480, 640].map((at) => ['DTMFEnd', at, '100']),
    );
  });

  it('should drop digits still queued when the channel hangs up', async () => {
    const { client, two, keys, clock } = await start();
    for (let i = 0; i < 3; i += 1)
      await act(client, [
        ['Action', 'PlayDTMF'],
        ['Channel', two],
        ['Digit', '2'],
        ['Receive', 'true'],
      ]);
    pbx?.hangup(two);
    await clock.advance(1000);
    expect(keys).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });
});
