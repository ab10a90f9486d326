import fs from 'node:fs';
import path from 'node:path';
import { channelOf, StreamSplitter, splitChannel, type WireMessage } from './wire.js';

/**
 * Pairing of run-dependent channels: the k-th distinct channel of a Newchannel for the same
 * (Tech/resource, ;1|;2|none) on one side pairs with the k-th on the other.
 */
export class Pairing {
  readonly byKey = new Map<string, string[]>();
  readonly pos = new Map<string, { key: string; k: number }>();
  readonly uid = new Map<string, string>();
  readonly byUid = new Map<string, string>();
  readonly bridges: string[] = [];

  observe(m: WireMessage): void {
    const ch = m.h.channel;
    if (m.event === 'Newchannel' && ch && !this.pos.has(ch)) {
      const s = splitChannel(ch);
      if (s) {
        const list = this.byKey.get(s.key) ?? [];
        list.push(ch);
        this.byKey.set(s.key, list);
        this.pos.set(ch, { key: s.key, k: list.length - 1 });
        if (m.h.uniqueid) {
          this.uid.set(ch, m.h.uniqueid);
          this.byUid.set(m.h.uniqueid, ch);
        }
      }
    }
    const b = m.h.bridgeuniqueid;
    if (m.event === 'BridgeCreate' && b && !this.bridges.includes(b)) this.bridges.push(b);
  }

  token(name: string): string {
    const p = this.pos.get(name);
    return p ? `${p.key}#${p.k}` : name;
  }
}

export interface Tx {
  t: number;
  data: string;
  /** Messages the server had delivered on this connection before the tx. */
  nBefore: number;
  milestones: Map<string, number>;
}

export interface Conn {
  label: string;
  msgs: WireMessage[];
  txs: Tx[];
  banner: string | null;
  tail: string;
  lastT: number;
  offset: number;
  afterRestart: boolean;
  totalMilestones: Map<string, number>;
}

export interface Trace {
  name: string;
  conns: Conn[];
  allMsgs: WireMessage[];
  pairing: Pairing;
}

interface TimelineEntry {
  t: number;
  dir: 'rx' | 'tx';
  data: string;
}

function loadConn(file: string, label: string): Conn {
  const entries: TimelineEntry[] = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TimelineEntry);
  const parser = new StreamSplitter();
  const msgs: WireMessage[] = [];
  const txs: Tx[] = [];
  for (const e of entries) {
    if (e.dir === 'rx') {
      for (const m of parser.feed(e.data)) {
        m.t = e.t;
        msgs.push(m);
      }
    } else {
      txs.push({ t: e.t, data: e.data, nBefore: msgs.length, milestones: new Map() });
    }
  }
  return {
    label,
    msgs,
    txs,
    banner: parser.banner,
    tail: parser.buf,
    lastT: entries.at(-1)?.t ?? 0,
    offset: Number.NaN,
    afterRestart: false,
    totalMilestones: new Map(),
  };
}

/** Scenario names in a folder (`<name>.timeline.jsonl` without a label). */
export function scenariosIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^([^.]+)\.timeline\.jsonl$/.exec(f)?.[1])
    .filter((x): x is string => x !== undefined)
    .sort();
}

/** Places every connection on the main connection's clock (sets `offset`). */
function alignConns(conns: Conn[]): void {
  const [main, ...rest] = conns;
  if (!main) return;
  main.offset = 0;
  const t0abs = (c: Conn) => {
    let best = Number.NEGATIVE_INFINITY;
    for (const m of c.msgs) {
      const tv = m.h.eventtv;
      if (!tv) continue;
      const ms = Date.parse(tv.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
      if (!Number.isNaN(ms)) best = Math.max(best, ms - m.t);
    }
    return best;
  };
  const once = (c: Conn) => {
    const n = new Map<string, number | null>();
    for (const m of c.msgs) n.set(m.raw, n.has(m.raw) ? null : m.t);
    return n;
  };
  for (const c of rest) {
    let est: number | null = null;
    const mine = once(c);
    for (const a of conns.filter((x) => !Number.isNaN(x.offset))) {
      const theirs = once(a);
      const diffs: number[] = [];
      for (const [raw, t] of mine) {
        const o = theirs.get(raw);
        if (t !== null && o !== null && o !== undefined) diffs.push(a.offset + o - t);
      }
      if (diffs.length) {
        diffs.sort((x, y) => x - y);
        est = diffs[diffs.length >> 1]!;
        break;
      }
    }
    if (est === null) {
      const a0 = t0abs(main);
      const c0 = t0abs(c);
      if (Number.isFinite(a0) && Number.isFinite(c0)) est = c0 - a0;
    }
    if (est === null) throw new Error(`cannot place connection '${c.label}' on the main clock`);
    c.offset = est;
  }
}

const MILESTONES = new Set([
  'Newchannel',
  'Newstate',
  'DialBegin',
  'DialEnd',
  'BridgeEnter',
  'BridgeLeave',
  'Hangup',
  'AsyncAGIStart',
  'AsyncAGIExec',
  'AsyncAGIEnd',
  'AGIExecEnd',
  'FullyBooted',
  'Shutdown',
]);

/** Milestone signature of a message (a tx waits for the ones recorded before it), or null. */
export function milestone(m: WireMessage, pairing: Pairing): string | null {
  if (m.event === undefined)
    return m.response !== undefined ? `Response ${m.actionid ?? '-'}` : null;
  if (m.actionid !== undefined) return `${m.event} ${m.actionid}`;
  if (!MILESTONES.has(m.event)) return null;
  const ch = channelOf(m);
  const cmd = m.event === 'AsyncAGIExec' ? ` ${m.h.commandid ?? ''}` : '';
  return `${m.event} ${ch ? pairing.token(ch) : '-'}${cmd}`;
}

/** Loads `<dir>/<name>.timeline.jsonl` and its labelled extra connections. */
export function loadTrace(dir: string, name: string): Trace {
  const conns = [loadConn(path.join(dir, `${name}.timeline.jsonl`), 'main')];
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^([^.]+)\.([^.]+)\.timeline\.jsonl$/.exec(f);
    if (m && m[1] === name) conns.push(loadConn(path.join(dir, f), m[2]!));
  }
  alignConns(conns);
  const allMsgs = conns
    .flatMap((c) => c.msgs.map((m) => ({ m, gt: c.offset + m.t, c })))
    .sort((a, b) => a.gt - b.gt)
    .map((x) => {
      x.m.gt = x.gt;
      x.m.conn = x.c.label;
      return x.m;
    });
  const restartAt = Math.min(...allMsgs.filter((m) => m.event === 'Shutdown').map((m) => m.gt));
  for (const c of conns) c.afterRestart = c.offset > restartAt;
  const pairing = new Pairing();
  for (const m of allMsgs) pairing.observe(m);
  for (const c of conns) {
    const counts = new Map<string, number>();
    let i = 0;
    for (const tx of c.txs) {
      for (; i < tx.nBefore; i++) {
        const s = milestone(c.msgs[i]!, pairing);
        if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
      }
      tx.milestones = new Map(counts);
    }
    for (const m of c.msgs) {
      const s = milestone(m, pairing);
      if (s) c.totalMilestones.set(s, (c.totalMilestones.get(s) ?? 0) + 1);
    }
  }
  return { name, conns, allMsgs, pairing };
}
