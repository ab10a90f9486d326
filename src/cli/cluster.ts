import type { CliCommand } from './command.js';
import { portNumber, readFlags } from './flags.js';
import { untilStopped } from './untilStopped.js';

const USAGE = `Usage: octostate cluster <status|calls|inspect> [options]

Looks at a cluster of octostate nodes through its NATS server (see "Running a cluster" in the
README). Any process that reaches NATS can: no node needs to be asked.

  status               the live nodes (what each supervises, its channels and call flows), who
                       holds each Asterisk's lease, and the call flows stored for a takeover
  calls --asterisk ID  the live channels of one Asterisk and the state of their call flows, as the
                       node that supervises it answers
  inspect              serves the inspector of the whole cluster on 127.0.0.1: every Asterisk's
                       calls, and each Asterisk's actors as the node that supervises it shows them
                       (until Ctrl-C or --seconds)

Options:
  --nats <url>         the NATS server (default: $OCTOSTATE_NATS_URL, else nats://127.0.0.1:4222)
  --asterisk <id>      with calls: which Asterisk; with inspect: one to show (repeat it; default:
                       those supervised now)
  --port <n>           with inspect: its port (default: a free one)
  --seconds <n>        with inspect: stop after n seconds
  --json               print JSON instead of the readable form
  -h, --help           show this help

Exit status: 0 on success, 1 when NATS or the owning node cannot be reached, 2 on a usage error.
`;

const OPTIONS = {
  nats: { type: 'string' },
  asterisk: { type: 'string', multiple: true },
  port: { type: 'string' },
  seconds: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const command: CliCommand = {
  summary: 'look at a cluster through NATS: nodes, leases, calls per node, its inspector',
  usage: USAGE,
  async run(argv) {
    const [action, ...rest] = argv;
    if (action === '--help' || action === '-h') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (action !== 'status' && action !== 'calls' && action !== 'inspect') {
      process.stderr.write(`octostate cluster: say status, calls or inspect\n\n${USAGE}`);
      return 2;
    }
    const read = readFlags('cluster', USAGE, rest, OPTIONS, (flags) => {
      if (action === 'calls' && flags.asterisk?.length !== 1)
        throw new TypeError('calls needs one --asterisk');
      if (flags.seconds !== undefined && !(Number(flags.seconds) > 0))
        throw new TypeError(`Bad --seconds: ${flags.seconds}`);
      if (flags.port !== undefined) portNumber('--port', flags.port);
      return flags.nats ?? process.env.OCTOSTATE_NATS_URL ?? 'nats://127.0.0.1:4222';
    });
    if (!read.ok) return read.exitCode;
    // Loaded here: the other commands never load the NATS client.
    const { connect } = await import('@nats-io/transport-node');
    const { ClusterClient, openClusterStoresToRead, readClusterStatus, startClusterInspector } =
      await import('../cluster/index.js');
    let nc: Awaited<ReturnType<typeof connect>>;
    try {
      nc = await connect({ servers: read.checked, maxReconnectAttempts: 0, timeout: 5_000 });
    } catch (error) {
      process.stderr.write(`octostate cluster: cannot reach ${read.checked}: ${String(error)}\n`);
      return 1;
    }
    try {
      if (action === 'calls') {
        const calls = await new ClusterClient(nc).channels(read.flags.asterisk![0]!);
        process.stdout.write(
          read.flags.json
            ? `${JSON.stringify(calls)}\n`
            : calls
                .map(
                  (c) =>
                    `${c.name}  ${c.state}  ${c.exten}  ${c.flow === undefined ? '' : `flow ${JSON.stringify(c.flow)}`}\n`,
                )
                .join('') || 'no live channel\n',
        );
        return 0;
      }
      const status = await readClusterStatus(await openClusterStoresToRead(nc));
      if (action === 'inspect') {
        const asterisks = read.flags.asterisk ?? status.leases.map((lease) => lease.asterisk);
        if (asterisks.length === 0) {
          process.stderr.write(
            'octostate cluster: no Asterisk is supervised now: name some (--asterisk)\n',
          );
          return 1;
        }
        const inspector = await startClusterInspector({
          nats: nc,
          asterisks,
          port: read.flags.port === undefined ? 0 : portNumber('--port', read.flags.port),
        });
        process.stdout.write(
          `octostate: cluster inspector at ${inspector.url} (${asterisks.join(', ')})\n`,
        );
        const seconds = read.flags.seconds === undefined ? undefined : Number(read.flags.seconds);
        await untilStopped(seconds === undefined ? {} : { seconds });
        await inspector.close();
        return 0;
      }
      process.stdout.write(read.flags.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
      return 0;
    } catch (error) {
      process.stderr.write(`octostate cluster: ${String(error)}\n`);
      return 1;
    } finally {
      await nc.close();
    }
  },
};

type Status = Awaited<ReturnType<typeof import('../cluster/index.js')['readClusterStatus']>>;

/** The status as people read it: one line per node, per lease, per Asterisk with stored flows. */
export function formatStatus(status: Status, now = Date.now()): string {
  const ago = (at: number) => `${((now - at) / 1000).toFixed(1)}s ago`;
  const lines = [`nodes (${status.nodes.length}):`];
  for (const node of status.nodes) {
    const held = node.asterisks.map(
      (id) => `${id} (${node.channels[id] ?? 0} channels, ${node.flows[id] ?? 0} flows)`,
    );
    lines.push(
      `  ${node.node}  ${held.length ? held.join(', ') : 'standing by'}  seen ${ago(node.renewedAt)}`,
    );
  }
  lines.push(`leases (${status.leases.length}):`);
  for (const lease of status.leases) {
    lines.push(
      `  ${lease.asterisk}  held by ${lease.node} since ${new Date(lease.acquiredAt).toISOString()}  renewed ${ago(lease.renewedAt)}`,
    );
  }
  const stored = Object.entries(status.storedFlows);
  lines.push(
    `stored call flows: ${stored.length ? stored.map(([id, n]) => `${id} ${n}`).join(', ') : 'none'}`,
  );
  return `${lines.join('\n')}\n`;
}
