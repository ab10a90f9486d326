import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/calls/Call.js';
import type { OriginateError } from '../../src/calls/errors.js';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import type { AgiResult } from '../../src/protocol/agiResult.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';
import { ReplayTransport } from '../connection/replayTransport.js';

/**
 * The runtime's public API against real Asterisk recordings: a test application drives the calls
 * of `asyncagi-hello`, `asyncagi-dtmf` and `originate-variants` through `createRuntime`, and the
 * replay checks that every byte it sends is what the recorded client sent (ActionIDs and AGI
 * CommandIDs mapped), while Asterisk's recorded answers flow back. So the AGI commands, their
 * order, the PlayDTMF variants, the Originate forms, and the results the API returns are all held
 * to what a real Asterisk 22 did.
 */

/** The runtime's own resync (CoreShowChannels) is not in the recordings: answer it as an idle PBX. */
function idlePbx(sent: string): string | undefined {
  if (!/^Action: CoreShowChannels\r$/m.test(sent)) return undefined;
  const id = /^ActionID: (.*)\r$/m.exec(sent)?.[1] ?? '';
  return (
    `Response: Success\r\nActionID: ${id}\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\n` +
    `Event: CoreShowChannelsComplete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 0\r\n\r\n`
  );
}

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function replay(trace: string) {
  const transport = new ReplayTransport(trace, () => false, idlePbx);
  const connection = new AmiConnection({
    host: '127.0.0.1',
    port: 5038,
    username: 'manager',
    secret: 'secret',
    keepaliveIntervalMs: false,
    reconnect: false,
    transport: async () => transport,
    logger: pino({ level: 'silent' }),
  });
  const runtime = createRuntime({ client: connection, lingerMs: 50 });
  opened.push(runtime);
  await connection.connect();
  await runtime.ready();
  const finish = async () => {
    await runtime.close();
    await connection.close();
    return transport;
  };
  return { runtime, connection, transport, finish };
}

function handled(runtime: Runtime, serve: (call: Call) => Promise<void>): Promise<Call> {
  return new Promise((resolve, reject) => {
    runtime.handle({ context: 'default', exten: '403', inAgi: true }, async (call) => {
      try {
        await serve(call);
        resolve(call);
      } catch (error) {
        reject(error);
      }
    });
  });
}

describe('the runtime replayed against real Asterisk', () => {
  it('should drive asyncagi-hello: ANSWER, EXEC Playback, HANGUP on the ;2 half', async () => {
    const { runtime, finish } = await replay('asyncagi-hello');
    const results: AgiResult[] = [];
    const served = handled(runtime, async (call) => {
      await call.answer();
      results.push(await call.exec('Playback', 'hello-world'));
      await call.hangup();
    });
    const originated = runtime.originate({
      channel: 'Local/403@default',
      application: 'Wait',
      data: '60',
      callerId: '"AGI Test" <5550403>',
      variables: { AsyncOrigId: 'f9fc4ca5-19c1-4532-bd75-34f9ee4e07bd' },
    });
    const call = await served;
    expect(call.name).toBe('Local/403@default-00000001;2');
    expect(call.context.agi.env?.agi_extension).toBe('403');
    expect(results.map((r) => r.result)).toEqual(['0']);
    // The originated channel is the ;1 half, named by the OriginateResponse.
    const origin = await originated;
    expect(origin.name).toBe('Local/403@default-00000001;1');
    expect(origin.peer).toBe(call);
    expect((await call.waitForHangup()).causeText).toBe('Unknown');
    const transport = await finish();
    expect(transport.mismatches).toEqual([]);
    expect(transport.finished).toBe(true);
  });

  it('should drive asyncagi-dtmf: digits as characters through each PlayDTMF variant and GET DATA', async () => {
    const { runtime, finish } = await replay('asyncagi-dtmf');
    const heard: Array<string | undefined> = [];
    const data: Array<{ digits: string; timedOut: boolean }> = [];
    const served = handled(runtime, async (call) => {
      await call.answer();
      // PlayDTMF on the other half of the Local pair: the AGI half receives it.
      const first = call.waitForDigit(5000);
      await call.peer!.playDtmf('1', { durationMs: 250 });
      heard.push(await first);
      // PlayDTMF with Receive on the AGI channel itself.
      const second = call.waitForDigit(5000);
      await call.playDtmf('2', { receive: true, durationMs: 250 });
      heard.push(await second);
      // Without Receive the AGI channel sends the tone away: nothing is heard.
      const third = call.waitForDigit(2000);
      await call.playDtmf('3', { durationMs: 250 });
      heard.push(await third);
      const passcode = call.getData('beep', 8000, 5);
      for (const digit of '12345') await call.peer!.playDtmf(digit, { durationMs: 120 });
      data.push(await passcode);
      const reversed = call.getData('beep', 8000, 8);
      for (const digit of '54321#') await call.playDtmf(digit, { receive: true, durationMs: 120 });
      data.push(await reversed);
      await call.hangup();
    });
    void runtime
      .originate({
        channel: 'Local/403@default',
        application: 'Wait',
        data: '60',
        callerId: '"DTMF Test" <5550403>',
        variables: { AsyncOrigId: '709cb41f-16e5-41e8-8256-e1c8cb26bc3f' },
      })
      .catch(() => undefined);
    const call = await served;
    expect(heard).toEqual(['1', '2', undefined]);
    expect(data).toEqual([
      { digits: '12345', timedOut: false },
      { digits: '54321', timedOut: false },
    ]);
    // The DTMF events were folded into the channel too (Direction: Received only).
    expect(call.context.dtmf).toContain('12345');
    await call.waitForHangup();
    const transport = await finish();
    expect(transport.mismatches).toEqual([]);
    expect(transport.finished).toBe(true);
  });

  it('should report originate-variants outcomes: success, failures by reason, the exten form', async () => {
    const { runtime, connection, finish } = await replay('originate-variants');
    const failures: OriginateError[] = [];
    // The recording's first Originate is synchronous (no Async): the raw AMI action sends it.
    const sync = await connection.action('Originate', [
      ['Channel', 'Local/401@default'],
      ['Application', 'Wait'],
      ['Data', '1'],
      ['CallerID', '"Sync" <5550001>'],
      ['Variable', 'AsyncOrigId=f4d6f3a2-64ae-41e2-8078-eb84dc628e7b'],
    ]);
    expect(sync.get('Message')).toBe('Originate successfully queued');
    failures.push(
      (await runtime
        .originate({ channel: 'Local/999@default', application: 'Wait', data: '1' })
        .catch((error: unknown) => error)) as OriginateError,
    );
    const syncFailure = await connection
      .action('Originate', [
        ['Channel', 'Local/999@default'],
        ['Application', 'Wait'],
        ['Data', '1'],
      ])
      .catch((error: unknown) => error as Error);
    expect(syncFailure).toMatchObject({
      name: 'AmiActionError',
      message: expect.stringMatching(/Originate failed/),
    });
    failures.push(
      (await runtime
        .originate({ channel: 'Bogus/123', application: 'Wait', data: '1' })
        .catch((error: unknown) => error)) as OriginateError,
    );
    expect(failures.map((f) => [f.name, f.reason, f.reasonCode])).toEqual([
      ['OriginateError', 'failed', 0],
      ['OriginateError', 'failed', 0],
    ]);
    const exten = await runtime.originate({
      channel: 'Local/401@default',
      context: 'default',
      exten: 'park',
      priority: 1,
      callerId: '"Exten form" <5550002>',
      timeoutMs: 10000,
    });
    expect(exten.name).toMatch(/^Local\/401@default-[0-9a-f]{8};1$/);
    expect(exten.context.callerId).toEqual({ num: '5550002', name: 'Exten form' });
    const transport = await finish();
    expect(transport.mismatches).toEqual([]);
    expect(transport.finished).toBe(true);
  });
});
