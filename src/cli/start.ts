import { pino } from 'pino';
import { parseAmiUrl, redactAmiUrl } from '../connection/amiUrl.js';
import { AmiAuthenticationError } from '../connection/errors.js';
import { createLogger } from '../connection/logger.js';
import type { InspectorHandle } from '../inspector/inspectorServer.js';
import { describeChannel } from '../machines/channel/describeChannel.js';
import { type PbxHandle, startPbx } from '../pbx/index.js';
import { createRuntime, type Runtime } from '../runtime/createRuntime.js';
import type { CliCommand } from './command.js';
import { DEMO_CALLS, runDemoCalls } from './demoCalls.js';
import { portNumber, readFlags } from './flags.js';
import { fullAccessUser, pbxUrl } from './pbx.js';
import { untilStopped } from './untilStopped.js';

const USAGE = `Usage: octostate start [options]

Runs the octostate runtime: one statechart per channel, printed as channels appear, change state
and hang up. Without ASTERISK_AMI_URL (or --url) it starts the embedded PBX and places a few demo
calls on it (401: hello; 402: a bridged call; 403: AsyncAGI driven by a statechart; 500: the IVR,
passcode 12345 then 1 for the agent); with one, it watches that Asterisk.
Runs until Ctrl-C or SIGTERM, or for --seconds.

Options:
  --url <url>          a real Asterisk: ami://user:secret@host:port (default: $ASTERISK_AMI_URL)
  --seconds <n>        stop by itself after n seconds
  --pbx-port <port>    the embedded PBX's port on 127.0.0.1 (default: a free one)
  --no-demo            place no demo calls
  --inspect [port]     serve the live inspector (every actor, its statechart, context and events)
                       on http://127.0.0.1:<port>/ (default: a free port); on by default with the
                       embedded PBX
  --no-inspect         no inspector
  --log-level <level>  also log the library's diagnostics (pino JSON) on stderr at this level
  -h, --help           show this help

Exit status: 0 when stopped by a signal or --seconds, 1 when the connection fails, 2 on a usage
error, 3 when the login is refused.
`;

const OPTIONS = {
  url: { type: 'string' },
  seconds: { type: 'string' },
  'pbx-port': { type: 'string' },
  'no-demo': { type: 'boolean' },
  inspect: { type: 'string' },
  'no-inspect': { type: 'boolean' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `octostate start`: the runtime, on the embedded PBX or a real Asterisk, printed as it goes. */
export const command: CliCommand = {
  summary: 'run the runtime (on the embedded PBX unless ASTERISK_AMI_URL is set) and print calls',
  usage: USAGE,
  run: start,
};

/** Prints the runtime's life on stdout, one concise line per change; returns counters. */
export function narrate(
  runtime: Runtime,
  print: (line: string) => void,
): { channels: number; hungUp: number } {
  const seen = { channels: 0, hungUp: 0 };
  runtime.bus.on('connection', ({ state, error }) =>
    print(`connection ${state}${error ? `: ${error.message}` : ''}`),
  );
  runtime.bus.on('resync', ({ listed, lost }) => {
    if (listed > 0 || lost > 0) print(`resync: ${listed} channels up, ${lost} lost`);
  });
  runtime.bus.on('channel', ({ uniqueid, ref }) => {
    seen.channels += 1;
    const snapshot = ref.getSnapshot();
    const { name, dialplan } = snapshot.context;
    const where = dialplan.exten ? ` at ${dialplan.context}/${dialplan.exten}` : '';
    print(`+ ${name} (${uniqueid}) ${describeChannel(snapshot)}${where}`);
  });
  runtime.bus.on('channelState', ({ name, previous, state }) => {
    if (state !== 'hungUp') print(`  ${name}: ${previous} -> ${state}`);
  });
  runtime.bus.on('hangup', ({ output }) => {
    seen.hungUp += 1;
    const lost = output.lost ? ' (lost while disconnected)' : '';
    print(`- ${output.name} hung up: ${output.cause} ${output.causeText}${lost}`);
  });
  return seen;
}

async function start(argv: string[]): Promise<number> {
  const parsed = readFlags('start', USAGE, optionalInspectPort(argv), OPTIONS, (flags) => {
    if (
      flags.inspect !== undefined &&
      (!/^\d+$/.test(flags.inspect) || Number(flags.inspect) > 65_535)
    ) {
      throw new TypeError(`Bad --inspect port: ${flags.inspect}`);
    }
    return {
      seconds: flags.seconds === undefined ? undefined : positiveNumber('--seconds', flags.seconds),
      pbxPort: flags['pbx-port'] === undefined ? 0 : portNumber('--pbx-port', flags['pbx-port']),
      inspectPort: flags.inspect === undefined ? undefined : Number(flags.inspect),
    };
  });
  if (!parsed.ok) return parsed.exitCode;
  const { flags } = parsed;
  const { seconds, pbxPort, inspectPort } = parsed.checked;
  const external = flags.url ?? (process.env.ASTERISK_AMI_URL || undefined);
  if (external !== undefined) {
    // Checked before anything is printed: a URL that does not parse is never echoed.
    try {
      parseAmiUrl(external);
    } catch (error) {
      process.stderr.write(`octostate start: ${(error as Error).message}\n`);
      return 2;
    }
  }
  let pbx: PbxHandle | undefined;
  if (external === undefined) {
    try {
      pbx = await startPbx({ port: pbxPort });
    } catch (error) {
      process.stderr.write(
        `octostate start: cannot start the embedded PBX: ${(error as Error).message}\n`,
      );
      return 1;
    }
  }
  const url = external ?? pbxUrl(pbx!, fullAccessUser(pbx!.pbx.manager.users));
  const began = Date.now();
  const print = (line: string): void => {
    const at = ((Date.now() - began) / 1000).toFixed(2).padStart(7);
    process.stdout.write(`${at}s ${line}\n`);
  };
  process.stdout.write(
    pbx
      ? `octostate: runtime on the embedded PBX at ${url} (Ctrl-C to stop)\n`
      : `octostate: runtime on ${redactAmiUrl(url)} (Ctrl-C to stop)\n`,
  );

  const logger = createLogger({
    level: flags['log-level'] ?? process.env.OCTOSTATE_LOG_LEVEL ?? 'silent',
    destination: pino.destination(2),
  });
  let runtime: Runtime;
  try {
    runtime = createRuntime({ url, logger });
  } catch (error) {
    process.stderr.write(`octostate start: ${redactAmiUrl((error as Error).message)}\n`);
    await pbx?.stop();
    return 2;
  }
  const seen = narrate(runtime, print);
  const failed = new AbortController();
  let exitCode = 0;
  runtime.bus.on('error', ({ error, during }) => {
    const message = error instanceof Error ? error.message : String(error);
    if (during === 'connect') {
      process.stderr.write(`octostate start: cannot connect: ${redactAmiUrl(message)}\n`);
      exitCode = error instanceof AmiAuthenticationError ? 3 : 1;
      failed.abort();
      return;
    }
    process.stderr.write(`octostate start: error during ${during}: ${message}\n`);
  });

  let inspector: InspectorHandle | undefined;
  if (!flags['no-inspect'] && (inspectPort !== undefined || pbx)) {
    try {
      const { startInspector } = await import('../inspector/inspectorServer.js');
      inspector = await startInspector({ runtime, port: inspectPort ?? 0 });
      process.stdout.write(`octostate: inspector at ${inspector.url}\n`);
    } catch (error) {
      process.stderr.write(
        `octostate start: cannot start the inspector: ${(error as Error).message}\n`,
      );
      await runtime.close();
      await pbx?.stop();
      return 1;
    }
  }
  const demos = new AbortController();
  let round: Promise<void> = Promise.resolve();
  runtime.ready().then(
    () => {
      print(`ready: ${runtime.channels.all().length} channels up`);
      if (pbx && !flags['no-demo']) {
        round = runDemoCalls(DEMO_CALLS, { runtime, pbx, say: print, signal: demos.signal }).catch(
          (error: unknown) => print(`demo calls stopped: ${(error as Error).message}`),
        );
      }
    },
    () => {}, // closed before ready: reported as a connection error above
  );

  const reason = await untilStopped({
    ...(seconds === undefined ? {} : { seconds }),
    signal: failed.signal,
  });
  demos.abort(new Error('stopping'));
  await round;
  const live = runtime.channels.all().length;
  await inspector?.close();
  await runtime.close();
  await pbx?.stop();
  if (reason !== 'aborted') {
    print(
      `stopped (${reason === 'timeout' ? `--seconds ${seconds}` : reason}): ${seen.channels} channels seen, ${seen.hungUp} hung up, ${live} live`,
    );
  }
  return exitCode;
}

/** `--inspect` takes an optional port: `--inspect 8089`, `--inspect=8089`, or `--inspect` alone. */
function optionalInspectPort(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg !== '--inspect') {
      args.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      args.push(`--inspect=${next}`);
      i += 1;
    } else args.push('--inspect=0');
  }
  return args;
}

/** A positive number flag (`--seconds 2.5`); throws a readable error otherwise. */
function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`Bad ${flag}: ${text}`);
  return value;
}
