import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterHarness, now } from './clusterHarness.js';
import {
  callersInMenu,
  expectEveryCallerFinishedFromTheMenu,
  expectNothingLeft,
  expectOneDriverAtATime,
  finishCalls,
  leaseTimeline,
  marks,
  streamedHangups,
  until,
} from './ivrCalls.js';
import { describeWithNats } from './natsAvailable.js';

/**
 * `nats-server` SIGKILLed and restarted with calls up, on a cluster whose lease (30 s) outlasts the
 * outage: every node keeps driving the calls of its PBX meanwhile (AMI does not need NATS), nobody
 * loses a lease, and the events of calls that ended during the outage reach the stream once NATS
 * is back. (With an outage longer than the lease, the nodes fence themselves instead, and take
 * their PBXes back through a takeover: `failover.test.ts` covers that path.)
 */
const CALLERS = Number(process.env.OCTOSTATE_CLUSTER_CALLERS ?? 100);
const PBXES = ['pbx1', 'pbx2', 'pbx3'];
const OUTAGE_MS = 8_000;

describeWithNats('a cluster of 3 nodes and 3 PBXes, nats-server restarted', () => {
  const cluster = new ClusterHarness({
    pbxes: PBXES,
    nodes: ['a', 'b', 'c'],
    callersPerPbx: CALLERS,
    leaseTtlMs: 30_000,
  });
  beforeAll(async () => {
    await cluster.start();
    // Shared out: one PBX per node when the nodes joined together; a node that came up late on a
    // busy machine finds them taken and stands by (held leases never move), which is fine too.
    await until(async () => (await cluster.owners()).size === PBXES.length, 'every PBX supervised');
    console.info(`owners: ${JSON.stringify(Object.fromEntries(await cluster.owners()))}`);
  }, 120_000);
  afterAll(async () => {
    console.info(`lease timeline:\n${leaseTimeline(cluster).sort().join('\n')}`);
    await cluster.stop();
  });

  it('should keep driving calls while nats-server is down, and publish what happened meanwhile', async () => {
    await callersInMenu(cluster, PBXES, CALLERS);
    const owners = await cluster.owners();
    const from = marks(cluster);
    const killedAt = now();
    await cluster.nats.kill();
    // pbx3's callers leave while NATS is down: their node drives them to the end alone.
    cluster.pbxes.get('pbx3')!.send({ type: 'choose', digit: '2' });
    await until(
      async () => (await cluster.report('pbx3')).calls.every((call) => call.gone),
      'pbx3 calls finished during the outage',
      OUTAGE_MS,
    );
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (now() - killedAt)));
    await cluster.nats.restart();
    console.info(`nats-server down for ${Math.round(now() - killedAt)} ms`);

    expectEveryCallerFinishedFromTheMenu(
      cluster,
      PBXES,
      await finishCalls(cluster, PBXES),
      CALLERS,
    );
    const lost = [...cluster.nodes].flatMap(([name, node]) =>
      node.reports.slice(from.get(name)).filter((r) => r.type === 'lost'),
    );
    expect(lost).toEqual([]);
    expect(await cluster.owners()).toEqual(owners);
    // Every node saw the outage, and came back.
    for (const [name, node] of cluster.nodes) {
      const seen = node.reports.slice(from.get(name)).filter((r) => r.type === 'connection');
      expect(
        seen.map((r) => r.connected),
        name,
      ).toEqual([false, true]);
    }
    // The hang-ups of pbx3's calls, kept while NATS was down, reach the stream once it is back.
    const channels = (await cluster.report('pbx3')).calls.map((call) => call.channel);
    let hangups = new Set<string>();
    await until(
      async () => {
        hangups = await streamedHangups(cluster, 'pbx3');
        return channels.every((channel) => hangups.has(channel));
      },
      'the hang-ups published after the outage',
      30_000,
    ).catch(() => {});
    expect(channels.filter((channel) => !hangups.has(channel))).toEqual([]);
    expectOneDriverAtATime(cluster.agi);
    await expectNothingLeft(cluster);
  });
});
