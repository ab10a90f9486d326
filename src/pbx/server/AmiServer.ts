import { createServer, type Server, type Socket } from 'node:net';
import { ACTION_CLASSES } from '../actions/actionTable.js';
import { ACTIONS, PRE_LOGIN } from '../actions/index.js';
import type { ActionContext, ServerControl } from '../actions/types.js';
import { closeFastAgiConnections } from '../agi/fastAgi.js';
import type { Fields } from '../events/types.js';
import type { Pbx } from '../Pbx.js';
import type { ReadRequest } from './ActionReader.js';
import { AmiSession } from './AmiSession.js';
import type { OutputFailure, OutputLimits } from './SessionOutput.js';
import { eventTv } from './time.js';

/** The first line every client gets. */
export const BANNER = 'Asterisk Call Manager/11.0.0\r\n';
/** Soft hangup flag of a shutdown (AST_SOFTHANGUP_SHUTDOWN), as SoftHangupRequest reports it. */
const SOFTHANGUP_SHUTDOWN = 4;
/** Recorded: Shutdown comes ~1.1 s after the last hangup; logins work again ~1 s later. */
const SHUTDOWN_ANNOUNCE_MS = 1100;
const RESTART_DOWN_MS = 1000;

/**
 * The AMI listener: accepts sessions, hands their actions to the handlers in `actions/`, and fans
 * the PBX's events out to every session allowed to read them.
 */
export class AmiServer implements ServerControl {
  private server: Server | undefined;
  readonly sessions = new Set<AmiSession>();
  private bootedAt: number;
  private readonly unsubscribe: () => void;
  private restarting: Promise<void> | undefined;
  private stopped = false;
  port = 0;

  /** Sessions logged off so far because they stopped taking their output, by reason. */
  readonly loggedOff: Record<OutputFailure, number> = { 'write-timeout': 0, 'queue-full': 0 };

  constructor(
    readonly pbx: Pbx,
    private readonly host = '127.0.0.1',
    private readonly limits: Partial<OutputLimits> = {},
  ) {
    this.bootedAt = pbx.clock.now();
    this.unsubscribe = pbx.subscribe((e) => {
      for (const s of this.sessions) s.sendEvent(e);
    });
  }

  /** Starts listening; `port` 0 picks a free one. Resolves with the bound port. */
  async listen(port: number): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    return this.port;
  }

  uptime(): number {
    return Math.floor((this.pbx.clock.now() - this.bootedAt) / 1000);
  }

  private accept(socket: Socket): void {
    const { authLimit, authTimeoutMs } = this.pbx.manager;
    let unauthenticated = 0;
    for (const s of this.sessions) if (!s.user) unauthenticated += 1;
    if (unauthenticated >= authLimit) {
      // As manager.c: closed before the banner.
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const session = new AmiSession(
      socket,
      this.pbx.clock.now(),
      {
        request: (s, request) => this.dispatch(s, request),
        loggedOff: (_, why) => {
          this.loggedOff[why] += 1;
        },
      },
      this.limits,
    );
    this.sessions.add(session);
    // Real time, as the socket's: a client that never logs in is closed whatever the PBX's clock.
    const authTimer = setTimeout(() => {
      if (!session.user) session.destroy();
    }, authTimeoutMs).unref();
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(authTimer);
      session.closed = true;
      session.output.stop();
      this.sessions.delete(session);
    });
    session.sendRaw(BANNER);
  }

  securityEvent(name: string, fields: Fields): void {
    for (const s of this.sessions) s.sendEvent({ name, cls: 'security', fields });
  }

  private securityBase(): Fields {
    return [
      ['EventTV', eventTv(this.pbx.clock.now())],
      ['Severity', 'Error'],
      ['Service', 'AMI'],
      ['EventVersion', '1'],
    ];
  }

  private requestBadFormat(session: AmiSession, action: string): void {
    this.securityEvent('RequestBadFormat', [
      ...this.securityBase(),
      ['SessionID', session.id],
      ['LocalAddress', session.localAddress],
      ['RemoteAddress', session.remoteAddress],
      ['RequestType', `Action: ${action}`],
      ['SessionTV', eventTv(session.connectedAt)],
      ['AccountID', session.user?.username ?? ''],
    ]);
  }

  private requestNotAllowed(session: AmiSession, action: string): void {
    this.securityEvent('RequestNotAllowed', [
      ...this.securityBase(),
      ['AccountID', session.user?.username ?? ''],
      ['SessionID', session.id],
      ['LocalAddress', session.localAddress],
      ['RemoteAddress', session.remoteAddress],
      ['RequestType', `Action: ${action}`],
      ['SessionTV', eventTv(session.connectedAt)],
    ]);
  }

  /** Handles one request of a session; never throws (a failing handler answers an error). */
  private async dispatch(session: AmiSession, request: ReadRequest): Promise<void> {
    const m = request.message;
    const actionId = m.get('ActionID');
    const reply = (response: string, fields: Fields = []) => {
      const f: Fields = [['Response', response]];
      if (actionId !== undefined) f.push(['ActionID', actionId]);
      session.send([...f, ...fields]);
    };
    if (request.kind === 'error') {
      reply('Error', [['Message', request.error]]);
      return;
    }
    const action = (m.get('Action') ?? '').trim();
    if (!action) {
      reply('Error', [['Message', 'Missing action in request']]);
      this.requestBadFormat(session, 'NONE');
      return;
    }
    const key = action.toLowerCase();
    if (!session.user && !PRE_LOGIN.has(key)) {
      reply('Error', [['Message', 'Permission denied']]);
      this.requestNotAllowed(session, action);
      return;
    }
    if (session.user && key === 'login') {
      reply('Success', [['Message', 'Already authenticated']]);
      return;
    }
    const handler = ACTIONS.get(key);
    const classes = ACTION_CLASSES.get(key);
    if (!handler || classes === undefined) {
      reply('Error', [
        [
          'Message',
          `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`,
        ],
      ]);
      this.requestBadFormat(session, action);
      return;
    }
    if (session.user && classes.length > 0 && !classes.some((c) => session.user!.write.has(c))) {
      reply('Error', [['Message', 'Permission denied']]);
      this.requestNotAllowed(session, action);
      return;
    }
    const ctx: ActionContext = {
      pbx: this.pbx,
      session,
      message: m,
      actionId,
      server: this,
      reply,
      listItem: (event, fields) => {
        const f: Fields = [['Event', event]];
        if (actionId !== undefined) f.push(['ActionID', actionId]);
        session.send([...f, ...fields]);
      },
    };
    try {
      await handler(ctx);
    } catch (e) {
      reply('Error', [
        ['Message', e instanceof Error ? e.message.split(/\r?\n/)[0]! : 'Internal error'],
      ]);
    }
  }

  /**
   * Hangs up every channel (SoftHangupRequest with the shutdown flag), waits for them to go, then
   * announces Shutdown and closes every session. The listener closes too.
   */
  async shutdown(restart: boolean, origin?: AmiSession): Promise<void> {
    const channels = [...this.pbx.channels.values()];
    for (const ch of channels) this.pbx.softHangupRequest(ch, SOFTHANGUP_SHUTDOWN);
    for (const ch of channels) ch.requestHangup(0);
    // FastAGI servers learn of the shutdown from their connection closing (it could otherwise
    // stay open in dead mode for as long as the server wants).
    closeFastAgiConnections(this.pbx);
    await Promise.all([...this.pbx.tasks]);
    await this.sleep(SHUTDOWN_ANNOUNCE_MS);
    this.pbx.emit('Shutdown', 'system', [
      ['Shutdown', 'Cleanly'],
      ['Restart', restart ? 'True' : 'False'],
    ]);
    for (const s of [...this.sessions]) if (s !== origin) s.close();
    origin?.destroy();
    await this.closeListener();
  }

  /** `core restart now`: shutdown, then listen again on the same port a second later. */
  restart(origin?: AmiSession): Promise<void> {
    this.restarting ??= (async () => {
      try {
        await this.shutdown(true, origin);
        await this.sleep(RESTART_DOWN_MS);
        if (this.stopped) return;
        this.bootedAt = this.pbx.clock.now();
        await this.listen(this.port);
      } finally {
        this.restarting = undefined;
      }
    })();
    return this.restarting;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => this.pbx.clock.setTimer(r, ms));
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((r) => server.close(() => r()));
  }

  /** Stops at once: channels are dropped without events, sessions and listener closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const ch of [...this.pbx.channels.values()]) {
      ch.destroyed = true;
      ch.abortWaits();
    }
    this.pbx.channels.clear();
    closeFastAgiConnections(this.pbx);
    this.pbx.clock.clearAll();
    for (const s of [...this.sessions]) s.destroy();
    this.sessions.clear();
    await this.closeListener();
    this.unsubscribe();
  }
}
