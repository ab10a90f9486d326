import crypto from 'node:crypto';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { type Conn, milestone, Pairing, type Trace, type Tx } from './trace.js';
import { CHAN_RE, parseBlock, StreamSplitter, UID_RE, UUID_RE, type WireMessage } from './wire.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex');

/** Replay tuning (the judge's defaults). */
export interface ReplayOptions {
  host: string;
  port: number;
  stepTimeout: number;
  maxGap: number;
  /** user -> secret, for recomputing MD5 login keys. */
  secrets: Map<string, string>;
}

/** One connection of the replay. */
export class ReplayConn {
  readonly parser = new StreamSplitter();
  private readonly decoder = new StringDecoder('utf8');
  readonly msgs: WireMessage[] = [];
  readonly milestones = new Map<string, number>();
  sock: net.Socket | null = null;
  closed = false;
  opened = false;

  constructor(
    readonly label: string,
    private readonly replay: Replay,
  ) {}

  async open(host: string, port: number, deadline: number): Promise<void> {
    let lastErr: unknown = null;
    while (Date.now() < deadline) {
      try {
        await this.tryOpen(host, port, Math.max(100, deadline - Date.now()));
        return;
      } catch (e) {
        lastErr = e;
        await sleep(250);
      }
    }
    throw lastErr ?? new Error('no time left to connect');
  }

  private tryOpen(host: string, port: number, timeout: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port });
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sock.destroy();
        reject(e);
      };
      const timer = setTimeout(() => fail(new Error(`no banner within ${timeout} ms`)), timeout);
      sock.on('error', fail);
      sock.on('close', () => fail(new Error('closed before the banner')));
      sock.on('data', (chunk: Buffer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sock.removeAllListeners();
        this.adopt(sock);
        this.data(chunk);
        this.replay
          .waitCond(() => (this.parser.banner !== null || this.closed ? null : 'banner'), timeout)
          .then(
            () =>
              this.parser.banner !== null
                ? resolve()
                : reject(new Error('closed before the banner')),
            reject,
          );
      });
    });
  }

  private adopt(sock: net.Socket): void {
    this.sock = sock;
    this.opened = true;
    sock.on('data', (c: Buffer) => this.data(c));
    sock.on('error', () => {});
    sock.on('close', () => {
      this.closed = true;
      this.replay.changed();
    });
  }

  private data(chunk: Buffer): void {
    const now = this.replay.now();
    for (const m of this.parser.feed(this.decoder.write(chunk))) {
      m.t = now;
      m.gt = now;
      m.conn = this.label;
      this.msgs.push(m);
      this.replay.pairing.observe(m);
      this.replay.arrivals.push(m);
      const s = milestone(m, this.replay.pairing);
      if (s) this.milestones.set(s, (this.milestones.get(s) ?? 0) + 1);
    }
    this.replay.changed();
  }

  send(text: string): void {
    this.sock?.write(Buffer.from(text, 'utf8'));
  }

  end(): void {
    if (this.sock && !this.closed) this.sock.destroy();
  }
}

interface Step {
  kind: 'open' | 'tx';
  conn: Conn;
  tx?: Tx;
  gt: number;
  ci: number;
  order: number;
  index: number;
}

/**
 * Replays a recorded scenario against a server with the judge's rules: each tx waits for the
 * messages and milestones the original had delivered before it, keeps the recorded pace (capped
 * at maxGap), and has its run-dependent channel names, Uniqueids, bridge ids and MD5 key rewritten.
 */
export class Replay {
  private readonly t0 = Date.now();
  readonly pairing = new Pairing();
  readonly arrivals: WireMessage[] = [];
  readonly conns: Map<string, ReplayConn>;
  private readonly waiters = new Set<() => void>();
  readonly issues: { text: string; stall: boolean }[] = [];

  constructor(
    readonly trace: Trace,
    private readonly opts: ReplayOptions,
  ) {
    this.conns = new Map(trace.conns.map((c) => [c.label, new ReplayConn(c.label, this)]));
  }

  now(): number {
    return Date.now() - this.t0;
  }

  changed(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Waits until check() returns null; resolves with null or the last unmet description. */
  waitCond(check: () => string | null, timeout: number): Promise<string | null> {
    return new Promise((resolve) => {
      let last = check();
      if (last === null) {
        resolve(null);
        return;
      }
      const done = (r: string | null) => {
        clearTimeout(timer);
        this.waiters.delete(w);
        resolve(r);
      };
      const w = () => {
        last = check();
        if (last === null) done(null);
      };
      const timer = setTimeout(() => done(last), timeout);
      this.waiters.add(w);
    });
  }

  private timeout(): number {
    return this.issues.some((i) => i.stall)
      ? Math.min(2000, this.opts.stepTimeout)
      : this.opts.stepTimeout;
  }

  private issue(text: string, stall = false): void {
    this.issues.push({ text, stall });
  }

  private mapChannel(name: string): string | undefined {
    const p = this.trace.pairing.pos.get(name);
    if (!p) return name;
    return this.pairing.byKey.get(p.key)?.[p.k];
  }

  private mapUid(uid: string): string | undefined {
    const name = this.trace.pairing.byUid.get(uid);
    if (!name) return uid;
    const mine = this.mapChannel(name);
    return mine === undefined ? undefined : this.pairing.uid.get(mine);
  }

  private mapBridge(id: string): string | undefined {
    const k = this.trace.pairing.bridges.indexOf(id);
    return k < 0 ? id : this.pairing.bridges[k];
  }

  private rewrite(step: Step, md5Keys: boolean): { text?: string; missing?: string[] } {
    const missing: string[] = [];
    let text = step.tx!.data.replace(CHAN_RE, (whole) => {
      const r = this.mapChannel(whole);
      if (r === undefined) missing.push(`channel ${whole}`);
      return r ?? whole;
    });
    text = text.replace(UID_RE, (u) => {
      const r = this.mapUid(u);
      if (r === undefined) missing.push(`uniqueid ${u}`);
      return r ?? u;
    });
    text = text.replace(UUID_RE, (u) => {
      const r = this.mapBridge(u);
      if (r === undefined) missing.push(`bridge ${u}`);
      return r ?? u;
    });
    if (missing.length) return { missing };
    return { text: md5Keys ? this.rewriteMd5(step, text) : text };
  }

  private rewriteMd5(step: Step, text: string): string {
    const blocks = text.split('\r\n\r\n');
    for (let i = 0; i < blocks.length; i++) {
      const m = parseBlock(blocks[i]!);
      if (
        !/^login$/i.test(m.h.action ?? '') ||
        !/^md5$/i.test(m.h.authtype ?? '') ||
        m.h.key === undefined
      )
        continue;
      const recorded = step.conn.msgs
        .slice(0, step.tx!.nBefore)
        .filter((x) => x.h.challenge !== undefined && x.response !== undefined)
        .at(-1);
      const secret = [...this.opts.secrets.values()].find(
        (s) => md5(recorded?.h.challenge + s) === m.h.key?.toLowerCase(),
      );
      const rc = this.conns.get(step.conn.label)!;
      const mine = rc.msgs
        .filter((x) => x.h.challenge !== undefined && x.response !== undefined)
        .at(-1);
      if (!recorded || secret === undefined || !mine) {
        this.issue('MD5 login: cannot recompute the key');
        continue;
      }
      blocks[i] = blocks[i]!.replace(/^(Key:[ ]?).*$/im, `$1${md5(mine.h.challenge + secret)}`);
    }
    return blocks.join('\r\n\r\n');
  }

  private steps(): Step[] {
    const steps: Step[] = [];
    this.trace.conns.forEach((c, ci) => {
      steps.push({ kind: 'open', conn: c, gt: c.offset, ci, order: 0, index: 0 });
      c.txs.forEach((tx, k) => {
        steps.push({ kind: 'tx', conn: c, tx, gt: c.offset + tx.t, ci, order: 1 + k, index: 0 });
      });
    });
    steps.sort(
      (a, b) =>
        a.gt - b.gt ||
        (a.ci === b.ci ? a.order - b.order : a.order === 0 ? -1 : b.order === 0 ? 1 : a.ci - b.ci),
    );
    steps.forEach((s, i) => {
      s.index = i;
    });
    return steps;
  }

  async run(): Promise<this> {
    let prev: { gt: number; rt: number } | null = null;
    for (const step of this.steps()) {
      if (step.kind === 'open') await this.doOpen(step, prev);
      else await this.doTx(step, prev);
      prev = { gt: step.gt, rt: this.now() };
    }
    await this.finish();
    return this;
  }

  private async pace(step: Step, anchors: ({ gt: number; rt: number } | null)[]): Promise<void> {
    const a = anchors
      .filter((x): x is { gt: number; rt: number } => x !== null)
      .sort((x, y) => y.gt - x.gt)[0];
    if (!a) return;
    const gap = Math.min(Math.max(0, step.gt - a.gt), this.opts.maxGap);
    const wait = a.rt + gap - this.now();
    if (wait > 0) await sleep(wait);
  }

  private async doOpen(step: Step, prev: { gt: number; rt: number } | null): Promise<void> {
    const c = step.conn;
    const rc = this.conns.get(c.label)!;
    const before = this.trace.conns.filter(
      (d) => d !== c && d.offset + d.lastT < step.gt && this.conns.get(d.label)!.opened,
    );
    for (const d of before) {
      const rd = this.conns.get(d.label)!;
      const unmet = await this.waitCond(
        () =>
          rd.closed || rd.msgs.length >= d.msgs.length
            ? null
            : `${d.label}: ${rd.msgs.length}/${d.msgs.length}`,
        this.timeout(),
      );
      if (unmet) this.issue(`before opening ${c.label}: timed out waiting for ${unmet}`, true);
      await this.waitCond(() => (rd.closed ? null : 'closed'), Math.min(10000, this.timeout()));
    }
    await this.pace(step, [prev]);
    try {
      await rc.open(this.opts.host, this.opts.port, Date.now() + this.opts.stepTimeout);
    } catch (e) {
      this.issue(`cannot open connection ${c.label}: ${(e as Error).message}`);
    }
  }

  private unmet(step: Step, rc: ReplayConn): string | null {
    if (!rc.opened) return 'connection not open';
    const tx = step.tx!;
    const miss: string[] = [];
    if (rc.msgs.length < tx.nBefore) miss.push(`${tx.nBefore} messages (have ${rc.msgs.length})`);
    for (const [sig, n] of tx.milestones) {
      const have = rc.milestones.get(sig) ?? 0;
      if (have < n) miss.push(`${n}x ${sig} (have ${have})`);
    }
    const rw = this.rewrite(step, false);
    if (rw.missing) miss.push(...rw.missing.map((x) => `counterpart of ${x}`));
    if (!miss.length) return null;
    return `${rc.closed ? 'CLOSED: ' : ''}${miss.slice(0, 4).join('; ')}`;
  }

  private async doTx(step: Step, prev: { gt: number; rt: number } | null): Promise<void> {
    const c = step.conn;
    const rc = this.conns.get(c.label)!;
    const tx = step.tx!;
    const what = /^Action: .*$/m.exec(tx.data)?.[0] ?? JSON.stringify(tx.data.slice(0, 40));
    const unmet = await this.waitCond(() => {
      const u = this.unmet(step, rc);
      return u?.startsWith('CLOSED') ? null : u;
    }, this.timeout());
    if (unmet !== null)
      this.issue(`tx #${step.index} ${c.label} ${what}: timed out waiting for ${unmet}`, true);
    if (!rc.opened || rc.closed) {
      this.issue(
        `tx #${step.index} ${c.label}: not sent, connection ${rc.opened ? 'closed' : 'never opened'}`,
      );
      return;
    }
    const anchorMsg = tx.nBefore > 0 ? rc.msgs[tx.nBefore - 1] : undefined;
    await this.pace(step, [
      prev,
      anchorMsg ? { gt: c.offset + c.msgs[tx.nBefore - 1]!.t, rt: anchorMsg.t } : null,
    ]);
    const rw = this.rewrite(step, true);
    if (!rc.closed) rc.send(rw.text ?? tx.data);
  }

  private async finish(): Promise<void> {
    for (const c of this.trace.conns) {
      const rc = this.conns.get(c.label)!;
      if (!rc.opened) continue;
      const unmet = await this.waitCond(() => {
        if (rc.closed) return null;
        if (rc.msgs.length < c.msgs.length)
          return `${c.msgs.length} messages (have ${rc.msgs.length})`;
        for (const [sig, n] of c.totalMilestones)
          if ((rc.milestones.get(sig) ?? 0) < n) return `${n}x ${sig}`;
        return null;
      }, this.timeout());
      if (unmet) this.issue(`end of ${c.label}: timed out waiting for ${unmet}`, true);
    }
    await sleep(500);
    for (const rc of this.conns.values()) rc.end();
  }
}
