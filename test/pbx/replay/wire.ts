/**
 * AMI framing for the conformance replay (the rules of the project's judge,
 * `../shared/tools/replay-compare.mjs`): the banner line, then blocks ended by a blank line.
 */

/** One received message: its fields in order and a first-value-wins lower-case index. */
export interface WireMessage {
  readonly raw: string;
  readonly fields: ReadonlyArray<readonly [string, string]>;
  /** Lower-case key -> first value. */
  readonly h: Readonly<Record<string, string | undefined>>;
  readonly event: string | undefined;
  readonly response: string | undefined;
  readonly actionid: string | undefined;
  /** ms since the connection opened (recorded) or since the replay started. */
  t: number;
  /** Global time (recorded traces) / arrival time (replay). */
  gt: number;
  conn: string;
}

/** Parses one message block (without its blank line). */
export function parseBlock(raw: string): WireMessage {
  const fields: [string, string][] = [];
  for (const line of raw.split('\r\n')) {
    const i = line.indexOf(':');
    if (i < 0) fields.push(['', line]);
    else fields.push([line.slice(0, i), line.slice(i + 1).replace(/^ /, '')]);
  }
  const h: Record<string, string> = {};
  for (const [k, v] of fields) {
    const lk = k.toLowerCase();
    if (!(lk in h)) h[lk] = v;
  }
  return {
    raw,
    fields,
    h,
    event: h.event,
    response: h.response,
    actionid: h.actionid,
    t: 0,
    gt: 0,
    conn: '',
  };
}

/** Incremental splitter: the first CRLF line is the banner, then CRLFCRLF-terminated blocks. */
export class StreamSplitter {
  buf = '';
  banner: string | null = null;

  feed(text: string): WireMessage[] {
    this.buf += text;
    const out: WireMessage[] = [];
    if (this.banner === null) {
      const nl = this.buf.indexOf('\r\n');
      if (nl < 0) return out;
      this.banner = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 2);
    }
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) break;
      out.push(parseBlock(this.buf.slice(0, end)));
      this.buf = this.buf.slice(end + 4);
    }
    return out;
  }
}

/** A channel name with a sequence number: Tech/resource-0000000a, plus ;1/;2 for Local channels. */
export const CHAN_RE = /([A-Za-z][\w]*\/[^\s,;|()'"]+?)-([0-9a-f]{8})(;[12])?(?![0-9A-Za-z])/g;
export const UID_RE = /(?<![\d.])\d{9,11}\.\d+(?![\d.])/g;
export const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export interface SplitChannel {
  base: string;
  seq: string;
  suffix: string;
  pair: string;
  key: string;
}

export function splitChannel(name: string): SplitChannel | null {
  const re = new RegExp(CHAN_RE.source);
  const m = re.exec(name);
  if (m?.index !== 0 || m[0].length !== name.length) return null;
  const base = m[1]!;
  const suffix = m[3] ?? '';
  return { base, seq: m[2]!, suffix, pair: `${base}-${m[2]}`, key: `${base}${suffix}` };
}

/** The channel an event is about (for grouping and pairing). */
export const channelOf = (m: WireMessage): string | undefined =>
  m.h.channel ?? m.h.destchannel ?? m.h.localonechannel;

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
