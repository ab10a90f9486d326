import { describe, expect, it } from 'vitest';
import { onBoth, pbxPair } from '../live/support/parity.js';
import { restartUnderCalls } from '../live/support/restartScenario.js';

/**
 * `core restart now` with 50 calls up, on the real Asterisk and on the embedded PBX: every channel
 * the runtime knew ends (hung up by the shutdown, or lost with the connection), the runtime
 * reconnects, resynchronises with `CoreShowChannels` (nothing is up any more) and places calls
 * again. It restarts the PBX under every session, so it runs alone, after the rest of the live
 * suite (its own vitest project, `live-restart`).
 */
const pair = pbxPair();

const CALLS = 50;

describe.skipIf(!pair.asteriskUrl)(`a restart of the real Asterisk (${pair.reason})`, () => {
  it(`should end the ${CALLS} calls, reconnect, resynchronise and place calls again`, async () => {
    const runs = await onBoth(pair, (rig) => restartUnderCalls(rig, pair.urlOf(rig.pbx), CALLS), {
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      settleMs: 30_000,
    });
    // Asterisk hangs every channel up (cause 0) before it closes the sessions: none is lost.
    expect(runs.asterisk.result).toEqual({
      ended: { '0 Unknown': 2 * CALLS },
      connection: ['reconnecting', 'connected'],
      report: { listed: 0, created: 0, lost: 0 },
      afterwards: 0,
      answered: 'answered',
    });
    expect(runs.embedded.result).toEqual(runs.asterisk.result);
  }, 120_000);
});
