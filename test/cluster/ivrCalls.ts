import { expect } from 'vitest';
import { flowKey } from '../../src/cluster/flowPersistence.js';
import { readClusterStatus } from '../../src/cluster/membership.js';
import type { ClusterHarness, PbxReport, Report, TappedCommand } from './clusterHarness.js';

/**
 * The IVR scenario of the cluster suite, on a {@link ClusterHarness}: callers on every PBX dial
 * extension 500, type the passcode, wait in the menu, and press 2 (goodbye) when told.
 */

/** Places `callers` calls on every PBX and waits until every caller is in the menu. */
export async function callersInMenu(
  cluster: ClusterHarness,
  pbxes: string[],
  callers: number,
): Promise<void> {
  for (const pbx of cluster.pbxes.values()) pbx.send({ type: 'forget' });
  for (const pbx of cluster.pbxes.values()) pbx.send({ type: 'call', count: callers });
  await until(
    async () => {
      for (const pbx of pbxes) {
        const channels = await cluster.client.channels(pbx).catch(() => []);
        if (channels.filter((channel) => channel.flow === 'menu').length < callers) return false;
      }
      return true;
    },
    'every caller in the menu',
    180_000,
  );
}

/** Every caller presses 2; waits until every call is gone everywhere; returns the PBX reports. */
export async function finishCalls(cluster: ClusterHarness, pbxes: string[]): Promise<PbxReport[]> {
  for (const pbx of cluster.pbxes.values()) pbx.send({ type: 'choose', digit: '2' });
  await until(
    async () => {
      for (const pbx of pbxes) {
        const report = await cluster.report(pbx);
        if (report.channels > 0 || report.calls.some((call) => !call.gone)) return false;
      }
      return true;
    },
    'every call finished',
    180_000,
  );
  return Promise.all(pbxes.map((pbx) => cluster.report(pbx)));
}

/** Each caller went through the passcode once and left the menu by its goodbye. */
export function expectEveryCallerFinishedFromTheMenu(
  cluster: ClusterHarness,
  pbxes: string[],
  reports: PbxReport[],
  callers: number,
): void {
  for (const [index, report] of reports.entries()) {
    expect(report.calls).toHaveLength(callers);
    for (const call of report.calls) {
      const asked = call.commands.filter((command) => command.startsWith('GET DATA agent-pass'));
      expect(asked, history(cluster, pbxes[index]!, call.channel)).toHaveLength(1);
      expect(call.commands.slice(-2), call.channel).toEqual([
        'STREAM FILE vm-goodbye ""',
        'HANGUP',
      ]);
    }
  }
}

/** Nothing left: no stored flow, no channel or flow on any live node. */
export async function expectNothingLeft(cluster: ClusterHarness): Promise<void> {
  await until(
    async () => {
      const status = await readClusterStatus(cluster.stores);
      const held = status.nodes.flatMap((node) => [
        ...Object.values(node.channels),
        ...Object.values(node.flows),
      ]);
      return Object.keys(status.storedFlows).length === 0 && held.every((count) => count === 0);
    },
    'no stored flow, no channel and no flow left',
    30_000,
  );
}

/** How many reports each node had printed: to look only at what comes after. */
export function marks(cluster: ClusterHarness): Map<string, number> {
  return new Map([...cluster.nodes].map(([name, node]) => [name, node.reports.length]));
}

/** The stored state value of every flow of a PBX. */
export async function storedStates(cluster: ClusterHarness, pbx: string): Promise<unknown[]> {
  const states: unknown[] = [];
  for await (const key of await cluster.stores.flows.keys(`${flowKey(pbx, '>')}`)) {
    const entry = await cluster.stores.flows.get(key);
    if (entry?.operation === 'PUT') states.push(entry.json<{ value: unknown }>().value);
  }
  return states;
}

/** The first report of any node, after `from`, that `match` accepts. */
export async function firstReport(
  cluster: ClusterHarness,
  from: Map<string, number>,
  match: (r: Report) => boolean,
): Promise<{ node: string; report: Report }> {
  let found: { node: string; report: Report } | undefined;
  await until(
    () => {
      for (const [name, node] of cluster.nodes) {
        const report = node.reports.slice(from.get(name) ?? 0).find(match);
        if (report) found = { node: name, report };
      }
      return found !== undefined;
    },
    'a node report',
    30_000,
  );
  return found!;
}

/** No channel gets an AGI command from a node once another node has sent it one. */
export function expectOneDriverAtATime(agi: readonly TappedCommand[]): void {
  const drivers = new Map<string, string[]>();
  for (const command of agi) {
    const key = `${command.pbx} ${command.channel}`;
    const seen = drivers.get(key) ?? [];
    if (seen.at(-1) !== command.node) seen.push(command.node);
    drivers.set(key, seen);
  }
  expect(drivers.size).toBeGreaterThan(0);
  const switchedBack = [...drivers].filter(([, nodes]) => new Set(nodes).size !== nodes.length);
  expect(switchedBack).toEqual([]);
}

/** Channel names with a `hangup` event in the events stream for a PBX (NATS 2.9: one filter). */
export async function streamedHangups(cluster: ClusterHarness, pbx: string): Promise<Set<string>> {
  const { AckPolicy, DeliverPolicy, jetstream } = await import('@nats-io/jetstream');
  const info = await cluster.stores.jsm.consumers.add('OCTOSTATE_EVENTS', {
    filter_subject: `octostate.${pbx}.call.*.hangup`,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    inactive_threshold: 60_000_000_000,
  });
  const consumer = await jetstream(cluster.nc).consumers.get('OCTOSTATE_EVENTS', info.name);
  const names = new Set<string>();
  for (let pending = info.num_pending; pending > 0; ) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
    let count = 0;
    for await (const message of batch) {
      count += 1;
      names.add(message.json<{ name: string }>().name);
    }
    if (count === 0) break;
    pending -= count;
  }
  await cluster.stores.jsm.consumers.delete('OCTOSTATE_EVENTS', info.name);
  return names;
}

export async function until(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  for (const start = performance.now(); !(await probe()); ) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What the nodes sent a channel, and when the leases moved: to explain a failure. */
export function history(cluster: ClusterHarness, pbx: string, channel: string): string {
  const sent = cluster.agi
    .filter((c) => c.pbx === pbx && c.channel === channel)
    .map((c) => `${c.at.toFixed(0)} ${c.node} ${c.command}`);
  return `${pbx} ${channel}:\n${[...sent, ...leaseTimeline(cluster)].sort().join('\n')}\n`;
}

/** When each node took, lost or resumed a lease, lost NATS, or lagged (ms, monotonic clock). */
export function leaseTimeline(cluster: ClusterHarness): string[] {
  return [...cluster.nodes].flatMap(([name, node]) =>
    node.reports
      .filter((r) => ['leased', 'acquired', 'lost', 'connection', 'lag'].includes(r.type))
      .map(
        (r) =>
          `${r.t?.toFixed(0)} ${name} ${r.type} ${String(r.asterisk ?? r.connected ?? r.ms)} ${String(r.reason ?? '')}`,
      ),
  );
}
