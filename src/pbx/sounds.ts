/**
 * Lengths of the English core sounds, in samples at 8000 samples/s (what AGI reports as `endpos=`).
 * `hello-world` is measured from the recordings (a Playback of it takes 1.405 s); `silence/N` is N
 * seconds; the others are the sizes of the core-sounds GSM files, rounded.
 */
export const SOUND_SAMPLES: Readonly<Record<string, number>> = {
  'hello-world': 11240,
  beep: 2400,
  'vm-goodbye': 6400,
  'vm-password': 8800,
  'vm-incorrect': 7200,
  'auth-thankyou': 6000,
  'agent-pass': 9600,
  'please-try-again': 8800,
  'demo-congrats': 128000,
  'demo-instruct': 96000,
  'demo-echotest': 52000,
  'demo-echodone': 16000,
  'tt-monkeys': 95200,
  'tt-weasels': 40000,
  'queue-thankyou': 8000,
  'conf-onlyperson': 16800,
  goodbye: 5600,
  // "Press": the menu prompt of ivrMachine; length estimated, not measured.
  'vm-press': 4000,
  'digits/0': 4400,
  'digits/1': 3600,
  'digits/2': 3600,
  'digits/3': 3600,
  'digits/4': 4000,
  'digits/5': 4400,
  'digits/6': 4800,
  'digits/7': 4800,
  'digits/8': 3600,
  'digits/9': 4400,
  'digits/star': 4400,
  'digits/pound': 4400,
  'digits/10': 4000,
  'digits/11': 5200,
  'digits/12': 4400,
  'digits/13': 5600,
  'digits/14': 5600,
  'digits/15': 5600,
  'digits/16': 6000,
  'digits/17': 6400,
  'digits/18': 5200,
  'digits/19': 6000,
  'digits/20': 4400,
  'digits/30': 4400,
  'digits/40': 4400,
  'digits/50': 4400,
  'digits/60': 4800,
  'digits/70': 5200,
  'digits/80': 4000,
  'digits/90': 4400,
  'digits/hundred': 4400,
  'digits/thousand': 5200,
  'digits/million': 4800,
  'digits/minus': 4400,
};

/** Samples per second of the core sounds (slin/gsm at 8 kHz). */
export const SAMPLE_RATE = 8000;

/** Samples of a sound file (`silence/3` is 3 s); `undefined` when the file is unknown. */
export function soundSamples(file: string): number | undefined {
  const name = file.replace(/\.(gsm|wav|ulaw|alaw|sln|g722)$/, '');
  const silence = /^silence\/(\d+)$/.exec(name);
  if (silence) return Number(silence[1]) * SAMPLE_RATE;
  return SOUND_SAMPLES[name];
}

/** Milliseconds a sound plays for (0 when unknown). */
export function soundMs(file: string): number {
  return ((soundSamples(file) ?? 0) * 1000) / SAMPLE_RATE;
}
