import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runTsx } from '../support/spawnTsx.js';

/** `examples/ivr.ts` as a user runs it: its own process, the embedded PBX, its printed steps. */

afterEach(() => killLeftovers());

describe('examples/ivr.ts', () => {
  it('should call 500 on the embedded PBX, type the passcode, press 1 and print each IVR step', async () => {
    const run = runTsx('examples/ivr.ts', [], { IVR_SECONDS: '20' });
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
    const printed = run
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => line.replace(/^\s*\d+\.\d\ds /, ''));
    const phone = 'PJSIP/alice-00000000';
    expect(printed.slice(0, -2)).toEqual([
      'connected to the embedded PBX',
      `${phone} calls 500`,
      `ivr ${phone}: answering`,
      `ivr ${phone}: passcode`,
      'alice types 12345#',
      `ivr ${phone}: menu`,
      'alice presses 1',
      `ivr ${phone}: connecting`,
      `${phone} is bridged with the agent`,
      'the agent hangs up',
      `ivr ${phone}: hangingUp`,
    ]);
    // The hang-up and the end of the IVR come together, in either order. The agent's hang-up
    // ended the bridge with Normal Clearing, which the caller keeps (as on Asterisk).
    expect(printed.slice(-2).sort()).toEqual([
      `${phone} hung up: Normal Clearing (16)`,
      `ivr ${phone}: done -> connected: passcode granted (1 attempt), choice 1`,
    ]);
  }, 30_000);
});
