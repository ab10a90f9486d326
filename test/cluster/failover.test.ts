import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterHarness, now } from './clusterHarness.js';
import {
  callersInMenu,
  expectEveryCallerFinishedFromTheMenu,
  expectNothingLeft,
  expectOneDriverAtATime,
  finishCalls,
  firstReport,
  leaseTimeline,
  marks,
  storedStates,
  until,
} from './ivrCalls.js';
import { describeWithNats } from './natsAvailable.js';

/**
 * The cluster's proof on loopback: 3 runtime processes (cluster nodes) and 3 embedded PBXes, each in
 * its own process, around a `nats-server` this test starts, with the default lease (3 s); IVR
 * callers on every PBX (extension 500: passcode, then a menu where they press 2 for goodbye).
 *
 * - A node that owns a PBX is SIGKILLed while its callers are in the menu: another node takes the
 *   lease within 5 s, resumes every stored flow, and every caller finishes from the menu.
 * - A node is cut from NATS while its PBX still talks to it: it stops driving when its lease
 *   expires (fencing), before another node takes over.
 *
 * Throughout, the AGI commands every node sends are tapped between it and each PBX: no channel ever
 * gets commands from a node after another node has started sending it commands.
 */
const CALLERS = Number(process.env.OCTOSTATE_CLUSTER_CALLERS ?? 100);
const PBXES = ['pbx1', 'pbx2', 'pbx3'];

describeWithNats('a cluster of 3 nodes and 3 PBXes, a node lost', () => {
  const cluster = new ClusterHarness({
    pbxes: PBXES,
    nodes: ['a', 'b', 'c'],
    callersPerPbx: CALLERS,
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

  it('should hand a killed node’s PBX to another node within 5 s, every caller finishing from the menu', async () => {
    await callersInMenu(cluster, PBXES, CALLERS);
    const victimPbx = 'pbx1';
    const victim = (await cluster.owners()).get(victimPbx)!;
    // Stored when its node dies: every flow of the PBX in the menu.
    await until(
      async () =>
        (await storedStates(cluster, victimPbx)).filter((s) => s === 'menu').length === CALLERS,
      'every flow stored in the menu',
    );
    const from = marks(cluster);
    const killedAt = now();
    await cluster.nodes.get(victim)!.kill('SIGKILL');
    const heir = await firstReport(
      cluster,
      from,
      (r) => r.type === 'leased' && r.asterisk === victimPbx,
    );
    const leasedAfterMs = heir.report.t! - killedAt;
    expect(leasedAfterMs).toBeLessThan(5_000);
    const acquired = await cluster.nodes
      .get(heir.node)!
      .next((r) => r.type === 'acquired' && r.asterisk === victimPbx, 60_000, from.get(heir.node));
    expect(acquired.restored).toEqual({ found: CALLERS, dropped: 0 });
    // Every call of the PBX has its channel actor back on the heir, its flow resumed in the menu.
    const channels = await cluster.client.channels(victimPbx);
    expect(channels).toHaveLength(CALLERS);
    expect(channels.filter((channel) => channel.flow === 'menu')).toHaveLength(CALLERS);
    console.info(
      `failover of ${CALLERS} calls: lease taken ${Math.round(leasedAfterMs)} ms after SIGKILL, flows resumed ${Math.round(acquired.t! - killedAt)} ms after it`,
    );

    const reports = await finishCalls(cluster, PBXES);
    expectEveryCallerFinishedFromTheMenu(cluster, PBXES, reports, CALLERS);
    // The victim's calls went on with the heir, from the menu: no passcode asked after the kill.
    // From the heir's lease on: a command the victim wrote just before the signal landed can reach
    // the tap a moment after `killedAt`.
    for (const call of reports[PBXES.indexOf(victimPbx)]!.calls) {
      const after = cluster.agi.filter(
        (c) => c.pbx === victimPbx && c.channel === call.channel && c.at > heir.report.t!,
      );
      expect(after.length, call.channel).toBeGreaterThan(0);
      expect(new Set(after.map((c) => c.node))).toEqual(new Set([heir.node]));
      expect(after.some((c) => c.command.startsWith('GET DATA'))).toBe(false);
    }
    expectOneDriverAtATime(cluster.agi);
    // No other lease moved meanwhile.
    const lost = [...cluster.nodes].flatMap(([name, node]) =>
      node.reports.slice(from.get(name)).filter((r) => r.type === 'lost'),
    );
    expect(lost).toEqual([]);
    await expectNothingLeft(cluster);
  });

  it('should stop a node cut from NATS at its lease’s expiry, before another takes its PBX over', async () => {
    for (const [name, node] of [...cluster.nodes]) {
      if (node.child.exitCode === null && node.child.signalCode === null) continue;
      const restarted = await cluster.startNode(name);
      await restarted.next((r) => r.type === 'ready');
    }
    cluster.agi.length = 0;
    await callersInMenu(cluster, PBXES, CALLERS);
    const victimPbx = 'pbx2';
    const victim = (await cluster.owners()).get(victimPbx)!;
    const from = marks(cluster);
    const cutAt = now();
    cluster.natsProxies.get(victim)!.cut();
    const lost = await cluster.nodes
      .get(victim)!
      .next((r) => r.type === 'lost' && r.asterisk === victimPbx, 30_000, from.get(victim));
    expect(lost.reason).toBe('expired');
    const heir = await firstReport(
      cluster,
      from,
      (r) => r.type === 'leased' && r.asterisk === victimPbx,
    );
    expect(heir.node).not.toBe(victim);
    expect(heir.report.t!).toBeGreaterThan(lost.t!);
    console.info(
      `partition: ${victim} fenced itself ${Math.round(lost.t! - cutAt)} ms after the cut; ${heir.node} took the lease ${Math.round(heir.report.t! - lost.t!)} ms later`,
    );
    await cluster.nodes
      .get(heir.node)!
      .next((r) => r.type === 'acquired' && r.asterisk === victimPbx, 60_000, from.get(heir.node));
    // The fenced node sent nothing to the PBX's channels once fenced.
    const late = cluster.agi.filter(
      (c) => c.pbx === victimPbx && c.node === victim && c.at > lost.t!,
    );
    expect(late).toEqual([]);
    cluster.natsProxies.get(victim)!.heal();

    expectEveryCallerFinishedFromTheMenu(
      cluster,
      PBXES,
      await finishCalls(cluster, PBXES),
      CALLERS,
    );
    expectOneDriverAtATime(cluster.agi);
    await expectNothingLeft(cluster);
  });
});
