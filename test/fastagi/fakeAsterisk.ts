import net from 'node:net';

/** An AGI environment as res_agi writes it for `AGI(agi://127.0.0.1/<script>,<args>)`. */
export function agiEnvironment(
  overrides: Record<string, string> = {},
  script = 'ivr?lang=en',
  args: string[] = [],
): string {
  const env: Record<string, string> = {
    agi_network: 'yes',
    agi_network_script: script,
    agi_request: `agi://127.0.0.1/${script}`,
    agi_channel: 'Local/501@default-00000000;2',
    agi_language: 'en',
    agi_type: 'Local',
    agi_uniqueid: '1796140000.1',
    agi_version: '22.10.1',
    agi_callerid: 'unknown',
    agi_calleridname: 'unknown',
    agi_context: 'default',
    agi_extension: '501',
    agi_priority: '1',
    ...Object.fromEntries(args.map((arg, i) => [`agi_arg_${i + 1}`, arg])),
    ...overrides,
  };
  return `${Object.entries(env)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n')}\n\n`;
}

/**
 * The Asterisk side of one FastAGI connection, scripted by a test: it connects, writes what it is
 * told, and collects the command lines it receives.
 */
export class FakeAsterisk {
  readonly socket: net.Socket;
  /** Command lines received, in order. */
  readonly commands: string[] = [];
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      this.buffer += data;
      for (let at = this.buffer.indexOf('\n'); at !== -1; at = this.buffer.indexOf('\n')) {
        this.commands.push(this.buffer.slice(0, at));
        this.buffer = this.buffer.slice(at + 1);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects to a FastAGI server and, unless `env` is `false`, writes the environment. */
  static async connect(
    port: number,
    env: string | false = agiEnvironment(),
  ): Promise<FakeAsterisk> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const peer = new FakeAsterisk(socket);
    if (env !== false) peer.write(env);
    return peer;
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Waits for the `n`th command line (1-based) and returns it. */
  async command(n: number, timeoutMs = 5_000): Promise<string> {
    await this.until(() => this.commands.length >= n, `command #${n}`, timeoutMs);
    return this.commands[n - 1]!;
  }

  /** Waits until the server closes the connection. */
  async closedByServer(timeoutMs = 5_000): Promise<void> {
    await this.until(() => this.closed, 'the server to close', timeoutMs);
  }

  /** Answers the `n`th command with `reply` once it has come. */
  async answer(n: number, reply: string): Promise<string> {
    const line = await this.command(n);
    this.write(reply.endsWith('\n') ? reply : `${reply}\n`);
    return line;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async until(test: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (this.closed && !test()) throw new Error(`FakeAsterisk: closed before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`FakeAsterisk: no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
