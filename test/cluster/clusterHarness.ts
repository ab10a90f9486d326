import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ClusterClient } from '../../src/cluster/ClusterClient.js';
import {
  type ClusterStores,
  DEFAULT_STORE_LIMITS,
  openClusterStores,
} from '../../src/cluster/clusterStores.js';
import { readClusterStatus } from '../../src/cluster/membership.js';
import { type NatsServer, startNatsServer } from '../support/natsServer.js';
import { ROOT } from '../support/spawnTsx.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

/**
 * The cluster under test: a `nats-server`, PBX processes (`processes/pbxProcess.ts`) and node
 * processes (`processes/nodeProcess.ts`). Every node reaches NATS through a proxy of its own (to
 * partition it) and each PBX through a proxy per node that taps the AMI actions it sends, so the
 * test sees which node sent each AGI command to each channel, on one clock. Every process has a
 * pipe on its stdin: when this process dies, they do too.
 */

/** One line a process printed (JSON), with the time the test received it. */
export type Report = { type: string; t?: number; [key: string]: unknown };

/** A process of the cluster: its reports so far, a way to send it a command, its exit. */
export class ClusterProcess {
  readonly reports: Report[] = [];
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<void>;
  stderr = '';

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.reports.push(JSON.parse(line) as Report);
      } catch {
        return;
      }
      for (const wake of [...this.waiters]) wake();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = `${this.stderr}${chunk}`.slice(-20_000);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  send(command: object): void {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  /** The first report (from `from` on) that `match` accepts; rejects after `timeoutMs`. */
  next(match: (report: Report) => boolean, timeoutMs = 60_000, from = 0): Promise<Report> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.reports.slice(from).find(match);
        if (!found) return false;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(
          new Error(
            `${this.name}: no matching report in ${timeoutMs} ms\n${this.stderr.slice(-3000)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(wake);
      check();
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** Closes its stdin: it stops by itself (a node hands its Asterisks over). */
  async end(): Promise<void> {
    this.child.stdin?.end();
    await this.exited;
  }
}

function spawnScript(name: string, file: string, args: string[]): ClusterProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ASTERISK_AMI_URL: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new ClusterProcess(name, child);
}

/** An AGI command as the PBX received it, and from which node. */
export interface TappedCommand {
  readonly at: number;
  readonly node: string;
  readonly pbx: string;
  readonly channel: string;
  readonly command: string;
}

/** Monotonic time in ms, the clock the node processes report with. */
export const now = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export class ClusterHarness {
  readonly pbxes = new Map<string, ClusterProcess>();
  readonly nodes = new Map<string, ClusterProcess>();
  readonly natsProxies = new Map<string, TcpProxy>();
  private readonly amiProxies: TcpProxy[] = [];
  private readonly pbxPorts = new Map<string, number>();
  /** Every `Action: AGI` the nodes sent, in the order the proxies saw them. */
  readonly agi: TappedCommand[] = [];
  nats!: NatsServer;
  nc!: NatsConnection;
  client!: ClusterClient;
  stores!: ClusterStores;

  constructor(
    private readonly options: {
      pbxes: string[];
      nodes: string[];
      callersPerPbx: number;
      leaseTtlMs?: number;
      /** Asterisks the harness does not start (a real one): id -> AMI port on 127.0.0.1. */
      external?: Record<string, number>;
    },
  ) {}

  async start(): Promise<void> {
    this.nats = await startNatsServer();
    for (const [id, port] of Object.entries(this.options.external ?? {}))
      this.pbxPorts.set(id, port);
    await Promise.all(
      this.options.pbxes.map(async (id) => {
        const pbx = spawnScript(id, 'test/cluster/processes/pbxProcess.ts', [
          String(this.options.callersPerPbx),
        ]);
        this.pbxes.set(id, pbx);
        const ready = await pbx.next((r) => r.type === 'ready');
        this.pbxPorts.set(id, ready.port as number);
      }),
    );
    this.nc = await connect({
      servers: this.nats.url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    this.stores = await openClusterStores(this.nc, {
      ...DEFAULT_STORE_LIMITS,
      leaseTtlMs: this.options.leaseTtlMs ?? 3_000,
    });
    this.client = new ClusterClient(this.nc);
    for (const node of this.options.nodes) await this.startNode(node);
    await Promise.all([...this.nodes.values()].map((node) => node.next((r) => r.type === 'ready')));
  }

  /** Starts (or starts again) a node process, with its NATS and AMI proxies. */
  async startNode(node: string): Promise<ClusterProcess> {
    let natsProxy = this.natsProxies.get(node);
    if (!natsProxy) {
      natsProxy = await startTcpProxy({ targetPort: this.nats.port });
      this.natsProxies.set(node, natsProxy);
    }
    const asterisks = [];
    for (const id of [...this.options.pbxes, ...Object.keys(this.options.external ?? {})]) {
      const proxy = await this.tapAmi(node, id);
      asterisks.push({ id, url: `ami://manager:secret@127.0.0.1:${proxy.port}` });
    }
    const process = spawnScript(node, 'test/cluster/processes/nodeProcess.ts', [
      node,
      `nats://127.0.0.1:${natsProxy.port}`,
      JSON.stringify(asterisks),
      String(this.options.leaseTtlMs ?? 3_000),
    ]);
    this.nodes.set(node, process);
    return process;
  }

  private async tapAmi(node: string, pbx: string): Promise<TcpProxy> {
    const pending = new Map<number, string>();
    const proxy = await startTcpProxy({
      targetPort: this.pbxPorts.get(pbx)!,
      tap: (chunk, id) => {
        const at = now();
        const messages = `${pending.get(id) ?? ''}${chunk.toString('utf8')}`.split('\r\n\r\n');
        pending.set(id, messages.pop() ?? '');
        for (const message of messages) {
          if (!/^Action: AGI$/im.test(message)) continue;
          const field = (key: string) =>
            new RegExp(`^${key}: (.*)$`, 'im').exec(message)?.[1] ?? '';
          this.agi.push({ at, node, pbx, channel: field('Channel'), command: field('Command') });
        }
      },
    });
    this.amiProxies.push(proxy);
    return proxy;
  }

  /** Which node holds each lease now. */
  async owners(): Promise<Map<string, string>> {
    const { leases } = await readClusterStatus(this.stores);
    return new Map(leases.map((lease) => [lease.asterisk, lease.node]));
  }

  /** A PBX's report: every call it placed, the AGI commands each received, whether it is gone. */
  async report(pbx: string): Promise<PbxReport> {
    const process = this.pbxes.get(pbx)!;
    const from = process.reports.length;
    process.send({ type: 'report' });
    return (await process.next((r) => r.type === 'report', 30_000, from)) as unknown as PbxReport;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((node) => node.kill()));
    await Promise.all([...this.pbxes.values()].map((pbx) => pbx.end()));
    for (const proxy of [...this.amiProxies, ...this.natsProxies.values()]) await proxy.close();
    await this.nc?.close().catch(() => {});
    await this.nats?.stop();
  }
}

export interface PbxReport {
  readonly calls: Array<{ phone: string; channel: string; commands: string[]; gone: boolean }>;
  readonly channels: number;
}
