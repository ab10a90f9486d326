import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TimelineChunk } from '../support/traces.js';

/** Folder of the FastAGI recordings of a real Asterisk 22 (`npm run record:fastagi`). */
export const FASTAGI_TRACES_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../fixtures/fastagi-traces',
);

/** The bytes a recorded connection received (`rx`), or `''` when there is none. */
export function readFastAgiTrace(name: string, connection: 'ami' | 'fastagi'): string {
  const file = connection === 'ami' ? `${name}.rx.txt` : `${name}.fastagi.rx.txt`;
  try {
    return readFileSync(join(FASTAGI_TRACES_DIR, file), 'utf8');
  } catch {
    return '';
  }
}

/** What a connection received, joined. */
export function received(chunks: readonly TimelineChunk[]): string {
  return chunks
    .filter((chunk) => chunk.dir === 'rx')
    .map((chunk) => chunk.data)
    .join('');
}

/**
 * What Asterisk wrote on a FastAGI connection, one entry per environment line, reply or `HANGUP`,
 * with what differs between runs replaced: the server's port, channel sequence numbers,
 * Uniqueids, thread ids, and the `endpos` of a playback a key or a hang-up cut short (it depends on
 * the millisecond the key came).
 */
export function fastAgiTranscript(rx: string): string[] {
  const out: string[] = [];
  const [env = '', rest = ''] = splitOnce(rx, '\n\n');
  for (const line of env.split('\n')) {
    out.push(
      line
        .replace(/127\.0\.0\.1:\d+/, '127.0.0.1:PORT')
        .replace(/-[0-9a-f]{8};/, '-SEQ;')
        .replace(/^(agi_uniqueid: ).*/, '$1UNIQUEID')
        .replace(/^(agi_threadid: ).*/, '$1THREAD'),
    );
  }
  out.push('');
  const lines = rest.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let usage: string[] | undefined;
  for (const line of lines) {
    if (usage) {
      usage.push(line);
      if (line.startsWith('520 ')) {
        out.push(usage.join('\n'));
        usage = undefined;
      }
    } else if (line.startsWith('520-')) {
      usage = [line];
    } else {
      out.push(line.replace(/^(200 result=(?!0 )\S+ endpos=)\d+$/, '$1N'));
    }
  }
  return out;
}

/** Keys of the AGI channel's events worth comparing (the rest is snapshot or timing). */
const KEPT = [
  'ChannelStateDesc',
  'Application',
  'AppData',
  'Variable',
  'Value',
  'Command',
  'ResultCode',
  'Result',
  'Cause',
  'Cause-txt',
  'Digit',
  'Direction',
];

/**
 * The events of the channel that ran AGI (the `;2` half of the Local pair the scenario placed),
 * one line each: the event name and the kept keys, in order, with the FastAGI port replaced.
 */
export function agiChannelEvents(rx: string): string[] {
  const out: string[] = [];
  for (const block of rx.split('\r\n\r\n')) {
    const fields = block
      .split('\r\n')
      .map((line) => splitOnce(line, ': '))
      .filter(([key]) => key !== '');
    const event = fields.find(([key]) => key === 'Event')?.[1];
    const channel = fields.find(([key]) => key === 'Channel')?.[1] ?? '';
    if (!event || !channel.endsWith(';2')) continue;
    const kept = fields
      .filter(([key]) => KEPT.includes(key))
      .map(([key, value]) => `${key}=${value.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:PORT')}`);
    out.push([event, ...kept].join(' '));
  }
  return out;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
