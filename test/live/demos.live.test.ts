import { type Call, startDtmfInjectionServer } from 'octostate';
import { describe, expect, it } from 'vitest';
import { serveAgiHello } from '../../examples/agihello.js';
import { serveDtmf } from '../../examples/dtmf.js';
import { inject, serveEcho } from '../../examples/dtmf-inject.js';
import { origHello } from '../../examples/orighello.js';
import { TALKING_CALLER } from './support/liveRig.js';
import { expectSameView, onBoth, pbxPair } from './support/parity.js';

/**
 * The AsyncAGI demos, run by their own code (the examples' exported functions) on the real
 * Asterisk and on the embedded PBX. Calls are Originates to Local channels, so no phone is needed:
 * the `;1` half plays the caller (DTMF with `PlayDTMF`), the `;2` half runs the dialplan.
 */
const pair = pbxPair();

describe.skipIf(!pair.asteriskUrl)(`the demos on a real Asterisk (${pair.reason})`, () => {
  it('agihello: should answer a call to 403, play hello-world and hang up', async () => {
    const runs = await onBoth(pair, async ({ runtime }) => {
      serveAgiHello(runtime);
      const caller = await runtime.originate({
        channel: 'Local/403@default',
        application: 'Wait',
        data: '30',
      });
      const end = await caller.waitForHangup();
      return { callerCause: end.cause };
    });
    const agi = runs.asterisk.observation.channels['Local/403@default-#1;2']?.agi;
    expect(agi).toEqual([
      'ANSWER -> 200 result=0',
      expect.stringMatching(/^STREAM FILE hello-world "" -> 200 result=0 endpos=\d+$/),
      'HANGUP -> 200 result=1',
    ]);
    expectSameView(runs);
  });

  it('orighello: should originate into AsyncAGI, play hello-world to the callee, hang up', async () => {
    const runs = await onBoth(pair, async ({ runtime, observer }) => {
      const call = await origHello(runtime, 'Local/agent@default');
      return { name: observer.normalise(call.name) };
    });
    expect(runs.asterisk.result.name).toBe('Local/agent@default-#1;1');
    const agi = runs.asterisk.observation.channels['Local/agent@default-#1;1']?.agi;
    expect(agi).toEqual([
      expect.stringMatching(/^STREAM FILE hello-world "" -> 200 result=0 endpos=\d+$/),
      'HANGUP -> 200 result=1',
    ]);
    expectSameView(runs);
  });

  it('dtmf: should collect 5 digits the caller plays after the beep and say each back', async () => {
    const runs = await onBoth(pair, async ({ runtime }) => {
      const done = new Promise<{ digits: string; reason: string }>((resolve) =>
        serveDtmf(runtime, ({ digits, reason }) => resolve({ digits, reason }), {
          onBeep: (call: Call) => {
            // The caller (the other half of the Local pair) types 1 2 3 4 5.
            void (async () => {
              for (const digit of '12345') await call.peer!.playDtmf(digit, { durationMs: 120 });
            })();
          },
        }),
      );
      await runtime.originate({ channel: 'Local/403@default', ...TALKING_CALLER });
      return await done;
    });
    expect(runs.asterisk.result).toEqual({ digits: '12345', reason: 'max' });
    const agi = runs.asterisk.observation.channels['Local/403@default-#1;2']?.agi ?? [];
    expect(agi.filter((line) => line.startsWith('SAY DIGITS'))).toEqual(
      [...'12345'].map((digit) => `SAY DIGITS ${digit} "" -> 200 result=0`),
    );
    expectSameView(runs);
  });

  it('dtmf-inject: should play digits an HTTP client names into the call at 403', async () => {
    const token = 'live-suite-token-0123456789';
    const runs = await onBoth(pair, async ({ runtime, observer }) => {
      const http = await startDtmfInjectionServer({ runtime, token });
      try {
        const ready = new Promise<Call>((resolve) => serveEcho(runtime, { onReady: resolve }));
        await runtime.originate({ channel: 'Local/403@default', ...TALKING_CALLER });
        const call = await ready;
        const statuses: number[] = [];
        const said = (count: number) =>
          observer.waitFor(
            (seen) =>
              seen.some(
                (c) => c.agi.filter((line) => line.startsWith('SAY DIGITS')).length >= count,
              ),
            `${count} SAY DIGITS`,
          );
        for (const [index, digit] of ['4', '2'].entries()) {
          statuses.push((await inject(http.url, token, { extension: '403', digit })).status);
          await said(index + 1);
        }
        statuses.push((await inject(http.url, token, { extension: '499', digit: '1' })).status);
        statuses.push((await inject(http.url, token, { extension: '403', digit: 'x' })).status);
        statuses.push((await inject(http.url, token, { extension: '403', digit: '#' })).status);
        const end = await call.waitForHangup();
        return { statuses, cause: end.cause };
      } finally {
        await http.close();
      }
    });
    expect(runs.asterisk.result.statuses).toEqual([200, 200, 404, 400, 200]);
    const agi = runs.asterisk.observation.channels['Local/403@default-#1;2']?.agi;
    expect(agi).toEqual([
      'ANSWER -> 200 result=0',
      'SAY DIGITS 4 "" -> 200 result=0',
      'SAY DIGITS 2 "" -> 200 result=0',
      'HANGUP -> 200 result=1',
    ]);
    expectSameView(runs);
  });
});
