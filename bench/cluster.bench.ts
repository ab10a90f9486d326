import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { ClusterClient } from '../src/cluster/ClusterClient.js';
import { createClusterNode } from '../src/cluster/clusterNode.js';
import { EVENTS_STREAM, openClusterStores } from '../src/cluster/clusterStores.js';
import { publishCallEvents } from '../src/cluster/eventPublisher.js';
import { createEmitter } from '../src/connection/emitter.js';
import { ivrMachine } from '../src/machines/flows/ivrMachine.js';
import { startPbx } from '../src/pbx/index.js';
import type { Runtime } from '../src/runtime/createRuntime.js';
import type { RuntimeEvents } from '../src/runtime/runtimeEvents.js';
import { ClusterHarness, now } from '../test/cluster/clusterHarness.js';
import { callersInMenu, until } from '../test/cluster/ivrCalls.js';
import { natsServerMissing, startNatsServer } from '../test/support/natsServer.js';

/**
 * The cluster's costs on loopback, with a `nats-server` of its own (Debian's 2.9):
 * - events/s one node publishes (the publisher alone, fed as fast as it takes them), and how fast
 *   the events stream stores them;
 * - flow snapshot writes/s to the flows bucket (one in flight per flow, 100 flows);
 * - command round trip through NATS, p50/p99: `channels` (answered from the owner's memory) and
 *   `dtmf` (the owner also waits for Asterisk's answer to `PlayDTMF`);
 * - failover: SIGKILL the node owning a PBX with 100 IVR calls in the menu; time until another
 *   node holds the lease, and until it has resumed every flow.
 * Figures only: it never fails on time.
 */
export async function runClusterBench(): Promise<void> {
  const missing = natsServerMissing();
  if (missing) {
    console.log(`cluster bench skipped: ${missing}`);
    return;
  }
  console.log(
    `cluster (loopback, nats-server 2.9; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores)`,
  );
  await publishBench();
  await commandBench();
  await failoverBench();
}

async function publishBench(events = 200_000): Promise<void> {
  const nats = await startNatsServer();
  try {
    const nc = await connect({ servers: nats.url });
    const stores = await openClusterStores(nc);
    const bus = createEmitter<RuntimeEvents>();
    const runtime = { bus, channels: { get: () => undefined } } as unknown as Pick<
      Runtime,
      'bus' | 'channels'
    >;
    const publisher = publishCallEvents(runtime, nc, { asterisk: 'pbx', node: 'bench' });
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < events; i++) {
      bus.emit('channelState', {
        uniqueid: `1796000000.${i % 500}`,
        name: `PJSIP/caller-${i % 500}`,
        state: 'answered+inAgi',
        previous: 'answered',
      });
    }
    await nc.flush();
    const published = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const cpuPerEvent = (used.user + used.system) / events;
    let stored = 0;
    while (stored < events) {
      stored = (await stores.jsm.streams.info(EVENTS_STREAM)).state.messages;
      if (performance.now() - start > 120_000) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const kept = performance.now() - start;
    publisher.stop();
    console.log(
      `  events published by one node: ${rate(events, published)}/s, ${cpuPerEvent.toFixed(1)} µs of CPU each (JSON, subject, publish); stored by the stream: ${stored} of ${events} at ${rate(stored, kept)}/s`,
    );

    const flows = 100;
    const writes = 20_000;
    const snapshot = JSON.stringify({
      status: 'active',
      value: 'menu',
      context: { pad: 'x'.repeat(1500) },
    });
    const putStart = performance.now();
    await Promise.all(
      Array.from({ length: flows }, async (_, flow) => {
        for (let i = 0; i < writes / flows; i++)
          await stores.flows.put(`pbx.1796000000.${flow}`, snapshot);
      }),
    );
    console.log(
      `  flow snapshot writes (${snapshot.length} bytes, ${flows} flows, one write in flight each): ${rate(writes, performance.now() - putStart)}/s`,
    );
    await nc.close();
  } finally {
    await nats.stop();
  }
}

async function commandBench(rounds = 2_000): Promise<void> {
  const nats = await startNatsServer();
  const pbx = await startPbx({ port: 0, phones: [{ name: 'alice' }] });
  const node = createClusterNode({
    servers: nats.url,
    node: 'bench',
    asterisks: [{ id: 'pbx', url: pbx.url.replace('ami://', 'ami://manager:secret@') }],
    logger: pino({ level: 'silent' }),
  });
  try {
    node.handle({ exten: '500', inAgi: true }, ivrMachine);
    const acquired = new Promise((resolve) => node.bus.on('acquired', resolve));
    await node.ready();
    await acquired;
    const nc = await connect({ servers: nats.url });
    const client = new ClusterClient(nc);
    pbx.phoneCall('alice', '500');
    await until(async () => (await client.channels('pbx')).length === 1, 'the call');
    const time = async (what: string, n: number, run: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        await run();
        samples.push(performance.now() - start);
      }
      samples.sort((a, b) => a - b);
      const at = (q: number) =>
        samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2);
      console.log(
        `  command round trip, ${what}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (${n} in a row)`,
      );
    };
    await time('channels (answered from memory)', rounds, () => client.channels('pbx'));
    await time('dtmf (PlayDTMF answered by the PBX)', rounds / 4, () =>
      client.injectDtmf('pbx', { exten: '500', digit: '5' }),
    );
    await nc.close();
  } finally {
    await node.close();
    await pbx.stop();
    await nats.stop();
  }
}

async function failoverBench(rounds = 3, callers = 100): Promise<void> {
  const cluster = new ClusterHarness({
    pbxes: ['pbx1'],
    nodes: ['a', 'b', 'c'],
    callersPerPbx: callers,
  });
  try {
    await cluster.start();
    await until(async () => (await cluster.owners()).size === 1, 'the PBX supervised', 60_000);
    for (let round = 1; round <= rounds; round++) {
      await callersInMenu(cluster, ['pbx1'], callers);
      const victim = (await cluster.owners()).get('pbx1')!;
      const from = new Map([...cluster.nodes].map(([name, node]) => [name, node.reports.length]));
      const killedAt = now();
      await cluster.nodes.get(victim)!.kill('SIGKILL');
      let leased: { node: string; t: number } | undefined;
      await until(
        () => {
          for (const [name, node] of cluster.nodes) {
            const report = node.reports.slice(from.get(name)).find((r) => r.type === 'leased');
            if (report) leased = { node: name, t: report.t! };
          }
          return leased !== undefined;
        },
        'the lease taken',
        30_000,
      );
      const acquired = await cluster.nodes
        .get(leased!.node)!
        .next((r) => r.type === 'acquired', 60_000, from.get(leased!.node));
      console.log(
        `  failover ${round}: SIGKILL of the owner of ${callers} calls; lease taken after ${Math.round(leased!.t - killedAt)} ms, every flow resumed after ${Math.round(acquired.t! - killedAt)} ms`,
      );
      cluster.pbxes.get('pbx1')!.send({ type: 'choose', digit: '2' });
      await until(
        async () => (await cluster.report('pbx1')).channels === 0,
        'the calls finished',
        120_000,
      );
      const restarted = await cluster.startNode(victim);
      await restarted.next((r) => r.type === 'ready');
    }
  } finally {
    await cluster.stop();
  }
}

function rate(count: number, ms: number): string {
  return Math.round((count / ms) * 1000).toLocaleString('en-US');
}
