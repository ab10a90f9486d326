import { createRuntime } from 'octostate';
import { AmiConnection } from 'octostate/connection';
import { pino } from 'pino';
import { generateCallStream } from '../../bench/generateStream.js';
import type { SocketTransport } from '../../src/connection/socketTransport.js';
import { connectTcp } from '../../src/connection/tcpTransport.js';
import { type ScriptedClient, startScriptedAmiServer } from '../support/scriptedAmiServer.js';
import { until } from './relayedRig.js';

const silentLogger = pino({ level: 'silent' });

/** What {@link floodRuntime} measured. */
export interface FloodReport {
  /** Channels and hang-ups in the stream, and those the runtime announced. */
  readonly sent: { channels: number; hangups: number; bytes: number };
  readonly routed: { channels: number; hangups: number };
  /**
   * Most bytes the runtime's transport held unread, sampled at each channel it announced. While
   * routing is behind, the socket is drained into the transport up to its bound
   * (MAX_BUFFERED_BYTES), so that the PBX's writes do not block; past it reading pauses.
   */
  readonly peakBufferedBytes: number;
  /** Times the server's writes were refused (TCP full): the stream came faster than it was read. */
  readonly serverStalls: number;
  /** Connection states the runtime went through during the flood (none: it stayed connected). */
  readonly states: string[];
  /** Keepalive pings the server answered while it flooded. */
  readonly pingsDuringFlood: number;
  /** Resident memory growth, start of flood to end, in MB. */
  readonly rssGrowthMb: number;
}

/**
 * A server that sends `copies` copies of the recorded 50-call load scenario (100 channels each) as
 * fast as TCP takes them, batch after batch of whole messages, answering keepalive pings between
 * batches, to a real runtime. Measures what the runtime buffered and whether it kept up.
 */
export async function floodRuntime(copies: number): Promise<FloodReport> {
  const stream = generateCallStream({ copies });
  const text = stream.toString('latin1');
  const sent = {
    channels: count(text, 'Event: Newchannel\r\n'),
    hangups: count(text, 'Event: Hangup\r\n'),
    bytes: stream.length,
  };
  let serverStalls = 0;
  let pingsDuringFlood = 0;
  let flooding = false;
  let floodDone: () => void = () => {};
  const flooded = new Promise<void>((resolve) => {
    floodDone = resolve;
  });
  const target = await startScriptedAmiServer({
    lifetimeMs: 120_000,
    handlers: {
      CoreShowChannels: (action, client) => {
        client.respond(action, 'Success', { EventList: 'start', Message: 'Channels will follow' });
        client.event('CoreShowChannelsComplete', {
          ActionID: action.id ?? '',
          EventList: 'Complete',
          ListItems: '0',
        });
      },
      Ping: (action, client) => {
        if (flooding) pingsDuringFlood += 1;
        client.respond(action, 'Success', { Ping: 'Pong', Timestamp: '0.000000' });
      },
    },
  });
  const transports: SocketTransport[] = [];
  const client = new AmiConnection({
    host: target.host,
    port: target.port,
    username: 'manager',
    secret: 'secret',
    logger: silentLogger,
    keepaliveIntervalMs: 50,
    // A ping's answer waits behind what fills the socket buffers (several MB on loopback), read at
    // the pace of routing: seconds on a loaded machine. The bytes before it prove the PBX alive,
    // so a timeout far shorter than that wait holds.
    keepaliveTimeoutMs: 500,
    reconnect: false,
    transport: async (options) => {
      const transport = (await connectTcp(options)) as SocketTransport;
      transports.push(transport);
      return transport;
    },
  });
  const runtime = createRuntime({ client, logger: silentLogger, lingerMs: 20 });
  const routed = { channels: 0, hangups: 0 };
  const states: string[] = [];
  let peakBufferedBytes = 0;
  runtime.bus.on('channel', () => {
    routed.channels += 1;
    peakBufferedBytes = Math.max(peakBufferedBytes, transports.at(-1)?.bufferedBytes ?? 0);
  });
  runtime.bus.on('hangup', () => {
    routed.hangups += 1;
  });
  try {
    await client.connect();
    await runtime.ready();
    runtime.bus.on('connection', ({ state }) => states.push(state));
    const rssBefore = process.memoryUsage().rss;
    flooding = true;
    pump(target.clients[0]!, stream, {
      stalled: () => {
        serverStalls += 1;
      },
      done: floodDone,
    });
    await flooded;
    await until(
      () => routed.hangups === sent.hangups,
      () => `every hang-up routed (${routed.hangups} of ${sent.hangups})`,
      60_000,
    );
    flooding = false;
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    const during = [...states];
    await until(
      () => Object.values(runtime.stats()).every((n) => n === 0),
      () => `every channel removed (${JSON.stringify(runtime.stats())})`,
    );
    return {
      sent,
      routed,
      peakBufferedBytes,
      serverStalls,
      states: during,
      pingsDuringFlood,
      rssGrowthMb,
    };
  } finally {
    await runtime.close();
    await client.close();
    await target.close();
  }
}

/**
 * Writes `stream` to the client in batches of whole messages (about 64 KiB each), the next one
 * only once the socket drains, so that a ping's answer never waits behind more than one batch.
 */
function pump(
  client: ScriptedClient,
  stream: Buffer,
  hooks: { stalled: () => void; done: () => void },
): void {
  let offset = 0;
  const next = (): void => {
    while (offset < stream.length) {
      const end = batchEnd(stream, offset);
      const writable = client.socket.write(stream.subarray(offset, end));
      offset = end;
      if (!writable) {
        hooks.stalled();
        client.socket.once('drain', next);
        return;
      }
    }
    hooks.done();
  };
  next();
}

/** The end of the last whole message within 64 KiB of `offset` (or the stream's end). */
function batchEnd(stream: Buffer, offset: number): number {
  const limit = offset + 64 * 1024;
  if (limit >= stream.length) return stream.length;
  const end = stream.lastIndexOf('\r\n\r\n', limit);
  return end > offset ? end + 4 : limit;
}

function count(text: string, needle: string): number {
  let found = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) found += 1;
  return found;
}
