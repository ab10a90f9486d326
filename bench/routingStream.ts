import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AmiMessage } from '../src/protocol/message.js';
import { AmiParser } from '../src/protocol/parser.js';

const HELLO = join(
  dirname(fileURLToPath(import.meta.url)),
  '../test/fixtures/ami-traces/hello.rx.txt',
);

/** The events of one real call (hello: a Local pair, Answer, Playback, Hangup), as text blocks. */
function callTemplate(): string[] {
  const text = readFileSync(HELLO, 'latin1');
  const blocks = text.slice(text.indexOf('\r\n') + 2).split('\r\n\r\n');
  const first = blocks.findIndex((b) => b.startsWith('Event: Newchannel'));
  return blocks.slice(first).filter((b) => b.startsWith('Event: '));
}

/**
 * A large AMI event stream made of real calls: the `hello` trace's ~30 events per call, with fresh
 * Uniqueids and channel names, `concurrent` calls interleaved event by event (so that many
 * channels are live at once), `calls` calls in all. Parsed up front, so timing measures routing.
 *
 * @example
 * const messages = generateCallStream({ calls: 2000, concurrent: 400 });
 */
export function generateCallStream(options: { calls: number; concurrent: number }): AmiMessage[] {
  const template = callTemplate();
  const texts: string[] = [];
  let next = 0;
  const active: Array<{ blocks: string[]; at: number }> = [];
  const startCall = () => {
    const i = next++;
    const hex = i.toString(16).padStart(8, '0');
    const blocks = template.map((b) =>
      b
        .replaceAll('1795808402.0', `1800000000.${2 * i}`)
        .replaceAll('1795808402.1', `1800000000.${2 * i + 1}`)
        .replaceAll('Local/401@default-00000000', `Local/401@default-${hex}`)
        .replaceAll('hello-2', `bench-${i}`),
    );
    active.push({ blocks, at: 0 });
  };
  while (next < Math.min(options.concurrent, options.calls)) startCall();
  let cursor = 0;
  while (active.length > 0) {
    cursor %= active.length;
    const call = active[cursor]!;
    texts.push(call.blocks[call.at++]!);
    if (call.at === call.blocks.length) {
      active.splice(cursor, 1);
      if (next < options.calls) startCall();
    } else cursor++;
  }
  const messages: AmiMessage[] = [];
  const parser = new AmiParser({ message: (m) => messages.push(m) }, { expectBanner: false });
  parser.push(Buffer.from(`${texts.join('\r\n\r\n')}\r\n\r\n`, 'latin1'));
  return messages;
}
