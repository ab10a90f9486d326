import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/calls/Call.js';
import { DtmfInjectionBusyError } from '../../src/calls/errors.js';
import { eventually, type PbxRig, startPbxRig } from './pbxRig.js';

/**
 * DTMF injection through a runtime on the embedded PBX, whose PlayDTMF answers as Asterisk 22's
 * does (the PBX's clock only moves when the test says).
 */
let rig: PbxRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

/** A call parked at extension `park` (the `;2` half), its keys collected as they come. */
async function parkedCall() {
  rig = await startPbxRig({ lingerMs: 100 });
  const current = rig;
  const one = await current.pbx.call({ exten: 'park' });
  const two = one.replace(/;1$/, ';2');
  let call: Call | undefined;
  await eventually(() => {
    const ref = current.runtime.channels.byName(two);
    call = ref && current.runtime.call(ref.getSnapshot().context.uniqueid);
    return call !== undefined;
  }, `the runtime's ${two}`);
  const heard = { keys: '' };
  const listening = (async () => {
    for await (const digit of (call as Call).digits()) heard.keys += digit;
  })();
  return { rig: current, call: call as Call, heard, listening };
}

/** Resolves with `promise`, or rejects if it has not settled after `ms` of real time. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('DTMF injection on the embedded PBX', () => {
  it('should answer a Ping at once while 60 injections into one call wait', async () => {
    const { rig, heard } = await parkedCall();
    const injections = Promise.allSettled(
      Array.from({ length: 60 }, () =>
        rig.runtime.injectDtmf({ exten: 'park', digit: '4', durationMs: 250 }),
      ),
    );
    // The PBX clock stands still: a PlayDTMF that held the session would keep the Ping waiting.
    await within(rig.connection.action('Ping'), 10_000, 'Ping');
    const results = await within(injections, 10_000, 'the injections');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(16);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(refused).toHaveLength(44);
    expect(refused.every((e) => e instanceof DtmfInjectionBusyError && e.scope === 'call')).toBe(
      true,
    );
    await rig.run(() => heard.keys.length === 16, 'the 16 keys', { stepMs: 100, maxMs: 10_000 });
    expect(heard.keys).toBe('4'.repeat(16));
    await eventually(() => rig.runtime.stats().dtmfInjections === 0, 'every injection heard');
  });

  it('should deliver 300 identical injected digits as 300 keys', async () => {
    const { rig, heard, listening, call } = await parkedCall();
    for (let sent = 0; sent < 300; ) {
      const batch = Math.min(16, 300 - sent);
      await Promise.all(
        Array.from({ length: batch }, () => rig.runtime.injectDtmf({ exten: 'park', digit: '7' })),
      );
      sent += batch;
      await rig.run(() => heard.keys.length === sent, `${sent} keys`, { stepMs: 160 });
    }
    await call.hangup();
    await within(listening, 10_000, 'the end of the keys');
    expect(heard.keys).toBe('7'.repeat(300));
    expect(rig.runtime.stats().dtmfInjections).toBe(0);
  });
});
