import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DtmfInjectionBusyError } from '../../src/calls/errors.js';
import type { DtmfInjectionLimits } from '../../src/calls/injectDtmf.js';
import { createMessage } from '../../src/protocol/serialize.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';
import { startDtmfInjectionServer } from '../../src/runtime/dtmfInjectionServer.js';
import { FakeAmiClient } from '../actors/fakeAmiClient.js';
import { channelFields } from '../actors/syntheticCalls.js';

const TOKEN = 'sixteen-chars-or-more';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(dtmfInjection: DtmfInjectionLimits = {}) {
  const client = new FakeAmiClient();
  // The fake never reports the keys itself: no digit may count as lost while a test runs.
  const runtime = createRuntime({
    client,
    logger: pino({ level: 'silent' }),
    dtmfInjection: { silenceMs: 600_000, ...dtmfInjection },
  });
  cleanups.push(() => runtime.close());
  client.connect();
  await runtime.ready();
  const http = await startDtmfInjectionServer({ runtime, token: TOKEN });
  cleanups.push(() => http.close());
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(http.url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { client, runtime, http, post };
}

/** A Newchannel at a dialplan position. */
function newchannel(uniqueid: string, name: string, state: number, context: string, exten: string) {
  const fields = channelFields(uniqueid, name, state).map(([key, value]): [string, string] =>
    key === 'Context' ? [key, context] : key === 'Exten' ? [key, exten] : [key, value],
  );
  return createMessage([['Event', 'Newchannel'], ...fields]);
}

/** A Local pair at default/403, paired by LocalBridge, as Asterisk reports an Originate to 403. */
function localPairAt403(client: FakeAmiClient) {
  client.emit(
    newchannel('1.1', 'Local/403@default-00000001;1', 0, 'default', '403'),
    newchannel('1.2', 'Local/403@default-00000001;2', 4, 'default', '403'),
    createMessage([
      ['Event', 'LocalBridge'],
      ['LocalOneChannel', 'Local/403@default-00000001;1'],
      ['LocalOneUniqueid', '1.1'],
      ['LocalTwoChannel', 'Local/403@default-00000001;2'],
      ['LocalTwoUniqueid', '1.2'],
      ['Context', 'default'],
      ['Exten', '403'],
    ]),
  );
}

/** A key the channel received. */
function dtmfEnd(uniqueid: string, name: string, digit: string) {
  return createMessage([
    ['Event', 'DTMFEnd'],
    ...channelFields(uniqueid, name, 6),
    ['Digit', digit],
    ['DurationMs', '100'],
    ['Direction', 'Received'],
  ]);
}

describe('the DTMF injection endpoint', () => {
  it('should refuse a short token at start', async () => {
    const client = new FakeAmiClient();
    const runtime = createRuntime({ client, logger: pino({ level: 'silent' }) });
    cleanups.push(() => runtime.close());
    await expect(startDtmfInjectionServer({ runtime, token: 'short' })).rejects.toThrow(
      /16 characters/,
    );
  });

  it('should listen on 127.0.0.1 only by default', async () => {
    const { http } = await setUp();
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dtmf$/);
  });

  it('should answer 401 without the right token, and never act', async () => {
    const { client, post } = await setUp();
    localPairAt403(client);
    const before = client.sent.length;
    expect(
      (
        await post(
          { extension: '403', digit: '1' },
          { Authorization: 'Bearer wrong-token-wrong-token' },
        )
      ).status,
    ).toBe(401);
    expect((await post({ extension: '403', digit: '1' }, { Authorization: '' })).status).toBe(401);
    expect(client.sent.length).toBe(before);
  });

  it('should answer 400 for a bad body or digit, 404 for an extension with no call', async () => {
    const { post } = await setUp();
    expect(await post('{not json')).toEqual({
      status: 400,
      body: { ok: false, error: 'body is not JSON' },
    });
    expect((await post({ extension: 403, digit: '1' })).status).toBe(400);
    expect((await post({ extension: '403', digit: 'x' })).body).toEqual({
      ok: false,
      error: 'Not a DTMF digit: "x"',
    });
    expect((await post({ extension: '403', digit: '12' })).status).toBe(400);
    expect(await post({ extension: '499', digit: '1' })).toEqual({
      status: 404,
      body: { ok: false, error: 'No live call at extension 499' },
    });
  });

  it('should answer 404 for another path, 405 for another method, 413 for a huge body', async () => {
    const { http, post } = await setUp();
    const base = http.url.replace('/dtmf', '');
    expect((await fetch(`${base}/other`, { method: 'POST' })).status).toBe(404);
    const get = await fetch(http.url);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await post({ extension: '403', digit: '1', pad: 'x'.repeat(5000) })).status).toBe(413);
  });

  it('should play the digit with Receive on the dialplan half of a Local pair', async () => {
    const { client, post } = await setUp();
    localPairAt403(client);
    expect(await post({ extension: '403', digit: '5', durationMs: 120 })).toEqual({
      status: 200,
      body: { ok: true, channel: 'Local/403@default-00000001;2', uniqueid: '1.2' },
    });
    // Receive on the call's own channel: Asterisk answers at once instead of holding the session.
    expect(client.sent.at(-1)).toEqual({
      name: 'PlayDTMF',
      fields: {
        Channel: 'Local/403@default-00000001;2',
        Digit: '5',
        Duration: '120',
        Receive: 'true',
      },
    });
  });

  it('should answer 400 for a duration out of bounds or not whole, and send nothing', async () => {
    const { client, post } = await setUp();
    localPairAt403(client);
    const before = client.sent.length;
    for (const durationMs of [-1, 0, 0.5, 79, 2001, 1e9]) {
      expect(await post({ extension: '403', digit: '5', durationMs })).toEqual({
        status: 400,
        body: {
          ok: false,
          error: `durationMs must be a whole number of ms from 80 to 2000, not ${durationMs}`,
        },
      });
    }
    expect((await post({ extension: '403', digit: '5', durationMs: '100' })).status).toBe(400);
    expect(client.sent.length).toBe(before);
    expect((await post({ extension: '403', digit: '5', durationMs: 2000 })).status).toBe(200);
  });

  it('should answer 429 past 16 digits waiting to be heard by a call, and 200 once heard', async () => {
    const { client, runtime, post } = await setUp();
    localPairAt403(client);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => post({ extension: '403', digit: '1' })),
    );
    expect(statuses.filter((r) => r.status === 200)).toHaveLength(16);
    const refused = statuses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(4);
    expect(refused[0]?.body.error).toBe(
      '16 injected digits are waiting to be heard by Local/403@default-00000001;2 (at most 16)',
    );
    expect(client.sent.filter((a) => a.name === 'PlayDTMF')).toHaveLength(16);
    expect(runtime.stats().dtmfInjections).toBe(16);
    // The call hears one key: one place is free again.
    client.emit(dtmfEnd('1.2', 'Local/403@default-00000001;2', '1'));
    expect((await post({ extension: '403', digit: '2' })).status).toBe(200);
    expect((await post({ extension: '403', digit: '3' })).status).toBe(429);
    // Its hang-up frees every place.
    client.emit(
      createMessage([
        ['Event', 'Hangup'],
        ...channelFields('1.2', 'Local/403@default-00000001;2', 6),
        ['Cause', '16'],
      ]),
    );
    expect(runtime.stats().dtmfInjections).toBe(0);
  });

  it('should refuse injections past the overall bound, over every call', async () => {
    const { client, runtime } = await setUp({ perCall: 3, overall: 5 });
    localPairAt403(client);
    client.emit(newchannel('2.1', 'PJSIP/alice-00000002', 6, 'ivr', '404'));
    const results = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => runtime.injectDtmf({ exten: '403', digit: '1' })),
      ...Array.from({ length: 4 }, () => runtime.injectDtmf({ exten: '404', digit: '2' })),
    ]);
    const outcome = results.map((r) =>
      r.status === 'fulfilled'
        ? 'sent'
        : r.reason instanceof DtmfInjectionBusyError
          ? r.reason.scope
          : String(r.reason),
    );
    expect(outcome).toEqual(['sent', 'sent', 'sent', 'call', 'sent', 'sent', 'runtime', 'runtime']);
    expect(runtime.stats().dtmfInjections).toBe(5);
    await runtime.close();
    expect(runtime.stats().dtmfInjections).toBe(0);
  });

  it('should play the digit with Receive on a channel that has no Local peer', async () => {
    const { client, post } = await setUp();
    client.emit(newchannel('2.1', 'PJSIP/alice-00000002', 6, 'ivr', '403'));
    expect((await post({ extension: '403', context: 'ivr', digit: '#' })).status).toBe(200);
    expect(client.sent.at(-1)).toEqual({
      name: 'PlayDTMF',
      fields: { Channel: 'PJSIP/alice-00000002', Digit: '#', Receive: 'true' },
    });
    expect((await post({ extension: '403', context: 'default', digit: '#' })).status).toBe(404);
  });
});
