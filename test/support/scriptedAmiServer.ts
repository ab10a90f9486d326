import { createHash, randomInt } from 'node:crypto';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/**
 * A small scripted AMI server for tests: it listens on 127.0.0.1 (ephemeral port), greets with a
 * banner, answers Login (plain and MD5), Challenge, Ping and Logoff like Asterisk 22 does (see
 * test/fixtures/ami-traces/login-*.txt), records every action it receives, and lets a test script
 * anything else per action name. It is not a PBX: it knows no channels.
 *
 * It parses requests with its own few lines of code, independent of the library's parser.
 */

/** One action as the server received it. */
export interface ReceivedAction {
  /** The `Action` value. */
  name: string;
  /** The `ActionID`, if any. */
  id: string | undefined;
  fields: Array<[string, string]>;
  /** First value of a key, case-insensitive. */
  get(key: string): string | undefined;
  /** The bytes as received (without the blank line). */
  raw: string;
  /** The connection it came on. */
  client: ScriptedClient;
}

/** Scripts the answer to one action; doing nothing leaves it unanswered. */
export type ActionHandler = (action: ReceivedAction, client: ScriptedClient) => void;

/** Field list or object for a message the server writes. */
export type ServerFields = Array<[string, string]> | Record<string, string>;

/** Settings of {@link startScriptedAmiServer}. */
export interface ScriptedAmiServerOptions {
  /** The greeting line; `null` sends none. Default `Asterisk Call Manager/11.0.0`. */
  banner?: string | null;
  /** Accepted credentials. Default `manager` / `secret`. */
  username?: string;
  secret?: string;
  /** The MD5 challenge handed out. Default: random digits, like Asterisk. */
  challenge?: string;
  /** Serve TLS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Handlers by action name (case-insensitive); they replace the built-in ones. */
  handlers?: Record<string, ActionHandler>;
  /** The server closes itself (and every connection) after this long. Default 30 s. */
  lifetimeMs?: number;
}

/** One client connection, seen from the server. */
export class ScriptedClient {
  readonly socket: Socket;
  readonly actions: ReceivedAction[] = [];
  readonly challenge: string;
  loggedIn = false;
  private buffer = '';

  constructor(socket: Socket, challenge: string) {
    this.socket = socket;
    this.challenge = challenge;
  }

  /** Writes one message (fields, then the blank line). */
  send(fields: ServerFields): void {
    const list = Array.isArray(fields) ? fields : Object.entries(fields);
    this.sendRaw(`${list.map(([key, value]) => `${key}: ${value}\r\n`).join('')}\r\n`);
  }

  /** Writes bytes as they are. */
  sendRaw(text: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Answers `action`: `Response: <response>`, its ActionID, then `fields`. */
  respond(action: ReceivedAction, response: string, fields: ServerFields = []): void {
    const list = Array.isArray(fields) ? fields : Object.entries(fields);
    const head: Array<[string, string]> = [['Response', response]];
    if (action.id !== undefined) head.push(['ActionID', action.id]);
    this.send([...head, ...list]);
  }

  /** Sends an event. */
  event(name: string, fields: ServerFields = []): void {
    const list = Array.isArray(fields) ? fields : Object.entries(fields);
    this.send([['Event', name], ...list]);
  }

  /** Ends the connection in an orderly way (FIN). */
  end(): void {
    this.socket.end();
  }

  /** Cuts the connection (RST-like: the socket is destroyed at once). */
  cut(): void {
    this.socket.destroy();
  }

  /** Feeds received bytes; returns the complete actions. */
  receive(chunk: string): ReceivedAction[] {
    this.buffer += chunk;
    const out: ReceivedAction[] = [];
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const raw = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      if (raw.trim() === '') continue;
      out.push(this.parse(raw));
    }
    return out;
  }

  private parse(raw: string): ReceivedAction {
    const fields: Array<[string, string]> = [];
    for (const line of raw.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      fields.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    const get = (key: string): string | undefined =>
      fields.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    return { name: get('Action') ?? '', id: get('ActionID'), fields, get, raw, client: this };
  }
}

/** A running scripted server. */
export class ScriptedAmiServer {
  readonly clients: ScriptedClient[] = [];
  readonly actions: ReceivedAction[] = [];
  readonly host = '127.0.0.1';
  private readonly server: Server;
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly options: ScriptedAmiServerOptions;
  private readonly waiters = new Set<() => void>();
  private readonly lifetime: NodeJS.Timeout;
  private closed = false;
  private refusing = false;

  constructor(server: Server, options: ScriptedAmiServerOptions) {
    this.server = server;
    this.options = options;
    for (const [name, handler] of Object.entries(options.handlers ?? {}))
      this.handle(name, handler);
    this.lifetime = setTimeout(() => void this.close(), options.lifetimeMs ?? 30_000);
    this.lifetime.unref();
  }

  /** The port the server listens on. */
  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('server not listening');
    return address.port;
  }

  /** `ami://manager:secret@127.0.0.1:<port>` (`amis://` with TLS). */
  get url(): string {
    const scheme = this.options.tls ? 'amis' : 'ami';
    const user = encodeURIComponent(this.options.username ?? 'manager');
    const secret = encodeURIComponent(this.options.secret ?? 'secret');
    return `${scheme}://${user}:${secret}@${this.host}:${this.port}`;
  }

  /** Sets (or replaces) the handler of an action name, case-insensitive. */
  handle(name: string, handler: ActionHandler): void {
    this.handlers.set(name.toLowerCase(), handler);
  }

  /** Actions received with this name, case-insensitive, in order. */
  received(name: string): ReceivedAction[] {
    const lower = name.toLowerCase();
    return this.actions.filter((action) => action.name.toLowerCase() === lower);
  }

  /** Resolves with the `count`-th action of this name (1-based) once it has arrived. */
  waitForAction(name: string, count = 1): Promise<ReceivedAction> {
    return this.waitFor(() => this.received(name)[count - 1]);
  }

  /** Resolves with the `count`-th client connection (1-based) once it has arrived. */
  waitForClient(count = 1): Promise<ScriptedClient> {
    return this.waitFor(() => this.clients[count - 1]);
  }

  /** Resolves once `probe` returns something. */
  waitFor<T>(probe: () => T | undefined): Promise<T> {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => {
      const check = (): void => {
        const value = probe();
        if (value === undefined) return;
        this.waiters.delete(check);
        resolve(value);
      };
      this.waiters.add(check);
    });
  }

  /** Sends an event to every logged-in client. */
  broadcast(name: string, fields: ServerFields = []): void {
    for (const client of this.clients) {
      if (client.loggedIn && !client.socket.destroyed) client.event(name, fields);
    }
  }

  /** Stops listening and destroys every connection. Idempotent. */
  close(): Promise<void> {
    clearTimeout(this.lifetime);
    for (const client of this.clients) client.socket.destroy();
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Drops new connections at once (existing ones are left alone) until called with `false`. */
  refuseNewConnections(refuse = true): void {
    this.refusing = refuse;
  }

  accept(socket: Socket): void {
    if (this.refusing || this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    const client = new ScriptedClient(
      socket,
      this.options.challenge ?? String(randomInt(100_000_000, 999_999_999)),
    );
    this.clients.push(client);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const action of client.receive(chunk)) {
        client.actions.push(action);
        this.actions.push(action);
        this.dispatch(action, client);
      }
      this.notify();
    });
    if (this.options.banner !== null) {
      socket.write(`${this.options.banner ?? 'Asterisk Call Manager/11.0.0'}\r\n`);
    }
    this.notify();
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  private dispatch(action: ReceivedAction, client: ScriptedClient): void {
    const custom = this.handlers.get(action.name.toLowerCase());
    if (custom) {
      custom(action, client);
      return;
    }
    this.builtIn(action, client);
  }

  /** Asterisk 22's answers to the session actions, as recorded in the traces. */
  builtIn(action: ReceivedAction, client: ScriptedClient): void {
    const username = this.options.username ?? 'manager';
    const secret = this.options.secret ?? 'secret';
    switch (action.name.toLowerCase()) {
      case 'challenge':
        if (action.get('AuthType')?.toLowerCase() !== 'md5') {
          client.respond(action, 'Error', { Message: 'Must specify AuthType' });
          return;
        }
        client.respond(action, 'Success', { Challenge: client.challenge });
        return;
      case 'login': {
        const md5 = action.get('AuthType')?.toLowerCase() === 'md5';
        const expectedKey = createHash('md5')
          .update(client.challenge + secret)
          .digest('hex');
        const ok =
          action.get('Username') === username &&
          (md5 ? action.get('Key') === expectedKey : action.get('Secret') === secret);
        if (!ok) {
          client.respond(action, 'Error', { Message: 'Authentication failed' });
          client.end();
          return;
        }
        client.loggedIn = true;
        client.respond(action, 'Success', { Message: 'Authentication accepted' });
        client.event('FullyBooted', {
          Privilege: 'system,all',
          Uptime: '111',
          LastReload: '111',
          Status: 'Fully Booted',
        });
        return;
      }
      case 'ping':
        client.respond(action, 'Success', {
          Ping: 'Pong',
          Timestamp: (Date.now() / 1000).toFixed(6),
        });
        return;
      case 'logoff':
        client.respond(action, 'Goodbye', { Message: 'Thanks for all the fish.' });
        client.end();
        return;
      default:
        client.respond(action, 'Error', {
          Message: `Invalid/unknown command: ${action.name}. Use Action: ListCommands to show available commands.`,
        });
    }
  }
}

/**
 * Starts a scripted AMI server on 127.0.0.1 and an ephemeral port. Close it in `afterEach`; it also
 * closes itself after `lifetimeMs`.
 *
 * @example
 * const server = await startScriptedAmiServer({
 *   handlers: { Status: (action, client) => client.respond(action, 'Error', { Message: 'No' }) },
 * });
 * afterEach(() => server.close());
 */
export async function startScriptedAmiServer(
  options: ScriptedAmiServerOptions = {},
): Promise<ScriptedAmiServer> {
  let scripted: ScriptedAmiServer | undefined;
  const onSocket = (socket: Socket): void => scripted?.accept(socket);
  const server = options.tls
    ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, onSocket)
    : createTcpServer(onSocket);
  server.on('tlsClientError', () => undefined);
  scripted = new ScriptedAmiServer(server, options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  return scripted;
}
