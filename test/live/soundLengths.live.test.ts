import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOUNDS_DIR, soundLengthsSource, TARGET } from '../../scripts/sounds/measure.js';
import { liveTarget } from './liveTarget.js';

/**
 * src/pbx/soundLengths.ts is generated from the sound files the real Asterisk plays (by
 * `npx tsx scripts/sounds/measure.ts`): it must say what measuring them says now. The sounds come
 * with the Asterisk of the live suite (`OCTOSTATE_SOUNDS_DIR` names them when they are elsewhere).
 */
const target = liveTarget();
const soundsDir = process.env.OCTOSTATE_SOUNDS_DIR ?? DEFAULT_SOUNDS_DIR;

describe.skipIf(!target.url)(`the embedded PBX's sound lengths (${target.reason})`, () => {
  it('should be what measuring the installed sounds writes now', () => {
    expect(existsSync(soundsDir), `${soundsDir}: no sounds (set OCTOSTATE_SOUNDS_DIR)`).toBe(true);
    const current = readFileSync(TARGET, 'utf8');
    expect(
      current === soundLengthsSource(soundsDir),
      'src/pbx/soundLengths.ts is out of date: run npx tsx scripts/sounds/measure.ts',
    ).toBe(true);
  });
});
