import { CORE_SOUND_SAMPLES } from './soundLengths.js';

/**
 * Lengths of the sounds the PBX can play, in samples at 8000 samples/s (what AGI reports as
 * `endpos=` at the end of a file): every English core sound of Asterisk, measured from the files
 * themselves (`scripts/sounds/measure.ts`; `silence/1` to `silence/10` among them).
 */
export const SOUND_SAMPLES: Readonly<Record<string, number>> = CORE_SOUND_SAMPLES;

/** Samples per second of the core sounds (GSM at 8 kHz). */
export const SAMPLE_RATE = 8000;

/** Samples of a sound file (`hello-world`, `digits/5`); `undefined` when there is no such file. */
export function soundSamples(file: string): number | undefined {
  const name = file.replace(/\.(gsm|wav|ulaw|alaw|sln|g722)$/, '');
  return Object.hasOwn(SOUND_SAMPLES, name) ? SOUND_SAMPLES[name] : undefined;
}

/** Milliseconds a sound plays for (0 when unknown). */
export function soundMs(file: string): number {
  return ((soundSamples(file) ?? 0) * 1000) / SAMPLE_RATE;
}
