#!/usr/bin/env node
import type { CliCommand } from './command.js';

/**
 * Subcommands, loaded on demand so that `octostate watch` does not load the PBX or the runtime.
 * To add one, write `src/cli/<name>.ts` exporting `command: CliCommand` and list it here.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: CliCommand }> }> =
  {
    watch: {
      summary: 'connect to Asterisk AMI, log in and print every event',
      load: () => import('./watch.js'),
    },
    pbx: {
      summary: 'run the embedded PBX (an Asterisk-faithful AMI server on 127.0.0.1)',
      load: () => import('./pbx.js'),
    },
    diagram: {
      summary: 'draw a statechart (SVG, Mermaid or DOT) of one of its machines or of yours',
      load: () => import('./diagram.js'),
    },
    cluster: {
      summary: 'look at a cluster of nodes through NATS: nodes, leases, Asterisks, calls per node',
      load: () => import('./cluster.js'),
    },
    start: {
      summary:
        'run the runtime (on the embedded PBX unless ASTERISK_AMI_URL is set) and print calls',
      load: () => import('./start.js'),
    },
  };

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`,
  );
  return [
    'Usage: octostate <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `octostate <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`octostate: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  const { command } = await entry.load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `octostate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
