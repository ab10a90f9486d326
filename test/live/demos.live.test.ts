import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { serveAgiHello } from '../../examples/agihello.js';
import type { Call } from '../../src/calls/Call.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';
import { liveTarget } from './liveTarget.js';

/**
 * The runtime and the AGI demos against a real Asterisk running `asterisk-etc/`: calls are placed
 * with Originate to Local channels, so no phone is needed.
 */
const { url, reason } = liveTarget();

describe.skipIf(!url)(`the runtime on a real Asterisk (${reason})`, () => {
  const runtimes: Runtime[] = [];
  const start = async (): Promise<Runtime> => {
    const runtime = createRuntime({
      url: url!,
      logger: pino({ level: 'silent' }),
      lingerMs: 200,
    });
    runtimes.push(runtime);
    await runtime.ready();
    return runtime;
  };
  // Each test's handlers must not claim the next test's calls: one runtime per test.
  afterEach(async () => {
    await Promise.allSettled(runtimes.splice(0).map((runtime) => runtime.close()));
  });

  it('should follow a 401 call from ringing to hung up', async () => {
    const runtime = await start();
    const states: string[] = [];
    runtime.bus.on('channelState', ({ name, state }) => {
      if (name.endsWith(';2')) states.push(state);
    });
    const call = await runtime.originate({
      channel: 'Local/401@default',
      application: 'Wait',
      data: '5',
    });
    const end = await call.waitForHangup();
    expect(end.causeText).toBeTruthy();
    expect(states).toContain('answered');
  }, 30_000);

  it('should run the agihello statechart on a call to 403', async () => {
    const runtime = await start();
    serveAgiHello(runtime);
    const origin = await runtime.originate({
      channel: 'Local/403@default',
      application: 'Wait',
      data: '30',
      variables: { AsyncOrigId: randomUUID() },
    });
    const end = await origin.waitForHangup();
    expect(end.name).toBe(origin.name);
  }, 30_000);

  it('should collect digits injected with PlayDTMF from the other half', async () => {
    const runtime = await start();
    const collected = new Promise<string>((resolve) =>
      runtime.handle({ exten: '403', inAgi: true }, async (call: Call) => {
        await call.answer();
        const data = call.getData('beep', 8000, 5);
        for (const digit of '12345') await call.peer!.playDtmf(digit, { durationMs: 120 });
        resolve((await data).digits);
        await call.hangup();
      }),
    );
    await runtime.originate({ channel: 'Local/403@default', application: 'Wait', data: '30' });
    expect(await collected).toBe('12345');
  }, 30_000);
});
