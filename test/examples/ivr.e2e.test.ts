import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, printedLines, runTsx } from '../support/spawnTsx.js';

/**
 * The IVR examples as a user runs them: each in its own process on the embedded PBX, a caller
 * typing the passcode and a menu key, every step printed.
 */

afterEach(() => killLeftovers());

/** Runs an example to its exit (20 s at most), checks it ended cleanly, returns its lines. */
async function runToTheEnd(file: string): Promise<string[]> {
  const run = runTsx(file, [], { IVR_SECONDS: '20' });
  expect(await run.exit).toEqual({ code: 0, signal: null });
  expect(run.stderr()).toBe('');
  return printedLines(run.stdout());
}

describe('examples/ivr.ts (AsyncAGI)', () => {
  it('should call 500 on the embedded PBX, type the passcode, press 1 and print each IVR step', async () => {
    const printed = await runToTheEnd('examples/ivr.ts');
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

describe('examples/ivr-fastagi.ts (FastAGI)', () => {
  it('should call 501 on the embedded PBX and run the IVR over FastAGI to its goodbye', async () => {
    const printed = await runToTheEnd('examples/ivr-fastagi.ts');
    const phone = 'PJSIP/alice-00000000';
    expect(printed[0]).toMatch(/^FastAGI server on 127\.0\.0\.1:\d+$/);
    expect(printed.slice(1)).toEqual([
      `${phone} calls 501`,
      `${phone}: FastAGI call, IVR started`,
      `ivr ${phone}: answering`,
      `ivr ${phone}: passcode`,
      'alice types 12345#',
      `ivr ${phone}: menu`,
      'alice types 2',
      `ivr ${phone}: farewell`,
      `ivr ${phone}: hangingUp`,
      `ivr ${phone}: done`,
      'IVR over FastAGI: goodbye',
    ]);
  }, 30_000);
});
