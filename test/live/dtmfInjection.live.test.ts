import { DtmfInjectionBusyError } from 'octostate';
import { describe, expect, it } from 'vitest';
import { expectSameView, onBoth, pbxPair } from './support/parity.js';

/**
 * DTMF injection on the real Asterisk and on the embedded PBX: `PlayDTMF` with `Receive` on the
 * call's channel never holds the runtime's AMI session (without `Receive`, Asterisk's session
 * sleeps through each tone), and past 16 digits not yet heard the runtime refuses more.
 */
const pair = pbxPair();

describe.skipIf(!pair.asteriskUrl)(`DTMF injection on a real Asterisk (${pair.reason})`, () => {
  it('should answer a Ping before 60 concurrent injections into one call are heard', async () => {
    const runs = await onBoth(pair, async ({ runtime, client }) => {
      const caller = await runtime.originate({
        channel: 'Local/park@default',
        application: 'Wait',
        data: '30',
      });
      const parked = caller.peer;
      if (!parked) throw new Error('no ;2 half for the parked call');
      let keys = '';
      const listening = (async () => {
        for await (const digit of parked.digits()) keys += digit;
      })();
      const injections = Promise.allSettled(
        Array.from({ length: 60 }, () =>
          runtime.injectDtmf({ exten: 'park', digit: '4', durationMs: 100 }),
        ),
      );
      await client.action('Ping');
      // Asterisk plays the queued digits one every ~160 ms: the Ping did not wait for them.
      const keysWhenPinged = keys.length;
      const results = await injections;
      const deadline = Date.now() + 15_000;
      while (keys.length < 16 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await caller.hangup();
      await listening;
      return {
        pingedBeforeAllKeys: keysWhenPinged < 16,
        accepted: results.filter((r) => r.status === 'fulfilled').length,
        refused: results.filter(
          (r) => r.status === 'rejected' && r.reason instanceof DtmfInjectionBusyError,
        ).length,
        keys,
      };
    });
    expect(runs.asterisk.result).toEqual({
      pingedBeforeAllKeys: true,
      accepted: 16,
      refused: 44,
      keys: '4'.repeat(16),
    });
    expectSameView(runs);
  });
});
