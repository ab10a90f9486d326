import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/calls/Call.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';
import { IDLE_STATS } from '../support/idleStats.js';

/**
 * 1,000 FastAGI calls at once on the embedded PBX (real time): each `Local/404` call connects to
 * the runtime's FastAGI server, whose handler answers, waits until all 1,000 are connected (so they
 * are truly concurrent), plays a beep, reads a variable and hangs up.
 * Every call must be served once, on its own channel actor, and afterwards nothing may remain: no
 * connection, call, flow or channel, on either side.
 */
const CALLS = 1_000;
const silent = pino({ level: 'silent' });

let pbx: PbxHandle | undefined;
let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.close();
  await pbx?.stop();
  runtime = undefined;
  pbx = undefined;
});

describe('FastAGI at scale on the embedded PBX', () => {
  it(`should serve ${CALLS} concurrent FastAGI calls and keep nothing afterwards`, async () => {
    pbx = await startPbx({ port: 0 });
    runtime = createRuntime({
      url: pbx.url.replace('ami://', 'ami://manager:secret@'),
      logger: silent,
      lingerMs: 50,
      fastAgi: { port: 0 },
    });
    await runtime.ready();
    pbx.pbx.globals.set('FASTAGI_PORT', String(runtime.fastAgi!.port));
    const served = new Map<string, Call>();
    const failures: unknown[] = [];
    let peak = 0;
    let allConnected!: () => void;
    const connected = new Promise<void>((resolve) => (allConnected = resolve));
    runtime.handle({ agiScript: 'hello' }, async (call) => {
      served.set(call.uniqueid, call);
      peak = Math.max(peak, runtime!.stats().fastAgiSessions);
      if (served.size === CALLS) allConnected();
      try {
        await call.answer();
        await connected;
        await call.streamFile('beep');
        expect(await call.getVariable('AGISTATUS')).toBeUndefined();
        await call.hangup();
      } catch (error) {
        failures.push(error);
      }
    });
    const started = Date.now();
    const answered = await Promise.allSettled(
      Array.from({ length: CALLS }, (_, n) =>
        pbx!.call({ exten: '404', callerId: `"Scale ${n}" <${7000 + n}>` }),
      ),
    );
    expect(answered.filter((r) => r.status === 'rejected')).toEqual([]);
    await eventually(() => pbx!.channels().length === 0, 60_000);
    await eventually(() => runtime!.stats().channels === 0 && runtime!.stats().flows === 0, 10_000);
    const seconds = (Date.now() - started) / 1000;
    console.log(`${CALLS} FastAGI calls in ${seconds.toFixed(1)} s, ${peak} connections at once`);
    expect(failures).toEqual([]);
    expect(served.size).toBe(CALLS);
    expect(peak).toBe(CALLS);
    for (const call of served.values()) {
      expect(call.fastAgi?.ended).toBe(true);
      expect(call.name).toMatch(/^Local\/404@default-[0-9a-f]{8};2$/);
    }
    expect(runtime.stats()).toEqual(IDLE_STATS);
  }, 120_000);
});

async function eventually(probe: () => boolean, timeoutMs: number): Promise<void> {
  for (let waited = 0; !probe(); waited += 50) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
