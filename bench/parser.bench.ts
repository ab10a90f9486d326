import { once } from 'node:events';
import { type AddressInfo, connect, createServer } from 'node:net';
import { AmiParser } from '../src/protocol/parser.js';
import { generateCallStream, isAscii } from './generateStream.js';

const CHUNK = 64 * 1024;

/** Parse `stream` in 64 KiB chunks, reading each message's name and Uniqueid as a router would. */
function parseInMemory(stream: Buffer): { messages: number; seconds: number } {
  let messages = 0;
  let withId = 0;
  const parser = new AmiParser(
    {
      message: (m) => {
        messages++;
        if (m.name.length > 0 && m.get('Uniqueid') !== undefined) withId++;
      },
    },
    { expectBanner: false },
  );
  const start = process.hrtime.bigint();
  for (let i = 0; i < stream.length; i += CHUNK) parser.push(stream.subarray(i, i + CHUNK));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (withId === 0) throw new Error('no message had a Uniqueid: the stream is wrong');
  return { messages, seconds };
}

/** Send `stream` over loopback TCP; the client either only counts bytes or parses too. */
async function overSocket(
  stream: Buffer,
  parse: boolean,
): Promise<{ messages: number; seconds: number }> {
  const server = createServer((socket) => socket.end(stream));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let bytes = 0;
  let messages = 0;
  const parser = new AmiParser(
    {
      message: (m) => {
        messages++;
        m.get('Uniqueid');
      },
    },
    { expectBanner: false },
  );
  const start = process.hrtime.bigint();
  const socket = connect(port, '127.0.0.1');
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (parse) parser.push(chunk);
  });
  await once(socket, 'end');
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  server.close();
  if (bytes !== stream.length) throw new Error(`received ${bytes} of ${stream.length} bytes`);
  return { messages, seconds };
}

/** Prints the parser's throughput next to a raw byte-count read of the same stream. */
export async function runParserBench(): Promise<void> {
  const stream = generateCallStream({ copies: 60 });
  const count = stream.toString('latin1').split('\r\n\r\n').length - 1;
  const nonAscii = stream
    .toString('utf8')
    .split('\r\n\r\n')
    .filter((m) => !isAscii(m)).length;
  const mb = stream.length / 1e6;
  console.log(
    `\n## AMI parser: ${count} messages, ${mb.toFixed(1)} MB, ${((nonAscii / count) * 100).toFixed(0)}% with non-ASCII`,
  );
  parseInMemory(stream); // warm-up: let the JIT settle before measuring
  const runs = [parseInMemory(stream), parseInMemory(stream), parseInMemory(stream)];
  const best = runs.reduce((a, b) => (a.seconds < b.seconds ? a : b));
  if (best.messages !== count) throw new Error(`parsed ${best.messages} of ${count} messages`);
  console.log(
    `parser, in memory (best of 3):   ${fmt(count / best.seconds)} events/s  ${fmt(mb / best.seconds)} MB/s`,
  );
  const raw = await overSocket(stream, false);
  const parsed = await overSocket(stream, true);
  console.log(
    `raw socket, bytes counted only:  ${fmt(count / raw.seconds)} events/s  ${fmt(mb / raw.seconds)} MB/s`,
  );
  console.log(
    `socket + parser:                 ${fmt(count / parsed.seconds)} events/s  ${fmt(mb / parsed.seconds)} MB/s`,
  );
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(11);
}
