import { connect, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/** One chunk as it crossed the socket: ms since the connection opened, direction, text. */
export interface Chunk {
  readonly t: number;
  readonly dir: 'rx' | 'tx';
  readonly data: string;
}

/** A message the server sent, split into its fields (keys as spelled, first value per key). */
export interface AmiMessage {
  readonly raw: string;
  readonly fields: ReadonlyArray<readonly [key: string, value: string]>;
  /** First value of a key, matched case-insensitively. */
  get(key: string): string | undefined;
}

/** Bound on the messages kept for `waitFor`: a scenario reads them as they come. */
const MAX_KEPT = 100_000;

/**
 * A raw AMI connection that records every byte it reads and writes, chunk by chunk, with the time
 * it happened (the format of the project's recordings). It writes exactly what a scenario asks for
 * and never answers anything by itself.
 */
export class RecordedConnection {
  readonly chunks: Chunk[] = [];
  readonly rx: Buffer[] = [];
  readonly tx: Buffer[] = [];
  readonly messages: AmiMessage[] = [];
  banner: string | undefined;
  closed = false;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private readonly waiters = new Set<() => void>();
  private actionSeq = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly openedAt: number,
    /** Prefix of the ActionIDs this connection makes (`<scenario>` or `<scenario>-<label>`). */
    readonly idPrefix: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.received(data));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects to host:port and resolves once the banner line has arrived. */
  static open(host: string, port: number, idPrefix: string): Promise<RecordedConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const openedAt = performance.now();
      const conn = new RecordedConnection(socket, openedAt, idPrefix);
      socket.once('error', reject);
      conn
        .until(() => conn.banner !== undefined, 10_000, 'the banner')
        .then(() => {
          socket.off('error', reject);
          resolve(conn);
        }, reject);
    });
  }

  private now(): number {
    return Math.round(performance.now() - this.openedAt);
  }

  private received(data: Buffer): void {
    this.rx.push(data);
    const text = this.decoder.write(data);
    this.chunks.push({ t: this.now(), dir: 'rx', data: text });
    this.pending += text;
    if (this.banner === undefined) {
      const nl = this.pending.indexOf('\r\n');
      if (nl < 0) return;
      this.banner = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 2);
    }
    for (let end = this.pending.indexOf('\r\n\r\n'); end >= 0; ) {
      if (this.messages.length < MAX_KEPT) this.messages.push(parse(this.pending.slice(0, end)));
      this.pending = this.pending.slice(end + 4);
      end = this.pending.indexOf('\r\n\r\n');
    }
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The next ActionID of this connection: `<prefix>-1`, `<prefix>-2`, ... */
  nextActionId(): string {
    this.actionSeq += 1;
    return `${this.idPrefix}-${this.actionSeq}`;
  }

  /** Writes one action (its lines in order, CRLF, blank line) as one chunk. */
  write(lines: ReadonlyArray<readonly [string, string]>): void {
    const text = `${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
    const bytes = Buffer.from(text, 'utf8');
    this.tx.push(bytes);
    this.chunks.push({ t: this.now(), dir: 'tx', data: text });
    this.socket.write(bytes);
  }

  /**
   * Resolves with the first message (received since index `from`) that `match` accepts; rejects
   * after `timeoutMs` or when the server closes the connection first.
   */
  async waitFor(
    match: (m: AmiMessage) => boolean,
    timeoutMs = 15_000,
    what = 'a message',
    from = 0,
  ): Promise<AmiMessage> {
    let found: AmiMessage | undefined;
    await this.until(
      () => {
        found = this.messages.slice(from).find(match);
        return found !== undefined;
      },
      timeoutMs,
      what,
    );
    return found!;
  }

  /** Resolves when `done()` holds (checked on every received chunk), or rejects on timeout/close. */
  until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) finish();
        else if (this.closed) finish(new Error(`connection closed while waiting for ${what}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Resolves once the server has closed the socket (or after `timeoutMs`, closing it ourselves). */
  async closedByServer(timeoutMs = 5_000): Promise<void> {
    await this.until(() => this.closed, timeoutMs, 'the server to close').catch(() => this.end());
  }

  /** Closes the socket from our side. */
  end(): void {
    this.socket.destroy();
    this.closed = true;
  }
}

function parse(raw: string): AmiMessage {
  const fields = raw.split('\r\n').map((line): [string, string] => {
    const i = line.indexOf(':');
    return i < 0 ? ['', line] : [line.slice(0, i), line.slice(i + 1).replace(/^ /, '')];
  });
  return {
    raw,
    fields,
    get: (key) => fields.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1],
  };
}
