import { connect, type Socket } from 'node:net';
import { pino } from 'pino';
import type { Call } from '../src/calls/Call.js';
import { AmiConnection } from '../src/connection/AmiConnection.js';
import { type Clock, startPbx } from '../src/pbx/index.js';
import { createRuntime } from '../src/runtime/createRuntime.js';

/**
 * `npm run bench -- agi-rtt`: what the runtime adds to an AsyncAGI round trip. On the embedded PBX,
 * one call (a simulated phone calling 403) sits in `AGI(agi:async)`; `GET VARIABLE` is sent to it, one command at a time,
 * by `call.command()` through a runtime, and by a bare socket logged in to the same PBX that writes
 * the same `AGI` action and waits for the `AsyncAGIExec` that carries its `CommandID`, in
 * alternating blocks (`AGI_RTT_COMMANDS` each way, default 10,000). Prints p50/p90/p99 of each and
 * the difference. The PBX runs on a clock whose every delay ends at the next turn of the event loop,
 * so that res_agi's 100 ms poll of an idle channel's queue does not swamp what is measured; both
 * sides pay the same for that. Figures only: it never fails on time.
 */
export async function runAgiRoundTripBench(): Promise<void> {
  const commands = Number(process.env.AGI_RTT_COMMANDS ?? 10_000);
  const pbx = await startPbx({ port: 0, clock: eagerClock() });
  const url = pbx.url.replace('ami://', 'ami://manager:secret@');
  const silent = pino({ level: 'silent' });
  const connection = AmiConnection.fromUrl(url, { logger: silent, reconnect: false });
  const runtime = createRuntime({ client: connection, logger: silent });
  let bare: BareClient | undefined;
  try {
    await connection.connect();
    await runtime.ready();
    const parked = new Promise<Call>((resolve) =>
      runtime.handle({ exten: '403', inAgi: true }, resolve),
    );
    // A phone calls 403 (no Originate, whose ring timeout the eager clock would end at once).
    pbx.addPhone({ name: 'rtt' });
    pbx.phoneCall('rtt', '403');
    const call = await parked;
    bare = await BareClient.open(pbx.port);
    const viaRuntime: number[] = [];
    const viaSocket: number[] = [];
    const blocks = 10;
    const perBlock = Math.max(1, Math.round(commands / blocks));
    // Warm-up, then alternating blocks so that both see the same machine.
    await timeBlock(() => call.command('GET VARIABLE OCTOSTATE_RTT'), 500, []);
    await timeBlock(() => bare!.agi(call.name, 'GET VARIABLE OCTOSTATE_RTT'), 500, []);
    for (let block = 0; block < blocks; block += 1) {
      await timeBlock(() => call.command('GET VARIABLE OCTOSTATE_RTT'), perBlock, viaRuntime);
      await timeBlock(
        () => bare!.agi(call.name, 'GET VARIABLE OCTOSTATE_RTT'),
        perBlock,
        viaSocket,
      );
    }
    const runtimeFigures = percentiles(viaRuntime);
    const socketFigures = percentiles(viaSocket);
    const ms = (value: number) => `${value.toFixed(3)} ms`;
    const line = (label: string, figures: Percentiles) =>
      `agi-rtt: ${label} p50 ${ms(figures.p50)}, p90 ${ms(figures.p90)}, p99 ${ms(figures.p99)} (${figures.count} commands)`;
    console.log(line('runtime (call.command) ', runtimeFigures));
    console.log(line('bare socket            ', socketFigures));
    console.log(
      `agi-rtt: added by the runtime: p50 ${ms(runtimeFigures.p50 - socketFigures.p50)}, p99 ${ms(runtimeFigures.p99 - socketFigures.p99)}`,
    );
    await call.hangup();
  } finally {
    bare?.close();
    await runtime.close();
    await connection.close();
    await pbx.stop();
  }
}

/** Runs `count` commands one after the other, pushing each one's round trip (ms) to `into`. */
async function timeBlock(send: () => Promise<unknown>, count: number, into: number[]) {
  for (let i = 0; i < count; i += 1) {
    const began = performance.now();
    await send();
    into.push(performance.now() - began);
  }
}

interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** A PBX clock on which every delay is over at the next turn of the event loop. */
function eagerClock(): Clock {
  let now = Date.now();
  return {
    now: () => now,
    setTimer: (fn, ms) =>
      setImmediate(() => {
        now += Math.max(0, ms);
        fn();
      }) as unknown as ReturnType<typeof setTimeout>,
    clearTimer: (handle) => clearImmediate(handle as unknown as NodeJS.Immediate),
  };
}

/**
 * The least an AMI client can do: log in, write an `AGI` action, and find the `AsyncAGIExec`
 * with its `CommandID` in the byte stream (no parser, no objects per message).
 */
class BareClient {
  private buffered = '';
  private waiting: { marker: string; resolve: () => void } | undefined;
  private sequence = 0;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('latin1');
      const waiting = this.waiting;
      if (waiting && this.buffered.includes(waiting.marker)) {
        this.waiting = undefined;
        this.buffered = '';
        waiting.resolve();
      } else if (this.buffered.length > 1 << 20) {
        this.buffered = this.buffered.slice(-4096);
      }
    });
  }

  static async open(port: number): Promise<BareClient> {
    const socket = connect({ host: '127.0.0.1', port });
    const client = new BareClient(socket);
    await client.exchange(
      'Action: Login\r\nActionID: login\r\nUsername: manager\r\nSecret: secret\r\n\r\n',
      'Message: Authentication accepted',
    );
    return client;
  }

  /** One AsyncAGI command: resolves once its `AsyncAGIExec` has arrived. */
  agi(channel: string, command: string): Promise<void> {
    this.sequence += 1;
    const id = `bare-${this.sequence}`;
    return this.exchange(
      `Action: AGI\r\nActionID: ${id}\r\nChannel: ${channel}\r\nCommand: ${command}\r\nCommandID: ${id}\r\n\r\n`,
      // The embedded PBX ends AsyncAGIExec with the client's id: `CommandId: <id>`.
      `CommandId: ${id}\r\n`,
    );
  }

  close(): void {
    this.socket.destroy();
  }

  private exchange(text: string, marker: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = { marker, resolve };
      this.socket.write(text);
    });
  }
}
