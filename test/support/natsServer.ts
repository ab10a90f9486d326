import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A `nats-server` with JetStream for tests: on 127.0.0.1, a free port, its store in a temporary
 * folder. It runs under a small shell that kills it when this process's end of its stdin pipe
 * closes, so a test run that dies (even by SIGKILL) does not leave it behind.
 */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The JetStream store (kept across {@link NatsServer.restart}). */
  readonly storeDir: string;
  /** SIGKILLs the server (no clean shutdown); {@link NatsServer.restart} brings it back. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same store. */
  restart(): Promise<void>;
  /** Stops it and removes its store. */
  stop(): Promise<void>;
}

/** Why `nats-server` cannot run here, or undefined when it can. */
export function natsServerMissing(): string | undefined {
  try {
    const version = execFileSync('nats-server', ['--version'], { encoding: 'utf8' }).trim();
    return /v2\.(9|[1-9]\d)\./.test(version) ? undefined : `nats-server is ${version}, not >= 2.9`;
  } catch {
    return 'nats-server is not installed (apt-get install -y nats-server)';
  }
}

const WRAPPER =
  // $1..: the server's arguments. The server's pid goes to stdout; when stdin closes, it is killed.
  'nats-server "$@" & pid=$!; echo "pid $pid"; cat >/dev/null; kill -9 $pid 2>/dev/null; wait $pid';

/** Starts a JetStream-enabled `nats-server` on 127.0.0.1 (a free port unless `port` is given). */
export async function startNatsServer(options: { port?: number } = {}): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'octostate-nats-'));
  const storeDir = join(dir, 'store');
  let port = options.port ?? -1;
  let current: Running | undefined;
  const launch = async (): Promise<void> => {
    current = await launchServer(dir, storeDir, port);
    port = current.port;
  };
  await launch();
  return {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    storeDir,
    kill: async () => {
      await current?.kill();
      current = undefined;
    },
    restart: async () => {
      await current?.kill();
      await launch();
    },
    stop: async () => {
      await current?.kill();
      current = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Running {
  readonly port: number;
  kill(): Promise<void>;
}

async function launchServer(dir: string, storeDir: string, port: number): Promise<Running> {
  for (const file of readdirSync(dir)) if (file.endsWith('.ports')) rmSync(join(dir, file));
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  const child: ChildProcess = spawn(
    'sh',
    ['-c', WRAPPER, 'nats-wrapper', ...args, '--ports_file_dir', dir],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output = `${output}${chunk}`.slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    await exited;
  };
  // Ready once the server wrote its ports file and says it is ready (JetStream recovered).
  for (let waited = 0; waited < 20_000; waited += 25) {
    const portsFile = readdirSync(dir).find((file) => file.endsWith('.ports'));
    if (portsFile && output.includes('Server is ready')) {
      const listening = JSON.parse(readFileSync(join(dir, portsFile), 'utf8')) as {
        nats: string[];
      };
      const url = new URL(listening.nats[0]!);
      return { port: Number(url.port), kill };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await kill();
  throw new Error(`nats-server did not start:\n${output.slice(-2000)}`);
}
