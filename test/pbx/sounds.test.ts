import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOUNDS_DIR, soundLengthsSource, TARGET } from '../../scripts/sounds/measure.js';
import { soundMs, soundSamples } from '../../src/pbx/sounds.js';

describe('core sound lengths', () => {
  it.skipIf(!existsSync(DEFAULT_SOUNDS_DIR))(
    'should be what the installed core sounds measure (regenerate: npx tsx scripts/sounds/measure.ts)',
    () => {
      expect(readFileSync(TARGET, 'utf8')).toBe(soundLengthsSource(DEFAULT_SOUNDS_DIR));
    },
  );

  it('should give the prompts the lengths Asterisk reports as endpos', () => {
    // STREAM FILE to the end on a real Asterisk 22: endpos=11360 (hello-world), 3520 (beep).
    expect(soundSamples('hello-world')).toBe(11360);
    expect(soundSamples('beep')).toBe(3520);
    expect(soundMs('silence/1')).toBe(1000);
    expect(soundSamples('digits/star')).toBeGreaterThan(0);
    expect(soundSamples('no-such-sound')).toBeUndefined();
  });
});
