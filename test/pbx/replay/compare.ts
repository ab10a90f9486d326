import { Normaliser } from './normalise.js';
import type { Replay } from './replay.js';
import type { Conn, Trace } from './trace.js';
import type { WireMessage } from './wire.js';

/** One unmatched or differing message. */
export interface Divergence {
  conn: string;
  group: string;
  gt: number;
  expected: string | null;
  got: string | null;
  detail: string;
  expectedFields?: [string, string][];
  gotFields?: [string, string][];
}

/** Result of comparing a replay with its recording. */
export interface Comparison {
  expected: number;
  matched: number;
  extra: number;
  divergences: Divergence[];
}

interface Item {
  m: WireMessage;
  nf: [string, string][];
  s: string;
}

const summary = (m: WireMessage) =>
  m.event !== undefined
    ? `Event: ${m.event}`
    : m.response !== undefined
      ? `Response: ${m.response}${m.actionid !== undefined ? ` (${m.actionid})` : ''}`
      : JSON.stringify(m.raw.slice(0, 60));

const FUZZY_RE = /≈(-?\d+)±(\d+)/g;
const alignKey = (nf: [string, string][]) => JSON.stringify(nf).replace(FUZZY_RE, '≈');
const CHANNEL_TOKEN_AT_START = /^[A-Za-z][\w]*\/\S*-<\S+>(;[12])?\s/;

function groupKey(m: WireMessage, nf: [string, string][]): string {
  const get = (k: string) => nf.find(([fk]) => fk.toLowerCase() === k)?.[1];
  if (m.actionid !== undefined) return `action ${m.actionid}`;
  if (m.event === undefined) return 'responses without ActionID';
  const ch = get('channel') ?? get('destchannel') ?? get('localonechannel');
  if (ch !== undefined) return `channel ${ch}`;
  if (m.event === 'DeviceStateChange') return `device ${get('device')}`;
  const b = get('bridgeuniqueid');
  if (b !== undefined) return `bridge ${b}`;
  return 'global';
}

function lcs(a: string[], b: string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

function fieldDiff(e: [string, string][], g: [string, string][]): string {
  const n = Math.max(e.length, g.length);
  for (let i = 0; i < n; i++) {
    const [ek, ev] = e[i] ?? [];
    const [gk, gv] = g[i] ?? [];
    if (ek !== gk || ev !== gv) {
      const show = (k?: string, v?: string) => (k === undefined ? '(nothing)' : `'${k}: ${v}'`);
      return `field ${i + 1}: expected ${show(ek, ev)} got ${show(gk, gv)}`;
    }
  }
  return 'identical';
}

/** T2: DeviceStateChange per device: same count, same fields but State, same final State. */
function toleranceT2(exp: Item[], got: Item[]): void {
  if (exp.length !== got.length || !exp.length) return;
  const state = (x: Item) => x.nf.find(([k]) => k === 'State')?.[1];
  const rest = (x: Item) => JSON.stringify(x.nf.filter(([k]) => k !== 'State'));
  if (state(exp.at(-1)!) !== state(got.at(-1)!)) return;
  if (exp.some((e, i) => rest(e) !== rest(got[i]!))) return;
  got.forEach((x, i) => {
    x.nf = exp[i]!.nf;
    x.s = exp[i]!.s;
  });
}

/** T6: a racing DialBegin (as DestChannel) / HangupRequest next to a Newstate: canonical order. */
function toleranceT6(list: Item[], channel: string): void {
  const get = (x: Item, k: string) => x.nf.find(([fk]) => fk === k)?.[1];
  for (let i = 0; i + 1 < list.length; i++) {
    const a = list[i]!;
    const b = list[i + 1]!;
    if (b.m.event !== 'Newstate') continue;
    let prefix: string | null = null;
    if (a.m.event === 'HangupRequest' && get(a, 'Channel') === channel) prefix = '';
    if (
      a.m.event === 'DialBegin' &&
      get(a, 'Channel') === undefined &&
      get(a, 'DestChannel') === channel
    ) {
      prefix = 'Dest';
    }
    if (prefix === null) continue;
    const state: Record<string, string | undefined> = {
      [`${prefix}ChannelState`]: get(b, 'ChannelState'),
      [`${prefix}ChannelStateDesc`]: get(b, 'ChannelStateDesc'),
    };
    const nf = a.nf.map(([k, v]): [string, string] => [k, k in state ? (state[k] ?? v) : v]);
    list[i] = b;
    list[i + 1] = { ...a, nf, s: alignKey(nf) };
    i++;
  }
}

/** T7: with a Shutdown, a HangupRequest may land on either half of a Local pair. */
function toleranceT7(r: Comparison & { conn: string }): void {
  const half = (g: string) => /^channel (.*);[12]$/.exec(g)?.[1];
  const missing = r.divergences.filter(
    (d) => d.expected === 'Event: HangupRequest' && !d.got && half(d.group),
  );
  for (const d of missing) {
    const cause = d.expectedFields?.find(([k]) => k === 'Cause')?.[1];
    const i = r.divergences.findIndex(
      (x) =>
        x.got === 'Event: HangupRequest' &&
        !x.expected &&
        x.conn === d.conn &&
        half(x.group) === half(d.group) &&
        x.group !== d.group &&
        x.gotFields?.find(([k]) => k === 'Cause')?.[1] === cause,
    );
    if (i < 0) continue;
    r.divergences.splice(i, 1);
    r.divergences.splice(r.divergences.indexOf(d), 1);
    r.matched++;
    r.extra--;
  }
}

/** T8: channel listings compared sorted (Asterisk lists them in hash order). */
function toleranceT8(list: Item[]): void {
  const isChannelLine = ([k, v]: [string, string]) =>
    k === 'Output' && CHANNEL_TOKEN_AT_START.test(v);
  for (const x of list) {
    if (!x.nf.some(isChannelLine)) continue;
    const nf = [...x.nf];
    for (let i = 0; i < nf.length; ) {
      if (!isChannelLine(nf[i]!)) {
        i++;
        continue;
      }
      let j = i;
      while (j < nf.length && isChannelLine(nf[j]!)) j++;
      const run = nf.slice(i, j).sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
      nf.splice(i, j - i, ...run);
      i = j;
    }
    x.nf = nf;
    x.s = alignKey(nf);
  }
  const start = list.findIndex(
    (x) => x.m.event === undefined && /^start$/i.test(x.m.h.eventlist ?? ''),
  );
  if (start < 0) return;
  let end = list.findIndex(
    (x, i) => i > start && x.m.event !== undefined && /^complete$/i.test(x.m.h.eventlist ?? ''),
  );
  if (end < 0) end = list.length;
  const items = list.slice(start + 1, end).sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : 0));
  list.splice(start + 1, items.length, ...items);
}

function fuzzyMismatch(e: Item, g: Item): string | null {
  const ev = [...JSON.stringify(e.nf).matchAll(FUZZY_RE)];
  const gv = [...JSON.stringify(g.nf).matchAll(FUZZY_RE)];
  for (let i = 0; i < ev.length; i++) {
    const want = Number(ev[i]![1]);
    const tol = Number(ev[i]![2]);
    const got = Number(gv[i]?.[1]);
    if (!(Math.abs(got - want) <= tol)) return `${want} expected within ±${tol}, got ${gv[i]?.[1]}`;
  }
  return null;
}

function compareConn(c: Conn, replay: Replay, normO: Normaliser, normR: Normaliser) {
  const rc = replay.conns.get(c.label)!;
  const groups = new Map<string, { exp: Item[]; got: Item[] }>();
  const add = (side: 'exp' | 'got', m: WireMessage, norm: Normaliser) => {
    let nf = norm.message(m);
    let key = groupKey(m, nf);
    if (c.afterRestart && m.event === 'FullyBooted') {
      nf = [...nf].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      key = 'FullyBooted after a restart';
    }
    if (!groups.has(key)) groups.set(key, { exp: [], got: [] });
    groups.get(key)![side].push({ m, nf, s: alignKey(nf) });
  };
  for (const m of c.msgs) add('exp', m, normO);
  for (const m of rc.msgs) add('got', m, normR);
  const result = {
    conn: c.label,
    expected: c.msgs.length + 1,
    matched: 0,
    extra: 0,
    divergences: [] as Divergence[],
  };
  if (rc.parser.banner === c.banner) result.matched++;
  else {
    result.divergences.push({
      conn: c.label,
      group: 'banner',
      gt: -1,
      expected: c.banner,
      got: rc.parser.banner,
      detail: 'banner differs',
    });
  }
  const tail = rc.parser.buf;
  if (tail && tail !== c.tail) {
    result.extra++;
    result.divergences.push({
      conn: c.label,
      group: 'stream end',
      gt: Number.POSITIVE_INFINITY,
      expected: null,
      got: JSON.stringify(tail.slice(0, 80)),
      detail: 'unterminated message at the end',
    });
  }
  for (const [key, g] of groups) {
    if (key.startsWith('action ')) {
      toleranceT8(g.exp);
      toleranceT8(g.got);
    }
    if (key.startsWith('device ')) toleranceT2(g.exp, g.got);
    if (key.startsWith('channel ')) {
      toleranceT6(g.exp, key.slice(8));
      toleranceT6(g.got, key.slice(8));
    }
    const aligned = lcs(
      g.exp.map((x) => x.s),
      g.got.map((x) => x.s),
    );
    let good = 0;
    for (const [i, j] of aligned) {
      const why = fuzzyMismatch(g.exp[i]!, g.got[j]!);
      if (why === null) good++;
      else {
        result.divergences.push({
          conn: c.label,
          group: key,
          gt: g.exp[i]!.m.gt,
          expected: summary(g.exp[i]!.m),
          got: summary(g.got[j]!.m),
          detail: why,
        });
      }
    }
    result.matched += good;
    result.extra += g.got.length - aligned.length;
    let pi = 0;
    let pj = 0;
    for (const [ai, aj] of [...aligned, [g.exp.length, g.got.length] as [number, number]]) {
      const eu = g.exp.slice(pi, ai);
      const gu = g.got.slice(pj, aj);
      for (let k = 0; k < Math.max(eu.length, gu.length); k++) {
        const e = eu[k];
        const x = gu[k];
        result.divergences.push({
          conn: c.label,
          group: key,
          gt: e ? e.m.gt : Number.POSITIVE_INFINITY,
          expected: e ? summary(e.m) : null,
          got: x ? summary(x.m) : null,
          detail: e && x ? fieldDiff(e.nf, x.nf) : e ? 'missing in replay' : 'extra in replay',
          ...(e ? { expectedFields: e.nf } : {}),
          ...(x ? { gotFields: x.nf } : {}),
        });
      }
      pi = ai + 1;
      pj = aj + 1;
    }
  }
  result.divergences.sort((a, b) => a.gt - b.gt);
  return result;
}

/**
 * Compares every connection of a replay with the recording, grouped and with the tolerances of
 * `replay-compare.mjs`, the shared scorer of AMI servers.
 */
export function compare(
  trace: Trace,
  replay: Replay,
  recordedPort: number,
  port: number,
): Comparison {
  const normO = new Normaliser(trace.allMsgs, recordedPort);
  const normR = new Normaliser(replay.arrivals, port);
  const conns = trace.conns.map((c) => compareConn(c, replay, normO, normR));
  if (trace.allMsgs.some((m) => m.event === 'Shutdown')) conns.forEach(toleranceT7);
  return {
    expected: conns.reduce((a, r) => a + r.expected, 0),
    matched: conns.reduce((a, r) => a + r.matched, 0),
    extra: conns.reduce((a, r) => a + r.extra, 0),
    divergences: conns.flatMap((r) => r.divergences).sort((a, b) => a.gt - b.gt),
  };
}

/** A divergence as one line for a failure message. */
export function describe(d: Divergence): string {
  const where = `${d.conn} ${d.group}`;
  if (d.expected && d.got)
    return `${where} ${d.expected}: ${d.expected === d.got ? d.detail : `got ${d.got}; ${d.detail}`}`;
  if (d.expected)
    return `${where} ${d.expected}: missing in replay ${JSON.stringify(d.expectedFields ?? []).slice(0, 300)}`;
  return `${where}: extra ${d.got} ${JSON.stringify(d.gotFields ?? []).slice(0, 300)}`;
}
