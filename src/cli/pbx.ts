import type { ManagerUser } from '../pbx/config/managerConf.js';
import { PERMISSION_CLASSES } from '../pbx/config/managerConf.js';
import { BANNER, DEFAULT_CONFIG_DIR, type PbxHandle, startPbx } from '../pbx/index.js';
import type { CliCommand } from './command.js';
import { portNumber, readFlags } from './flags.js';
import { untilStopped } from './untilStopped.js';

const USAGE = `Usage: octostate pbx [options]

Runs the embedded PBX: an AMI server on 127.0.0.1 that behaves like Asterisk 22 (Local channels,
the dialplan of asterisk-etc/extensions.conf, AsyncAGI). Prints its AMI URL, with the credentials
of manager.conf's full-access user, and runs until Ctrl-C or SIGTERM, which shut it down as
Asterisk does (calls hung up, Shutdown sent to every session).

Options:
  --port <port>    TCP port on 127.0.0.1 (default 0: a free one, printed; 5038 is where a real
                   Asterisk usually listens, so it is never taken unless asked for)
  --config <dir>   folder with manager.conf and extensions.conf (default: the shipped asterisk-etc/)
  -h, --help       show this help

Exit status: 0 when stopped by a signal, 1 when it cannot start, 2 on a usage error.
`;

const OPTIONS = {
  port: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `octostate pbx`: the embedded PBX as a standalone AMI server. */
export const command: CliCommand = {
  summary: 'run the embedded PBX (an Asterisk-faithful AMI server on 127.0.0.1)',
  usage: USAGE,
  run: pbx,
};

/**
 * The account a user of `octostate pbx` should log in with: the first in `manager.conf` that may
 * read and write every class (`read = all`, `write = all`), else the first one.
 */
export function fullAccessUser(users: ReadonlyMap<string, ManagerUser>): ManagerUser | undefined {
  const all = [...users.values()];
  const full = all.find((user) =>
    PERMISSION_CLASSES.every((name) => user.read.has(name) && user.write.has(name)),
  );
  return full ?? all[0];
}

/** `ami://user:secret@127.0.0.1:port` for a running PBX and one of its accounts. */
export function pbxUrl(handle: PbxHandle, user: ManagerUser | undefined): string {
  if (!user) return handle.url;
  const credentials = `${encodeURIComponent(user.username)}:${encodeURIComponent(user.secret)}`;
  return handle.url.replace('ami://', `ami://${credentials}@`);
}

async function pbx(argv: string[]): Promise<number> {
  const parsed = readFlags('pbx', USAGE, argv, OPTIONS, (flags) =>
    portNumber('--port', flags.port ?? '0'),
  );
  if (!parsed.ok) return parsed.exitCode;
  const { flags, checked: port } = parsed;
  const configDir = flags.config ?? DEFAULT_CONFIG_DIR;
  let handle: PbxHandle;
  try {
    handle = await startPbx({ port, configDir });
  } catch (error) {
    process.stderr.write(`octostate pbx: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  const user = fullAccessUser(handle.pbx.manager.users);
  process.stdout.write(
    [
      `embedded PBX listening on ${pbxUrl(handle, user)}`,
      `  banner: ${BANNER.trim()}; configuration: ${configDir}`,
      `  try: npm run octostate -- watch --url ${pbxUrl(handle, user)}`,
      '  Ctrl-C to stop',
      '',
    ].join('\n'),
  );
  const reason = await untilStopped();
  process.stdout.write(`embedded PBX: ${reason}, shutting down\n`);
  await handle.shutdown();
  await handle.stop();
  return 0;
}
