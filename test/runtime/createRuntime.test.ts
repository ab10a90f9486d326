import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  AmiActionError,
  AmiAuthenticationError,
  AmiConnectionClosedError,
} from '../../src/connection/errors.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';
import type { ChannelActorRef } from '../../src/machines/channel/channelSnapshot.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';
import type { RuntimeEvents } from '../../src/runtime/runtimeEvents.js';
import { FakeAmiClient } from '../actors/fakeAmiClient.js';
import { interleavedCalls } from '../actors/syntheticCalls.js';
import { traceMessages } from '../actors/traceMessages.js';
import { startScriptedAmiServer } from '../support/scriptedAmiServer.js';
import { advanceClock } from '../support/simulatedTime.js';

const LINGER = 500;

function start() {
  const client = new FakeAmiClient();
  const clock = new SimulatedClock();
  const runtime = createRuntime({
    client,
    clock,
    lingerMs: LINGER,
    logger: pino({ level: 'silent' }),
  });
  const seen: Array<{ type: keyof RuntimeEvents; event: unknown }> = [];
  runtime.bus.on('*', (type, event) => seen.push({ type, event }));
  return { client, clock, runtime, seen };
}

function busListeners(runtime: ReturnType<typeof createRuntime>): number {
  let count = 0;
  for (const handlers of runtime.bus.all.values()) count += handlers?.length ?? 0;
  return count;
}

describe('createRuntime', () => {
  it('should publish channels, their states, bridges and hang-ups on its bus', async () => {
    const { client, runtime, seen } = start();
    client.connect();
    await runtime.ready();
    client.emit(...traceMessages('bridge'));
    // 402;2 (.17) as read from the trace: Ring, Up, dials agent, bridged, unbridged, hung up.
    const states = seen.flatMap(({ type, event }) =>
      type === 'channelState' &&
      (event as RuntimeEvents['channelState']).uniqueid === '1795808432.17'
        ? [(event as RuntimeEvents['channelState']).state]
        : [],
    );
    expect(states).toEqual([
      'answered',
      'answered+dialing',
      'answered',
      'answered+bridged',
      'answered',
      'hungUp',
    ]);
    const bridges = seen.flatMap(({ type, event }) =>
      type === 'bridge' ? [(event as RuntimeEvents['bridge']).action] : [],
    );
    expect(bridges).toEqual(['create', 'enter', 'enter', 'leave', 'leave', 'destroy']);
    expect(seen.filter((s) => s.type === 'channel')).toHaveLength(4);
    expect(seen.filter((s) => s.type === 'hangup')).toHaveLength(4);
    // The connection's life and the resync, as plain payloads ('connecting' went out inside
    // createRuntime, before this listener).
    expect(seen.filter((s) => s.type === 'connection').map((s) => s.event)).toEqual([
      { state: 'connected' },
    ]);
    expect(seen.find((s) => s.type === 'resync')?.event).toEqual({
      listed: 0,
      created: 0,
      lost: 0,
    });
    await runtime.close();
    expect(seen.at(-1)).toEqual({ type: 'connection', event: { state: 'closed' } });
  });

  it('should find channels by Uniqueid and by name', async () => {
    const { client, runtime } = start();
    client.connect();
    await runtime.ready();
    const messages = traceMessages('hello');
    client.emit(
      ...messages.slice(
        0,
        messages.findIndex((m) => m.name === 'Hangup'),
      ),
    );
    expect(runtime.channels.get('1795808402.1')?.getSnapshot().context.name).toBe(
      'Local/401@default-00000000;2',
    );
    expect(runtime.channels.byName('Local/401@default-00000000;1')?.id).toBe('1795808402.0');
    expect(
      runtime.channels
        .all()
        .map((ref) => ref.id)
        .sort(),
    ).toEqual(['1795808402.0', '1795808402.1']);
    await runtime.close();
  });

  it('should hand the AsyncAGI half of a call to the handler that matches it, once', async () => {
    const { client, runtime } = start();
    const taken: string[] = [];
    runtime.handle({ context: 'default', exten: '403', inAgi: true }, (channel) => {
      taken.push(channel.uniqueid);
    });
    client.connect();
    await runtime.ready();
    client.emit(...traceMessages('asyncagi-hello'));
    // Both halves sit at default/403, but only ;2 (.3) runs AGI(agi:async).
    expect(taken).toEqual(['1795808408.3']);
    await runtime.close();
  });

  it('should report a failing handler on the bus, not as an unhandled rejection', async () => {
    const { client, runtime, seen } = start();
    runtime.handle(
      (channel) => channel.context.dialplan.exten === '401',
      async () => {
        throw new Error('handler broke');
      },
    );
    client.connect();
    await runtime.ready();
    client.emit(...traceMessages('hello'));
    await new Promise((resolve) => setImmediate(resolve));
    const errors = seen.flatMap((s) =>
      s.type === 'error' ? [s.event as RuntimeEvents['error']] : [],
    );
    // Both halves of the hello call sit at extension 401: the handler took (and failed on) each.
    expect(errors).toHaveLength(2);
    expect(errors[0]?.error).toBeInstanceOf(Error);
    await runtime.close();
  });

  it('should report a channel statechart that fails, and keep supervising the others', async () => {
    const client = new FakeAmiClient();
    const clock = new SimulatedClock();
    const channelLogic = channelMachine.provide({
      actions: {
        onAnswered: ({ context }) => {
          if (context.name.endsWith(';2')) throw new Error('hook broke');
        },
      },
    });
    const runtime = createRuntime({
      client,
      clock,
      channelLogic,
      lingerMs: LINGER,
      logger: pino({ level: 'silent' }),
    });
    const errors: RuntimeEvents['error'][] = [];
    const hangups: string[] = [];
    runtime.bus.on('error', (e) => errors.push(e));
    runtime.bus.on('hangup', (h) => hangups.push(h.uniqueid));
    client.connect();
    await runtime.ready();
    client.emit(...traceMessages('hello'));
    expect(errors.map((e) => e.during)).toEqual(['channel 1795808402.1']);
    expect(hangups).toEqual(['1795808402.0']);
    advanceClock(clock, LINGER);
    advanceClock(clock, LINGER);
    expect(runtime.stats().channels).toBe(0);
    await runtime.close();
  });

  it('should originate, then resolve with the Call once its OriginateResponse and channel arrive', async () => {
    const { client, runtime } = start();
    client.connect();
    await runtime.ready();
    const placed = runtime.originate({
      channel: 'Local/401@default',
      application: 'Wait',
      data: '5',
      variables: { AsyncOrigId: 'abc' },
    });
    await Promise.resolve();
    expect(client.sent.at(-1)).toEqual({
      name: 'Originate',
      fields: [
        ['Channel', 'Local/401@default'],
        ['Application', 'Wait'],
        ['Data', '5'],
        ['Async', 'true'],
        ['Variable', 'AsyncOrigId=abc'],
      ],
    });
    const actionId = String(client.sent.length);
    // Another session's outcome first: it must not settle ours.
    client.event([
      ['Event', 'OriginateResponse'],
      ['ActionID', 'someone-else-7'],
      ['Response', 'Failure'],
      ['Reason', '0'],
      ['Uniqueid', '<unknown>'],
    ]);
    // As under load, the OriginateResponse comes before the channel's Newchannel.
    client.event([
      ['Event', 'OriginateResponse'],
      ['ActionID', actionId],
      ['Response', 'Success'],
      ['Channel', 'Local/401@default-00000000;1'],
      ['Reason', '4'],
      ['Uniqueid', '1795808402.0'],
    ]);
    const hello = traceMessages('hello');
    client.emit(hello.find((m) => m.name === 'Newchannel')!);
    // The Call is handed over once its channel says it is up.
    client.emit(hello.find((m) => m.name === 'Newstate' && m.get('Uniqueid') === '1795808402.0')!);
    const call = await placed;
    expect(call.state).toBe('answered');
    expect(call.uniqueid).toBe('1795808402.0');
    expect(call.name).toBe('Local/401@default-00000000;1');
    expect(runtime.call('1795808402.0')).toBe(call);
    await runtime.close();
  });

  it('should reject an Originate with the reason Asterisk gives', async () => {
    const { client, runtime } = start();
    client.connect();
    await runtime.ready();
    const placed = runtime.originate({ channel: 'PJSIP/busy', application: 'Wait', data: '1' });
    await Promise.resolve();
    client.event([
      ['Event', 'OriginateResponse'],
      ['ActionID', String(client.sent.length)],
      ['Response', 'Failure'],
      ['Channel', 'PJSIP/busy'],
      ['Reason', '5'],
      ['Uniqueid', '<unknown>'],
    ]);
    await expect(placed).rejects.toMatchObject({
      name: 'OriginateError',
      reason: 'busy',
      reasonCode: 5,
    });
    await runtime.close();
  });

  it('should keep nothing per call once calls have hung up and lingered', async () => {
    const { client, clock, runtime } = start();
    client.connect();
    await runtime.ready();
    const listeners = client.listenerCount();
    const busCount = busListeners(runtime);
    client.emit(...interleavedCalls(1000, 100));
    advanceClock(clock, LINGER);
    advanceClock(clock, LINGER);
    expect(runtime.channels.all()).toEqual([]);
    expect(runtime.stats().channels).toBe(0);
    expect(client.listenerCount()).toBe(listeners);
    expect(busListeners(runtime)).toBe(busCount);
    expect(runtime.stats().timers).toBe(0);
    await runtime.close();
  });

  it('should leave no listener, timer or running actor after close', async () => {
    const { client, runtime } = start();
    client.connect();
    await runtime.ready();
    const refs: ChannelActorRef[] = [];
    runtime.bus.on('channel', ({ ref }) => refs.push(ref));
    const messages = traceMessages('bridge');
    client.emit(...messages.slice(0, messages.findIndex((m) => m.name === 'Hangup') + 1));
    expect(runtime.stats().timers).toBe(1);
    await runtime.close();
    expect(client.listenerCount()).toBe(0);
    expect(runtime.stats().timers).toBe(0);
    expect(refs.every((ref) => ref.getSnapshot().status !== 'active')).toBe(true);
    await expect(runtime.ready()).rejects.toThrow();
  });
});

describe('createRuntime closing', () => {
  /** A runtime logged in on a fake client, with one originate sent and not yet answered. */
  async function originateOnReadyRuntime() {
    const client = new FakeAmiClient();
    const runtime = createRuntime({ client, logger: pino({ level: 'silent' }) });
    client.connect();
    await runtime.ready();
    const placed = runtime.originate({
      channel: 'Local/401@default',
      application: 'Wait',
      data: '1',
    });
    await Promise.resolve();
    return { client, runtime, placed };
  }

  it('should reject an originate still waiting for its channel when the runtime closes', async () => {
    const { client, runtime, placed } = await originateOnReadyRuntime();
    // Answered, but the channel's Newchannel never comes before the close.
    client.event([
      ['Event', 'OriginateResponse'],
      ['ActionID', String(client.sent.length)],
      ['Response', 'Success'],
      ['Reason', '4'],
      ['Uniqueid', '1795808402.0'],
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    await runtime.close();
    await expect(placed).rejects.toMatchObject({ name: 'AmiConnectionClosedError' });
  });

  it('should reject an originate waiting for its outcome when the runtime closes', async () => {
    const { runtime, placed } = await originateOnReadyRuntime();
    await runtime.close();
    await expect(placed).rejects.toMatchObject({ name: 'OriginateError', reason: 'unknown' });
  });

  it('should reject an originate waiting for its outcome when the connection drops', async () => {
    const { client, runtime, placed } = await originateOnReadyRuntime();
    // An OriginateResponse sent while the connection is down is lost: nobody may wait for it.
    const lost = new Error('socket reset');
    client.drop(lost);
    const error = await placed.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: 'OriginateError', reason: 'unknown', cause: lost });
    await runtime.close();
  });
});

describe('createRuntime ready()', () => {
  it('should reject with the typed error that stopped the connection, with its cause', async () => {
    const pbx = await startScriptedAmiServer({ secret: 'right' });
    const runtime = createRuntime({
      url: `ami://manager:wrong@127.0.0.1:${pbx.port}`,
      logger: pino({ level: 'silent' }),
    });
    try {
      const error = await runtime.ready().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AmiAuthenticationError);
      expect((error as Error).cause).toBeInstanceOf(AmiActionError);
    } finally {
      await runtime.close();
      await pbx.close();
    }
  });

  it('should reject with a typed error when the runtime is closed before it was ready', async () => {
    const client = new FakeAmiClient();
    const runtime = createRuntime({ client, logger: pino({ level: 'silent' }) });
    const ready = runtime.ready();
    await runtime.close();
    await expect(ready).rejects.toBeInstanceOf(AmiConnectionClosedError);
  });
});
