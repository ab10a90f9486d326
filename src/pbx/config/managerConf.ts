import { parseIni } from './ini.js';

/** An AMI account from `manager.conf`. */
export interface ManagerUser {
  readonly username: string;
  readonly secret: string;
  /** Event classes the user may receive (`call`, `system`, ...; `all` expanded). */
  readonly read: ReadonlySet<string>;
  /** Action classes the user may invoke. */
  readonly write: ReadonlySet<string>;
  /**
   * `writetimeout`: how long one message to this user may take to reach the kernel once the
   * socket's buffers are full before the session is logged off (ms; Asterisk ignores values
   * under 100). Undefined: the server's default (100 ms, as Asterisk's).
   */
  readonly writeTimeoutMs?: number;
}

/** What the PBX uses from `manager.conf`. */
export interface ManagerConfig {
  readonly users: ReadonlyMap<string, ManagerUser>;
  /** Variables reported as `ChanVariable` lines on channel events, in order. */
  readonly channelVars: readonly string[];
  /** `authtimeout`: a client not logged in this long after connecting is closed (default 30 s). */
  readonly authTimeoutMs: number;
  /** `authlimit`: clients connected but not logged in, at most; one more is closed at once (50). */
  readonly authLimit: number;
}

/** Every permission class Asterisk 22 knows (`all` stands for all of them). */
export const PERMISSION_CLASSES = [
  'system',
  'call',
  'log',
  'verbose',
  'command',
  'agent',
  'user',
  'config',
  'dtmf',
  'reporting',
  'cdr',
  'dialplan',
  'originate',
  'agi',
  'cc',
  'aoc',
  'test',
  'security',
  'message',
] as const;

/** Expands a `read =` / `write =` value (`call,originate`, `all`, `system,call`) to a class set. */
export function parseClasses(value: string): Set<string> {
  const out = new Set<string>();
  for (const part of value.split(',')) {
    const c = part.trim().toLowerCase();
    if (!c) continue;
    if (c === 'all') for (const k of PERMISSION_CLASSES) out.add(k);
    else out.add(c);
  }
  return out;
}

/**
 * Reads `manager.conf`: every section but `[general]` is a user; `channelvars` comes from
 * `[general]`. ACLs (`permit`/`deny`) are ignored: the PBX only listens on loopback.
 *
 * @example
 * const conf = parseManagerConf('[general]\nchannelvars = X\n[u]\nsecret = s\nread = call\n');
 * conf.users.get('u')?.read.has('call'); // true
 */
export function parseManagerConf(text: string): ManagerConfig {
  const users = new Map<string, ManagerUser>();
  let channelVars: string[] = [];
  let authTimeout = 30;
  let authLimit = 50;
  for (const section of parseIni(text)) {
    const get = (key: string) => section.entries.findLast(([k]) => k.toLowerCase() === key)?.[1];
    if (section.name.toLowerCase() === 'general') {
      const vars = get('channelvars');
      if (vars)
        channelVars = vars
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean);
      // As manager.c: a value under 1 is ignored.
      const timeout = Number.parseInt(get('authtimeout') ?? '', 10);
      if (timeout >= 1) authTimeout = timeout;
      const limit = Number.parseInt(get('authlimit') ?? '', 10);
      if (limit >= 1) authLimit = limit;
      continue;
    }
    if (!section.name) continue;
    const writeTimeout = Number.parseInt(get('writetimeout') ?? '', 10);
    users.set(section.name, {
      username: section.name,
      secret: get('secret') ?? '',
      read: parseClasses(get('read') ?? ''),
      write: parseClasses(get('write') ?? ''),
      ...(writeTimeout >= 100 ? { writeTimeoutMs: writeTimeout } : {}),
    });
  }
  return { users, channelVars, authTimeoutMs: authTimeout * 1000, authLimit };
}
