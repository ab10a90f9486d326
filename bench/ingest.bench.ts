import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { AmiConnection } from '../src/connection/AmiConnection.js';
import { generateCallStream } from './generateStream.js';

/** The fields a consumer reads from each event, as a router would (besides its name). */
const FIELDS = ['Uniqueid', 'Channel', 'Linkedid', 'ChannelStateDesc', 'CallerIDNum'] as const;

/**
 * The AMI server, a process of its own so that serving costs the measured process nothing: it
 * greets, answers one Login, then writes the whole stream. Prints its port, stops after its client.
 */
const SERVER = `
const { readFileSync } = require('node:fs');
const { createServer } = require('node:net');
const stream = readFileSync(process.argv[1]);
const server = createServer((socket) => {
  socket.on('error', () => {});
  socket.on('close', () => server.close());
  socket.write('Asterisk Call Manager/11.0.0\\r\\n');
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', function onData(chunk) {
    received += chunk;
    const id = /ActionID: (\\S+)\\r\\n/.exec(received)?.[1];
    if (id === undefined || !received.includes('\\r\\n\\r\\n')) return;
    socket.off('data', onData);
    socket.write('Response: Success\\r\\nActionID: ' + id + '\\r\\nMessage: Authentication accepted\\r\\n\\r\\n');
    socket.write(stream);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

/**
 * The floor: a separate process that logs in the same way, then reads the stream's bytes and does
 * nothing with them. Prints its wall and CPU time from connect to the last byte.
 */
const RAW_READER = `
const { connect } = require('node:net');
const [port, total] = process.argv.slice(1).map(Number);
const start = process.hrtime.bigint();
const cpu = process.cpuUsage();
let bytes = 0;
const socket = connect(port, '127.0.0.1');
socket.write('Action: Login\\r\\nActionID: raw-1\\r\\nUsername: bench\\r\\nSecret: bench\\r\\n\\r\\n');
socket.on('data', (chunk) => {
  bytes += chunk.length;
  if (bytes < total) return;
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6 }));
  socket.destroy();
});
`;

/** How long one read of the stream took. */
interface Timing {
  seconds: number;
  cpuSeconds: number;
}

/** Starts the server process on the stream in `file`; resolves with its port. */
async function startServer(file: string): Promise<number> {
  const child = spawn(process.execPath, ['-e', SERVER, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout.setEncoding('utf8'), 'data')) as [string];
  return Number(line.trim());
}

/** Bytes read by a separate Node process, counted only. */
export async function rawRead(file: string, total: number): Promise<Timing> {
  const port = await startServer(file);
  const child = spawn(process.execPath, ['-e', RAW_READER, String(port), String(total)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  await once(child, 'exit');
  return JSON.parse(out) as Timing;
}

/** Events through `AmiConnection`'s bus, five fields read from each, in this process. */
export async function throughConnection(file: string, events: number): Promise<Timing> {
  const port = await startServer(file);
  const ami = new AmiConnection({
    host: '127.0.0.1',
    port,
    username: 'bench',
    secret: 'bench',
    reconnect: false,
    keepaliveIntervalMs: false,
    logger: pino({ level: 'silent' }),
  });
  let seen = 0;
  let checksum = 0;
  const finished = new Promise<void>((resolve) => {
    ami.bus.on('event', (event) => {
      checksum += event.name.length;
      for (const field of FIELDS) checksum += event.get(field)?.length ?? 0;
      seen += 1;
      if (seen === events) resolve();
    });
  });
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await ami.connect();
  await finished;
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await ami.close();
  if (checksum === 0) throw new Error('no field was read: the stream is wrong');
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/**
 * `npm run bench -- ingest`: AMI events through `AmiConnection` (parsed, on its bus, five fields
 * read from each) against a separate process reading the same bytes raw from a socket, same run.
 * Both read from a server process of their own. Wall-clock rates depend on what else the machine
 * runs; CPU seconds per event do much less, so both are printed.
 */
export async function runIngestBench(): Promise<void> {
  const stream = generateCallStream({ copies: 20 });
  // Responses in the recording answer no action of this client: they go out as `unsolicited`.
  const events = stream
    .toString('latin1')
    .split('\r\n\r\n')
    .filter((message) => message.startsWith('Event:')).length;
  const file = join(tmpdir(), `octostate-ingest-${process.pid}.txt`);
  writeFileSync(file, stream);
  const greeting =
    'Asterisk Call Manager/11.0.0\r\n' +
    'Response: Success\r\nActionID: raw-1\r\nMessage: Authentication accepted\r\n\r\n';
  const total = Buffer.byteLength(greeting) + stream.length;
  try {
    const mb = stream.length / 1e6;
    console.log(`\n## AMI ingest: ${events} events, ${mb.toFixed(1)} MB over loopback TCP`);
    await throughConnection(file, events); // warm-up: let the JIT settle before measuring
    const raw: Timing[] = [];
    const connection: Timing[] = [];
    for (let run = 0; run < 5; run++) {
      raw.push(await rawRead(file, total));
      connection.push(await throughConnection(file, events));
    }
    const best = (timings: Timing[], key: keyof Timing) => Math.min(...timings.map((t) => t[key]));
    const line = (label: string, timings: Timing[]) =>
      console.log(
        `${label} ${fmt(events / best(timings, 'seconds'))} events/s  ${fmt(
          mb / best(timings, 'seconds'),
        )} MB/s  ${fmt(events / best(timings, 'cpuSeconds'))} events per CPU second`,
      );
    line('raw socket read, separate process (best of 5):', raw);
    line('AmiConnection, bus + 5 fields (best of 5):    ', connection);
    const ratio = (key: keyof Timing) => (best(raw, key) / best(connection, key)).toFixed(2);
    console.log(
      `ratio to raw: ${ratio('seconds')} (wall clock), ${ratio('cpuSeconds')} (CPU time)`,
    );
  } finally {
    await rm(file, { force: true });
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(11);
}
