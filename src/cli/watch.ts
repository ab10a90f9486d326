import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { pino } from 'pino';
import { AmiConnection, type AmiConnectionOptions } from '../connection/AmiConnection.js';
import { parseAmiUrl, redactAmiUrl } from '../connection/amiUrl.js';
import { AmiAuthenticationError } from '../connection/errors.js';
import { createLogger } from '../connection/logger.js';
import { AmiError } from '../protocol/errors.js';
import type { AmiMessage } from '../protocol/message.js';
import type { CliCommand } from './command.js';
import { type Flags, readFlags } from './flags.js';

const USAGE = `Usage: octostate watch [options]

Connects to Asterisk's manager interface (AMI), logs in and prints every event until interrupted
(Ctrl-C, SIGTERM) or until --count events were printed.

Options:
  --url <url>          ami://user:secret@host:port, amis:// for TLS (default: $ASTERISK_AMI_URL)
  --host <host>        override the URL's host
  --port <port>        override the URL's port
  --username <name>    override the URL's user
  --secret <secret>    override the URL's secret (flags show in \`ps\`: prefer the environment)
  --tls                use TLS
  --ca <file>          with TLS: trust this CA certificate (PEM)
  --insecure           with TLS: do not verify the server's certificate
  --md5                log in with the MD5 challenge rather than the plain secret
  --events <mask>      Login's Events field: on, off, or a class list (call,agent)
  --filter <names>     print only these events (comma-separated, case-insensitive)
  --count <n>          exit after printing n events
  --json               print one JSON object per line instead of the readable form
  --no-reconnect       exit when the connection drops instead of reconnecting
  --log-level <level>  also log the library's diagnostics (pino JSON) on stderr at this level:
                       fatal, error, warn, info, debug, trace (default: none)
  -h, --help           show this help

Exit status: 0 when stopped by a signal or --count, 1 when the connection fails or closes,
2 on a usage error, 3 when the login is refused.
`;

const OPTIONS = {
  url: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  username: { type: 'string' },
  secret: { type: 'string' },
  tls: { type: 'boolean' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  md5: { type: 'boolean' },
  events: { type: 'string' },
  filter: { type: 'string' },
  count: { type: 'string' },
  json: { type: 'boolean' },
  'no-reconnect': { type: 'boolean' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type WatchFlags = Flags<typeof OPTIONS>;

/** `octostate watch`: connect, log in, print every event readably. */
export const command: CliCommand = {
  summary: 'connect to Asterisk AMI, log in and print every event',
  usage: USAGE,
  run: watch,
};

/**
 * Settings of `octostate watch` from its flags and the environment (`ASTERISK_AMI_URL`); flags win.
 * Throws an {@link AmiError} that explains what is missing or wrong.
 */
export function watchSettings(
  flags: WatchFlags,
  env: NodeJS.ProcessEnv,
): Pick<
  AmiConnectionOptions,
  'host' | 'port' | 'username' | 'secret' | 'tls' | 'authType' | 'events'
> {
  const url = flags.url ?? (env.ASTERISK_AMI_URL || undefined);
  if (url === undefined && (flags.host === undefined || flags.username === undefined)) {
    throw new AmiError(
      'Where is Asterisk? Give --url ami://user:secret@host:port or set ASTERISK_AMI_URL',
    );
  }
  const base = url === undefined ? undefined : parseAmiUrl(url);
  const port = flags.port === undefined ? base?.port : Number(flags.port);
  if (port === undefined || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new AmiError(`Bad port: ${flags.port ?? '(none)'}`);
  }
  const useTls = flags.tls ?? base?.tls ?? false;
  let tls: boolean | ConnectionOptions = useTls;
  if (useTls && (flags.ca !== undefined || flags.insecure)) {
    tls = {
      ...(flags.ca === undefined ? {} : { ca: readFileSync(flags.ca) }),
      ...(flags.insecure ? { rejectUnauthorized: false } : {}),
    };
  }
  const authType = flags.md5 ? 'md5' : base?.authType;
  const events = flags.events ?? base?.events;
  return {
    host: flags.host ?? base?.host ?? '127.0.0.1',
    port,
    username: flags.username ?? base?.username ?? '',
    secret: flags.secret ?? base?.secret ?? '',
    tls,
    ...(authType ? { authType } : {}),
    ...(events ? { events } : {}),
  };
}

/** One event in the readable form: a time-stamped header, then the indented fields. */
export function formatEvent(event: AmiMessage, at: Date = new Date()): string {
  const time = [at.getHours(), at.getMinutes(), at.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
  const lines = [`${time}.${String(at.getMilliseconds()).padStart(3, '0')} ${event.name}`];
  for (const [key, value] of event.fields()) {
    if (key.toLowerCase() !== 'event') lines.push(`    ${key}: ${value}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** One event as a JSON line: `{"time":..., "event":..., "fields":{...}}` (repeats as arrays). */
export function formatEventJson(event: AmiMessage, at: Date = new Date()): string {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of event.fields()) {
    const previous = fields[key];
    if (previous === undefined) fields[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else fields[key] = [previous, value];
  }
  return `${JSON.stringify({ time: at.toISOString(), event: event.name, fields })}\n`;
}

async function watch(argv: string[]): Promise<number> {
  const parsed = readFlags('watch', USAGE, argv, OPTIONS, () => undefined);
  if (!parsed.ok) return parsed.exitCode;
  const { flags } = parsed;
  let settings: ReturnType<typeof watchSettings>;
  let count: number | undefined;
  try {
    settings = watchSettings(flags, process.env);
    if (flags.count !== undefined) {
      count = Number(flags.count);
      if (!Number.isInteger(count) || count <= 0) throw new AmiError(`Bad --count: ${flags.count}`);
    }
  } catch (error) {
    process.stderr.write(`octostate watch: ${redactAmiUrl((error as Error).message)}\n`);
    return 2;
  }
  const filter = flags.filter
    ? new Set(flags.filter.split(',').map((name) => name.trim().toLowerCase()))
    : undefined;
  const logger = createLogger({
    // The life-cycle notices below are enough for a person; pino's JSON is opt-in.
    level: flags['log-level'] ?? process.env.OCTOSTATE_LOG_LEVEL ?? 'silent',
    destination: pino.destination(2),
  });
  const ami = new AmiConnection({
    ...settings,
    logger,
    reconnect: flags['no-reconnect'] ? false : {},
  });
  const where = `${settings.host}:${settings.port}`;
  const format = flags.json ? formatEventJson : formatEvent;

  return new Promise<number>((resolve) => {
    let done = false;
    let loggedIn = false;
    let printed = 0;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.stdout.off('error', onStdoutError);
      ami.close().then(
        () => resolve(code),
        () => resolve(code),
      );
    };
    const onSignal = (): void => finish(0);
    // `octostate watch | head` closes our stdout: stop quietly.
    const onStdoutError = (): void => finish(0);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.stdout.on('error', onStdoutError);

    ami.bus.on('event', (event) => {
      if (done || (filter && !filter.has(event.name.toLowerCase()))) return;
      process.stdout.write(format(event));
      printed += 1;
      if (count !== undefined && printed >= count) finish(0);
    });
    ami.bus.on('connected', ({ banner }) => {
      loggedIn = true;
      process.stderr.write(`octostate watch: connected to ${where} (${banner})\n`);
    });
    ami.bus.on('disconnected', ({ error }) => {
      if (!done) process.stderr.write(`octostate watch: disconnected: ${error?.message ?? ''}\n`);
    });
    ami.bus.on('reconnecting', ({ attempt, delayMs }) => {
      process.stderr.write(`octostate watch: reconnecting (attempt ${attempt}) in ${delayMs} ms\n`);
    });
    ami.bus.on('protocolError', (error) => {
      process.stderr.write(`octostate watch: ${error.message}: ${JSON.stringify(error.excerpt)}\n`);
    });
    ami.bus.on('closed', () => {
      // A first connection that fails is reported by connect()'s rejection below.
      if (done || !loggedIn) return;
      process.stderr.write(
        `octostate watch: connection closed: ${ami.closeReason?.message ?? 'no reason'}\n`,
      );
      finish(1);
    });
    ami.connect().catch((error: unknown) => {
      if (done) return;
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`octostate watch: cannot connect to ${where}: ${message}\n`);
      finish(error instanceof AmiAuthenticationError ? 3 : 1);
    });
  });
}
