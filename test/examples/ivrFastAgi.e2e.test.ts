import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runTsx } from '../support/spawnTsx.js';

/** `examples/ivr-fastagi.ts` as a user runs it: its own process, the embedded PBX, its printed steps. */

afterEach(() => killLeftovers());

describe('examples/ivr-fastagi.ts', () => {
  it('should call 501 on the embedded PBX and run the IVR over FastAGI to its goodbye', async () => {
    const run = runTsx('examples/ivr-fastagi.ts', [], { IVR_SECONDS: '20' });
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
    const printed = run
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => line.replace(/^\s*\d+\.\d\ds /, ''));
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
