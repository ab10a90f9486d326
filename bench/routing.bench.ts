import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createActor, waitFor } from 'xstate';
import { type SupervisorNotice, supervisorMachine } from '../src/actors/supervisorMachine.js';
import { supervisorHoldings } from '../src/actors/supervisorQueries.js';
import type { AmiEvent } from '../src/protocol/amiEvent.js';
import { createMessage } from '../src/protocol/serialize.js';
import { FakeAmiClient } from '../test/actors/fakeAmiClient.js';
import { floorMachine, measureRoutingBreakdown } from './routingBreakdown.js';
import { generateCallStream } from './routingStream.js';

/** A forced full GC (exposed at run time, so no node flag is needed). */
function collect(): () => void {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

async function liveSupervisor(lingerMs: number, notify?: (notice: SupervisorNotice) => void) {
  const client = new FakeAmiClient();
  const supervisor = createActor(supervisorMachine, {
    input: { client, lingerMs, ...(notify ? { notify } : {}) },
    systemId: 'ami',
  });
  supervisor.start();
  client.connect();
  await waitFor(supervisor, (s) => s.matches({ session: 'live' }));
  return { client, supervisor };
}

/** Events/s through router and channel statecharts, on `calls` real-shaped calls. */
async function measureThroughput(calls: number, concurrent: number) {
  const messages = generateCallStream({ calls, concurrent });
  // Warm-up on a separate supervisor so the JIT has seen the paths.
  const warm = await liveSupervisor(0);
  warm.client.emit(...generateCallStream({ calls: 200, concurrent: 100 }));
  warm.supervisor.stop();

  let peak = 0;
  let actors = 0;
  // Channel actors held, lingering ones included (the linger outlasts the run).
  const { client, supervisor } = await liveSupervisor(60_000, (notice) => {
    if (notice.type === 'channel') peak = Math.max(peak, ++actors);
    else if (notice.type === 'removed') actors--;
  });
  const started = process.hrtime.bigint();
  for (const message of messages) client.bus.emit('event', message as AmiEvent);
  // What waits to be folded goes out at the end of the burst.
  await Promise.resolve();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  supervisor.stop();
  const parts = measureRoutingBreakdown(messages);
  const floor = measureRoutingBreakdown(messages, floorMachine, { fold: false });
  return {
    events: messages.length,
    seconds,
    perSecond: messages.length / seconds,
    peak,
    parts,
    floor,
  };
}

/** Heap per live channel actor with `count` channels up at once (Newchannel + a few events each). */
async function measureMemory(count: number) {
  const gc = collect();
  const { client, supervisor } = await liveSupervisor(60_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) {
    const uniqueid = `1900000000.${i}`;
    const channel = `PJSIP/trunk-${i.toString(16).padStart(8, '0')}`;
    const common: Array<[string, string]> = [
      ['Privilege', 'call,all'],
      ['Channel', channel],
      ['ChannelState', '4'],
      ['ChannelStateDesc', 'Ring'],
      ['CallerIDNum', '5550100'],
      ['CallerIDName', 'Bench'],
      ['ConnectedLineNum', '<unknown>'],
      ['ConnectedLineName', '<unknown>'],
      ['Language', 'en'],
      ['AccountCode', ''],
      ['Context', 'default'],
      ['Exten', '401'],
      ['Priority', '1'],
      ['Uniqueid', uniqueid],
      ['Linkedid', uniqueid],
    ];
    client.emit(createMessage([['Event', 'Newchannel'], ...common]));
    client.emit(
      createMessage([
        ['Event', 'Newexten'],
        ...common,
        ['Extension', '401'],
        ['Application', 'Answer'],
        ['AppData', ''],
      ]),
    );
    client.emit(
      createMessage([
        ['Event', 'VarSet'],
        ...common,
        ['Variable', 'CALLID'],
        ['Value', `call-${i}`],
      ]),
    );
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  const holdings = supervisorHoldings(supervisor);
  const live = holdings.channels - holdings.lingering;
  supervisor.stop();
  return { live, bytesPerActor: (after - before) / count };
}

/**
 * Prints the routing figures: events/s routed into channel statecharts on a generated stream of
 * real-shaped calls (several hundred concurrent), and heap per live channel actor at 10,000 live
 * channels. Targets: ≥ 250,000 events/s, ≤ 10 KB per actor.
 *
 * @example
 * await runRoutingBench(); // from bench/run.ts (`npm run bench`)
 */
export async function runRoutingBench(): Promise<void> {
  const throughput = await measureThroughput(4000, 500);
  console.log(
    `routing: ${throughput.events} events, ${throughput.seconds.toFixed(3)} s, ` +
      `${Math.round(throughput.perSecond).toLocaleString('en')} events/s ` +
      `(peak ${throughput.peak} channel actors live; target >= 250,000)`,
  );
  const parts = throughput.parts;
  const share = (micros: number, count: number) =>
    `${Math.round((micros * count) / (throughput.seconds * 1e4))}% of the run`;
  console.log(
    `  where it goes: router alone ${Math.round(parts.routingPerSecond).toLocaleString('en')} events/s; ` +
      `channel actor start ${parts.startMicros.toFixed(1)} µs x ${parts.channels} ` +
      `(${share(parts.startMicros, parts.channels)}); statechart step ${parts.stepMicros.toFixed(2)} µs ` +
      `x ${parts.deliveries} deliveries (${share(parts.stepMicros, parts.deliveries)})`,
  );
  // The same parts for the cheapest possible XState machine per channel: what any design with one
  // statechart macrostep per event could reach here at best.
  const floor = throughput.floor;
  const floorSeconds =
    throughput.events / floor.routingPerSecond +
    (floor.startMicros * floor.channels + floor.stepMicros * floor.deliveries) / 1e6;
  console.log(
    `  floor (one-state XState machine, one assign): start ${floor.startMicros.toFixed(1)} µs, ` +
      `step ${floor.stepMicros.toFixed(2)} µs: at best ` +
      `${Math.round(throughput.events / floorSeconds).toLocaleString('en')} events/s end to end`,
  );
  const memory = await measureMemory(10_000);
  console.log(
    `memory: ${memory.live} live channel actors, ${(memory.bytesPerActor / 1024).toFixed(2)} KB per actor ` +
      '(target <= 10 KB)',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runRoutingBench();
}
