import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { serveAgiHello } from '../../examples/agihello.js';
import { type DtmfDemoResult, serveDtmf } from '../../examples/dtmf.js';
import { inject, serveEcho } from '../../examples/dtmf-inject.js';
import { origHello } from '../../examples/orighello.js';
import type { Call } from '../../src/calls/Call.js';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';
import { startDtmfInjectionServer } from '../../src/runtime/dtmfInjectionServer.js';
import { IDLE_STATS } from '../support/idleStats.js';

/**
 * Every AsyncAGI demo, end to end on the embedded PBX over TCP: what AGI commands reached the PBX
 * (seen by a second AMI session, as `AGIExecStart`) and what the demo got back.
 */

const silent = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  pbx: PbxHandle;
  runtime: Runtime;
  /**
   * Catches the watcher up: it is a second AMI session, whose events may trail the runtime's; a Ping
   * answered on it comes after every event the PBX sent it before.
   */
  sync(): Promise<void>;
  /** `Command` of every AGIExecStart, per channel, in order. */
  commands: Map<string, string[]>;
}

async function setUp(): Promise<Setup> {
  const pbx = await startPbx({
    port: 0,
    phones: [
      { name: 'alice', ringMs: 200 },
      { name: 'bob', behaviour: 'busy', ringMs: 100 },
      { name: 'carol', behaviour: 'no-answer' },
    ],
  });
  cleanups.push(() => pbx.stop());
  const url = pbx.url.replace('ami://', 'ami://manager:secret@');
  const watcher = AmiConnection.fromUrl(url, { logger: silent, reconnect: false });
  cleanups.push(() => watcher.close());
  const commands = new Map<string, string[]>();
  watcher.bus.on('event', (event) => {
    if (event.name !== 'AGIExecStart') return;
    const channel = event.get('Channel') ?? '';
    commands.set(channel, [...(commands.get(channel) ?? []), event.get('Command') ?? '']);
  });
  await watcher.connect();
  const runtime = createRuntime({ url, logger: silent, lingerMs: 100 });
  cleanups.push(() => runtime.close());
  await runtime.ready();
  const sync = async (): Promise<void> => {
    await watcher.action('Ping');
  };
  return { pbx, runtime, commands, sync };
}

describe('AsyncAGI demos on the embedded PBX', () => {
  it('agihello: should run the hello statechart on a call to 403, then leave nothing behind', async () => {
    const { pbx, runtime, commands, sync } = await setUp();
    serveAgiHello(runtime);
    const flows: string[] = [];
    runtime.bus.on('channelState', ({ uniqueid, state }) => {
      const flow = runtime.flow(uniqueid);
      if (state.includes('inAgi') && flow) flows.push(String(flow.getSnapshot().value));
    });
    const phone = pbx.phoneCall('alice', '403');
    const ended = await new Promise<{ uniqueid: string; cause: number }>((resolve) =>
      runtime.bus.on('hangup', ({ uniqueid, output }) => {
        if (output.name === phone) resolve({ uniqueid, cause: output.cause });
      }),
    );
    await sync();
    expect(commands.get(phone)).toEqual(['ANSWER', 'STREAM FILE hello-world ""', 'HANGUP']);
    expect(ended.cause).toBe(0);
    // The flow actor was running while the call was in AGI, and is gone once the call is.
    expect(flows.length).toBeGreaterThan(0);
    await new Promise<void>((resolve) =>
      runtime.bus.on('removed', ({ uniqueid }) => uniqueid === ended.uniqueid && resolve()),
    );
    expect(runtime.flow(ended.uniqueid)).toBeUndefined();
    expect(pbx.channels()).toEqual([]);
  });

  it('orighello: should originate into AsyncAGI, then play hello-world on the answered call', async () => {
    const { runtime, commands, sync } = await setUp();
    const call = await origHello(runtime, 'PJSIP/alice');
    expect(call.name).toMatch(/^PJSIP\/alice-/);
    // The correlation variable was set on the channel by the Originate.
    expect(call.context.variables.AsyncOrigId).toMatch(/^[0-9a-f-]{36}$/);
    await call.waitForHangup();
    await sync();
    expect(commands.get(call.name)).toEqual(['STREAM FILE hello-world ""', 'HANGUP']);
  });

  it('dtmf: should beep, capture 5 digits from DTMF events and say each back', async () => {
    const { pbx, runtime, commands, sync } = await setUp();
    const done = new Promise<DtmfDemoResult>((resolve) => {
      serveDtmf(runtime, resolve, {
        onBeep: (call) =>
          void pbx.sendDigits(call.name, '12345', { receive: true, durationMs: 80 }),
      });
    });
    const phone = pbx.phoneCall('alice', '403');
    const result = await done;
    expect([result.digits, result.reason]).toEqual(['12345', 'max']);
    await sync();
    expect(commands.get(phone)).toEqual([
      'ANSWER',
      'STREAM FILE beep ""',
      'SAY DIGITS 1 ""',
      'SAY DIGITS 2 ""',
      'SAY DIGITS 3 ""',
      'SAY DIGITS 4 ""',
      'SAY DIGITS 5 ""',
      'HANGUP',
    ]);
  });

  it('dtmf-inject: should play injected digits into the call at an extension over HTTP', async () => {
    const { pbx, runtime, commands, sync } = await setUp();
    const token = 'a-token-of-24-characters';
    const http = await startDtmfInjectionServer({ runtime, token });
    cleanups.push(() => http.close());
    const heard: string[] = [];
    const ready = new Promise<Call>((resolve) =>
      serveEcho(runtime, { onReady: resolve, onDigit: (_, digit) => heard.push(digit) }),
    );
    const phone = pbx.phoneCall('alice', '403');
    const call = await ready;
    expect(await inject(http.url, token, { extension: '403', digit: '7' })).toEqual({
      status: 200,
      body: { ok: true, channel: phone, uniqueid: call.uniqueid },
    });
    expect(await inject(http.url, token, { extension: '403', digit: '*' })).toMatchObject({
      status: 200,
    });
    expect(await inject(http.url, token, { extension: '403', digit: '#' })).toMatchObject({
      status: 200,
    });
    await call.waitForHangup();
    expect(heard).toEqual(['7', '*']);
    await sync();
    expect(commands.get(phone)).toEqual([
      'ANSWER',
      'SAY DIGITS 7 ""',
      'STREAM FILE digits/star ""',
      'HANGUP',
    ]);
  });
});

describe('originate on the embedded PBX', () => {
  it('should reject with the reason: busy, no answer, no such channel', async () => {
    const { runtime } = await setUp();
    await expect(
      runtime.originate({ channel: 'Local/busy@default', application: 'Wait', data: '1' }),
    ).rejects.toMatchObject({
      name: 'OriginateError',
      reason: 'busy',
    });
    await expect(
      runtime.originate({ channel: 'PJSIP/carol', application: 'Wait', data: '1', timeoutMs: 500 }),
    ).rejects.toMatchObject({ name: 'OriginateError', reason: 'no-answer' });
    await expect(
      runtime.originate({ channel: 'Local/999@default', application: 'Wait', data: '1' }),
    ).rejects.toMatchObject({
      name: 'OriginateError',
      reason: 'failed',
    });
  });

  it('should resolve originateToAgi with the originated ;1 half when both halves start AGI', async () => {
    const { runtime, commands, sync } = await setUp();
    // 403 runs AGI(agi:async) on the ;2 half: someone must answer it for ;1 to be answered.
    const other = new Promise<Call>((resolve) =>
      runtime.handle({ exten: '403', inAgi: true }, async (call) => {
        if (call.name.endsWith(';1')) return;
        await call.answer();
        resolve(call);
        await call.waitForDigit(-1).catch(() => undefined);
      }),
    );
    const call = await runtime.originateToAgi({ channel: 'Local/403@default' });
    expect(call.name).toMatch(/^Local\/403@default-[0-9a-f]{8};1$/);
    expect(call.inAgi).toBe(true);
    const second = await other;
    expect(call.peer).toBe(second);
    expect(second.name).toBe(call.name.replace(';1', ';2'));
    // Both halves carry the correlation variable.
    expect(second.context.variables.AsyncOrigId).toBe(call.context.variables.AsyncOrigId);
    await call.streamFile('beep');
    await call.hangup();
    await Promise.all([call.waitForHangup(), second.waitForHangup()]);
    await sync();
    expect(commands.get(call.name)).toEqual(['STREAM FILE beep ""', 'HANGUP']);
    expect(commands.get(second.name)).toEqual(['ANSWER', 'WAIT FOR DIGIT -1']);
  });
});

describe('AGI failures on the embedded PBX', () => {
  it('should reject unknown commands, commands outside AGI, and commands cut by a hang-up', async () => {
    const { pbx, runtime } = await setUp();
    const served = new Promise<Call>((resolve) =>
      runtime.handle({ exten: '403', inAgi: true }, resolve),
    );
    const phone = pbx.phoneCall('alice', '403');
    const call = await served;
    await expect(call.command('FLY TO THE MOON')).rejects.toMatchObject({
      name: 'AgiInvalidCommandError',
      code: 510,
    });
    const waiting = call.waitForDigit(-1);
    pbx.hangup(phone);
    await expect(waiting).rejects.toMatchObject({ name: 'AgiSessionEndedError' });
    await call.waitForHangup();
    await expect(call.answer()).rejects.toMatchObject({ name: 'AgiNotInAgiError' });
  });
});

describe('AsyncAGI calls at scale on the embedded PBX', () => {
  it('should serve 100 concurrent AGI calls with helloMachine and keep nothing afterwards', async () => {
    const { pbx, runtime, commands, sync } = await setUp();
    serveAgiHello(runtime);
    const before = runtime.stats();
    const removed = new Set<string>();
    runtime.bus.on('removed', ({ uniqueid }) => removed.add(uniqueid));
    const peak = { flows: 0, agiCommands: 0 };
    runtime.bus.on('channelState', () => {
      const now = runtime.stats();
      peak.flows = Math.max(peak.flows, now.flows);
      peak.agiCommands = Math.max(peak.agiCommands, now.agiCommands);
    });
    const calls = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        runtime.originate({
          channel: 'Local/403@default',
          application: 'Wait',
          data: '30',
          variables: { AsyncOrigId: `scale-${i}` },
        }),
      ),
    );
    const ends = await Promise.all(calls.map((call) => call.waitForHangup()));
    expect(ends).toHaveLength(100);
    // Every ;2 got exactly the three commands of helloMachine.
    await sync();
    const served = [...commands.entries()].filter(([name]) => name.endsWith(';2'));
    expect(served).toHaveLength(100);
    for (const [, sent] of served)
      expect(sent).toEqual(['ANSWER', 'STREAM FILE hello-world ""', 'HANGUP']);
    // The counters did count: a leak would show as a non-zero below.
    expect(peak.flows).toBeGreaterThan(10);
    expect(peak.agiCommands).toBeGreaterThan(10);
    await eventually(() => removed.size === 200);
    expect(runtime.stats()).toEqual(before);
    expect(before).toEqual(IDLE_STATS);
    expect(pbx.channels()).toEqual([]);
  }, 60_000);
});

async function eventually(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !probe(); waited += 20) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
