import type { Runtime } from 'octostate';
import { describe, expect, it } from 'vitest';
import { expectSameView, onBoth, pbxPair } from './support/parity.js';

/**
 * `runtime.originate` and `originateToAgi` on the real Asterisk and on the embedded PBX: each
 * outcome with its typed reason.
 */
const pair = pbxPair();

/** How an originate ended, comparable across runs: answered, or the error's class and reason. */
async function outcome(runtime: Runtime, channel: string, timeoutMs?: number): Promise<string> {
  try {
    const call = await runtime.originate({
      channel,
      application: 'Wait',
      data: '1',
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    return `answered ${call.state}`;
  } catch (error) {
    const { name, reason, reasonCode } = error as {
      name: string;
      reason?: string;
      reasonCode?: number;
    };
    return `${name} ${reason} (${reasonCode})`;
  }
}

describe.skipIf(!pair.asteriskUrl)(`originate on a real Asterisk (${pair.reason})`, () => {
  it('should resolve with the answered call, and reject a channel that cannot be created', async () => {
    const runs = await onBoth(pair, async ({ runtime }) => ({
      answered: await outcome(runtime, 'Local/401@default'),
      noEndpoint: await outcome(runtime, 'PJSIP/nobody'),
      noExtension: await outcome(runtime, 'Local/nosuch@default'),
      noTechnology: await outcome(runtime, 'Nothing/at-all'),
    }));
    expect(runs.asterisk.result).toEqual({
      answered: 'answered answered',
      noEndpoint: 'OriginateError failed (0)',
      noExtension: 'OriginateError failed (0)',
      noTechnology: 'OriginateError failed (0)',
    });
    expectSameView(runs);
  });

  it('should reject busy, congestion and no answer with their reasons', async () => {
    const runs = await onBoth(pair, async ({ runtime }) => ({
      busy: await outcome(runtime, 'Local/busy@default'),
      congestion: await outcome(runtime, 'Local/congest@default'),
      noAnswer: await outcome(runtime, 'Local/ring@default', 2000),
    }));
    expect(runs.asterisk.result).toEqual({
      busy: 'OriginateError busy (5)',
      congestion: 'OriginateError congestion (8)',
      noAnswer: 'OriginateError no-answer (3)',
    });
    expectSameView(runs);
  });

  it('originateToAgi: should resolve once the originated channel is in AsyncAGI', async () => {
    const runs = await onBoth(pair, async ({ runtime, observer }) => {
      const call = await runtime.originateToAgi({ channel: 'Local/agent@default' });
      const seen = { name: observer.normalise(call.name), state: call.state };
      const variable = await call.getVariable('AsyncOrigId');
      await call.hangup();
      return { ...seen, correlated: typeof variable === 'string' && variable.length === 36 };
    });
    expect(runs.asterisk.result).toEqual({
      name: 'Local/agent@default-#1;1',
      state: 'answered+inAgi',
      correlated: true,
    });
    expectSameView(runs);
  });
});
