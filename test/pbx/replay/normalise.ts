import { CHAN_RE, safeDecode, splitChannel, UID_RE, UUID_RE, type WireMessage } from './wire.js';

interface PairInfo {
  base: string;
  rank: number;
  origin: string | null;
  parent: PairInfo | null;
  dialK: number;
  dials: number;
  ordinal?: number;
}

/** Fuzzy numbers (T4, T5): rendered '≈N±TOL'; the alignment ignores N, the pair check does not. */
export const fuzzy = (n: string | number, tol: number) => `≈${n}±${tol}`;

/**
 * Replaces the values that must differ between runs (`replay-compare.mjs`'s list): channel
 * sequence numbers by the pair's identity (OriginateResponse ActionID, else parent>k, else #k),
 * Uniqueids by their channel, bridge/session/AGI command ids by first-appearance tokens, times,
 * counters, ports.
 */
export class Normaliser {
  private readonly tokens = new Map<string, Map<string, string>>();
  private readonly pairs = new Map<string, PairInfo>();
  private readonly uids = new Map<string, string>();

  constructor(
    msgs: WireMessage[],
    private readonly serverPort: number,
  ) {
    const see = (name: string, rank: number) => {
      const s = splitChannel(name);
      if (!s) return;
      if (!this.pairs.has(s.pair)) {
        this.pairs.set(s.pair, {
          base: s.base,
          rank,
          origin: null,
          parent: null,
          dialK: 0,
          dials: 0,
        });
      }
    };
    msgs.forEach((m, i) => {
      if (m.event === 'Newchannel' && m.h.channel) see(m.h.channel, i);
    });
    msgs.forEach((m, i) => {
      for (const [k, v] of m.fields)
        for (const x of `${k} ${v}`.matchAll(CHAN_RE)) see(x[0], msgs.length + i);
      if (m.event === 'AsyncAGIStart' && m.h.env) {
        for (const x of safeDecode(m.h.env).matchAll(CHAN_RE)) see(x[0], msgs.length + i);
      }
    });
    const pairOf = (name: string) => {
      const s = splitChannel(name);
      return s ? this.pairs.get(s.pair) : undefined;
    };
    for (const m of msgs) {
      if (m.event === 'OriginateResponse' && m.h.channel && m.actionid !== undefined) {
        const p = pairOf(m.h.channel);
        if (p && p.origin === null) p.origin = m.actionid;
      }
    }
    for (const m of msgs) {
      if (m.event === 'DialBegin' && m.h.channel && m.h.destchannel) {
        const d = pairOf(m.h.destchannel);
        const p = pairOf(m.h.channel);
        if (d && p && d !== p && d.parent === null && d.origin === null) {
          d.parent = p;
          d.dialK = ++p.dials;
        }
      }
    }
    const ordinals = new Map<string, number>();
    for (const p of [...this.pairs.values()].sort((a, b) => a.rank - b.rank)) {
      if (p.origin !== null || p.parent !== null) continue;
      const n = (ordinals.get(p.base) ?? 0) + 1;
      ordinals.set(p.base, n);
      p.ordinal = n;
    }
    for (const m of msgs) {
      const { channel, uniqueid } = m.h;
      if (m.event === 'Newchannel' && channel && uniqueid && !this.uids.has(uniqueid)) {
        this.uids.set(uniqueid, `<uid ${this.channels(channel)}>`);
      }
    }
    // First-appearance tokens are assigned in one global order per side.
    for (const m of msgs) this.message(m);
  }

  private identity(p: PairInfo, depth = 0): string {
    if (p.origin !== null) return p.origin;
    if (p.parent !== null && depth < 20) return `${this.identity(p.parent, depth + 1)}>${p.dialK}`;
    return `#${p.ordinal}`;
  }

  channels(text: string): string {
    return text.replace(CHAN_RE, (whole, base: string, seq: string, suffix: string | undefined) => {
      const p = this.pairs.get(`${base}-${seq}`);
      return p ? `${base}-<${this.identity(p)}>${suffix ?? ''}` : whole;
    });
  }

  private tok(kind: string, value: string): string {
    let t = this.tokens.get(kind);
    if (!t) {
      t = new Map();
      this.tokens.set(kind, t);
    }
    if (!t.has(value)) t.set(value, `<${kind} ${t.size + 1}>`);
    return t.get(value)!;
  }

  private uid(value: string): string {
    if (!/^\d{9,11}\.\d+$/.test(value)) return value;
    return this.uids.get(value) ?? this.tok('uid?', value);
  }

  private generic(value: string): string {
    let v = this.channels(value);
    v = v.replace(UID_RE, (u) => this.uids.get(u) ?? u);
    const bridges = this.tokens.get('bridge');
    if (bridges) v = v.replace(UUID_RE, (u) => bridges.get(u) ?? u);
    return v;
  }

  private value(m: WireMessage, key: string, value: string): string {
    const lk = key.toLowerCase();
    const ev = m.event ?? '';
    switch (lk) {
      case 'eventtv':
      case 'sessiontv':
      case 'timestamp':
        return '<time>';
      case 'uptime':
      case 'lastreload':
        return '<seconds>';
      case 'corestartupdate':
      case 'corereloaddate':
        return '<date>';
      case 'corestartuptime':
      case 'corereloadtime':
        return '<time>';
      case 'coreprocessedcalls':
        return '<count>';
      case 'systemname':
        return '<systemname>';
      case 'sessionid':
        return this.tok('session', value);
      case 'challenge':
        return '<challenge>';
      case 'remoteaddress':
        return value.replace(/\/\d+$/, '/<port>');
      case 'localaddress':
        return value.replace(new RegExp(`/${this.serverPort}$`), '/<server-port>');
      case 'bridgeuniqueid':
      case 'bridgeid':
        return value ? this.tok('bridge', value) : value;
      case 'env':
        if (ev === 'AsyncAGIStart') return this.env(value);
        break;
      case 'output':
        return this.generic(
          value
            .replace(/^(Asterisk \S+ built by ).*$/, '$1<build>')
            .replace(/^\d+ calls? processed$/, '<count> calls processed'),
        );
      case 'commandid':
        if (ev === 'AGIExecStart' || ev === 'AGIExecEnd') return this.tok('agi-command', value);
        break;
      default:
    }
    if (/(uniqueid|linkedid)$/.test(lk)) return this.uid(value);
    if (lk === 'result' && ev === 'AsyncAGIExec') {
      // T5: where an interrupted playback stopped.
      const endpos = /^(200%20result%3D(-?\d+)(?:%20[^%]*)*?%20endpos%3D)(\d+)/;
      return value.replace(endpos, (all, head: string, res: string, pos: string) =>
        res === '0' ? all : `${head}${fuzzy(pos, 1600)}`,
      );
    }
    if (lk === 'value' && ev === 'VarSet' && /^\d+$/.test(value)) {
      // T4: durations Dial() measures.
      const variable = m.h.variable ?? '';
      if (/^(ANSWERED|DIALED|RING|PROGRESS)TIME_MS$/.test(variable)) return fuzzy(value, 500);
      if (/^(ANSWERED|DIALED|RING|PROGRESS)TIME$/.test(variable)) return fuzzy(value, 1);
    }
    return this.generic(value);
  }

  private env(value: string): string {
    return value
      .split('%0A')
      .map((line) => {
        const i = line.indexOf('%3A%20');
        if (i < 0) return line;
        const key = safeDecode(line.slice(0, i));
        const v = safeDecode(line.slice(i + 6));
        if (key === 'agi_threadid') return `${line.slice(0, i)}%3A%20«<thread>»`;
        if (key === 'agi_uniqueid') return `${line.slice(0, i)}%3A%20«${this.uid(v)}»`;
        const g = this.generic(v);
        return g === v ? line : `${line.slice(0, i)}%3A%20«${g}»`;
      })
      .join('%0A');
  }

  /** Normalised fields of a message. */
  message(m: WireMessage): [string, string][] {
    return m.fields.map(([k, v]) => [this.channels(k), this.value(m, k, v)]);
  }
}
