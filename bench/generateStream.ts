import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LOAD_TRACE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../test/fixtures/ami-traces/load.rx.txt',
);

/** Caller names with accents and non-Latin scripts: the input that slows string-based parsers. */
const NAMES = ['Zoë Müller', 'Łukasz Żółć', 'José Peña', '山田 太郎', 'Σωκράτης', 'Åsa Ørsted'];

/** Options of {@link generateCallStream}. */
export interface CallStreamOptions {
  /** How many copies of the recorded 50-call load scenario to lay end to end. */
  copies: number;
  /** Share of messages (0..1) whose caller names are rewritten to non-ASCII. Default 0.1. */
  nonAsciiShare?: number;
}

/**
 * A large AMI event stream shaped like real traffic: the recorded `load` scenario (50 concurrent
 * calls, ~1,400 messages) repeated, each copy with its own Uniqueids and channel names, and a share
 * of messages carrying non-ASCII caller names. Deterministic, so runs compare.
 */
export function generateCallStream(options: CallStreamOptions): Buffer {
  const share = options.nonAsciiShare ?? 0.1;
  const raw = readFileSync(LOAD_TRACE, 'utf8');
  const messages = raw
    .slice(raw.indexOf('\r\n') + 2)
    .split('\r\n\r\n')
    .filter((m) => m.length > 0);
  const every = Math.max(1, Math.round(1 / share));
  const parts: string[] = [];
  let counter = 0;
  for (let copy = 0; copy < options.copies; copy++) {
    for (const message of messages) {
      let text = message
        .replace(
          /(\d{10})\.(\d+)/g,
          (_, secs: string, seq: string) => `${secs}.${Number(seq) + copy * 1000}`,
        )
        .replace(
          /-([0-9a-f]{8});/g,
          (_, hex: string) =>
            `-${(Number.parseInt(hex, 16) + copy * 256).toString(16).padStart(8, '0')};`,
        );
      if (share > 0 && counter % every === 0) {
        const name = NAMES[counter % NAMES.length]!;
        text = text.replace(/^(CallerIDName|ConnectedLineName): .*$/gm, `$1: ${name}`);
        if (isAscii(text)) text += `\r\nCallerIDName: ${name}`;
      }
      parts.push(text, '\r\n\r\n');
      counter++;
    }
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/** True when every character is ASCII (one UTF-8 byte each). */
export function isAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === text.length;
}
