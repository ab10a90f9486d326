import { pino } from 'pino';
import type { Call } from '../src/calls/Call.js';
import type { CallMatch } from '../src/calls/callHandlers.js';
import { AmiConnection } from '../src/connection/AmiConnection.js';
import { startPbx } from '../src/pbx/index.js';
import { createRuntime } from '../src/runtime/createRuntime.js';

/**
 * AGI round trips over FastAGI and over AsyncAGI, on the embedded PBX and on a real Asterisk
 * (`ASTERISK_AMI_URL`, running this project's `asterisk-etc`): one call runs `GET VARIABLE` in a
 * row and each command is timed from `call.command()` to its result; then 20 calls do the same at
 * once. AsyncAGI calls go to extension 403 (`AGI(agi:async)`), FastAGI calls to 404
 * (`AGI(agi://${FASTAGI_HOST}:${FASTAGI_PORT}/hello...)`). Figures only: it never fails on time.
 */
export async function runAgiBench(): Promise<void> {
  const pbx = await startPbx({ port: 0 });
  try {
    await benchTarget('embedded PBX', pbx.url.replace('ami://', 'ami://manager:secret@'), 200);
  } finally {
    await pbx.stop();
  }
  const real = process.env.ASTERISK_AMI_URL;
  if (real) await benchTarget('real Asterisk', real, 30);
  else console.log('agi: real Asterisk skipped (set ASTERISK_AMI_URL to a real Asterisk 22)');
}

const silent = pino({ level: 'silent' });

async function benchTarget(label: string, url: string, rounds: number): Promise<void> {
  const client = AmiConnection.fromUrl(url, { logger: silent, reconnect: false });
  const runtime = createRuntime({ client, logger: silent, lingerMs: 100, fastAgi: { port: 0 } });
  await client.connect();
  try {
    await runtime.ready();
    await client.action('Setvar', { Variable: 'FASTAGI_PORT', Value: runtime.fastAgi!.port });
    const transports: Array<[string, CallMatch, string]> = [
      ['AsyncAGI', { exten: '403', inAgi: true }, '403'],
      ['FastAGI ', { agiScript: 'hello' }, '404'],
    ];
    for (const [name, match, exten] of transports) {
      const times: number[] = [];
      const unregister = runtime.handle(match, async (call) => {
        await timeCommands(call, rounds, times);
        await call.hangup();
      });
      const began = performance.now();
      await placeCalls(runtime, client, exten, 1, rounds, times);
      const oneCall = performance.now() - began;
      const parallelTimes: number[] = [];
      unregister();
      const unregisterParallel = runtime.handle(match, async (call) => {
        await timeCommands(call, rounds, parallelTimes);
        await call.hangup();
      });
      const parallelBegan = performance.now();
      await placeCalls(runtime, client, exten, 20, rounds, parallelTimes);
      const parallel = performance.now() - parallelBegan;
      unregisterParallel();
      console.log(
        `agi: ${label.padEnd(13)} ${name} ${summary(times)}; with call set-up: one call ${rate(times.length, oneCall)}, ` +
          `20 calls at once ${rate(parallelTimes.length, parallel)} (p50 ${percentile(parallelTimes, 0.5)} ms)`,
      );
    }
  } finally {
    await runtime.close();
    await client.close();
  }
}

async function timeCommands(call: Call, rounds: number, times: number[]): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await call.command('GET VARIABLE', ['CHANNEL']);
    times.push(performance.now() - started);
  }
}

/** Places `count` calls to `exten` and waits until each has run its `rounds` commands. */
async function placeCalls(
  runtime: ReturnType<typeof createRuntime>,
  client: AmiConnection,
  exten: string,
  count: number,
  rounds: number,
  times: number[],
): Promise<void> {
  const expected = times.length + count * rounds;
  await Promise.all(
    Array.from({ length: count }, () =>
      client.action('Originate', {
        Channel: `Local/${exten}@default`,
        Application: 'Wait',
        Data: '60',
        Async: true,
      }),
    ),
  );
  const deadline = Date.now() + 120_000;
  while (times.length < expected) {
    if (Date.now() > deadline) throw new Error(`agi bench: ${exten} calls did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  while (runtime.stats().fastAgiSessions > 0 || runtime.stats().agiCommands > 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function summary(times: number[]): string {
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return `round trip mean ${mean.toFixed(2)} ms, p50 ${percentile(times, 0.5)}, p95 ${percentile(times, 0.95)}`;
}

function percentile(times: number[], p: number): string {
  const sorted = [...times].sort((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(2);
}

function rate(commands: number, ms: number): string {
  return `${Math.round((commands * 1000) / ms).toLocaleString('en-US')} commands/s`;
}
