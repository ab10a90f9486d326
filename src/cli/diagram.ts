import { writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { DIAGRAM_FORMATS, type DiagramFormat, renderDiagram } from '../diagram/index.js';
import type { CliCommand } from './command.js';
import { readFlags } from './flags.js';

const USAGE = `Usage: octostate diagram <machine | module#export> [options]

Draws a statechart: one of octostate's machines by its id or export name (channel, ivr,
passcode, menu, collectDigits, hello; channelMachine...), or a machine of yours exported by a
module (./src/flow.js#myMachine; a .ts module needs tsx: npx tsx node_modules/.bin/octostate).

Options:
  --format <svg|mermaid|dot>  what to write (default svg: laid out with ELK, offline)
  --out <file>                write there instead of stdout
  --invoked                   draw the machines its states invoke inside those states
  -h, --help                  this help
`;

const OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  invoked: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function isMachine(value: unknown): value is AnyStateMachine {
  return typeof value === 'object' && value !== null && 'root' in value && 'config' in value;
}

/** The machines `octostate` exports, by machine id and by export name. */
export async function exportedMachines(): Promise<Map<string, AnyStateMachine>> {
  const exports = (await import('../index.js')) as Record<string, unknown>;
  const machines = new Map<string, AnyStateMachine>();
  for (const [name, value] of Object.entries(exports)) {
    if (!isMachine(value)) continue;
    machines.set(value.id, value);
    machines.set(name, value);
  }
  return machines;
}

/** The machine a command line names: an exported one, or `<module>#<export>`. */
async function findMachine(name: string): Promise<AnyStateMachine> {
  const hash = name.lastIndexOf('#');
  if (hash < 0) {
    const machines = await exportedMachines();
    const machine = machines.get(name);
    if (machine) return machine;
    const ids = [...new Set([...machines.values()].map((m) => m.id))].sort();
    throw new TypeError(
      `No machine ${JSON.stringify(name)}: one of ${ids.join(', ')}, or module#export`,
    );
  }
  const path = name.slice(0, hash);
  const exportName = name.slice(hash + 1) || 'default';
  const url = isAbsolute(path) || path.startsWith('.') ? pathToFileURL(resolve(path)).href : path;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new TypeError(`Cannot load ${path}: ${(error as Error).message}`);
  }
  const machine = module[exportName];
  if (!isMachine(machine)) {
    throw new TypeError(`${path} exports no XState machine named ${JSON.stringify(exportName)}`);
  }
  return machine;
}

/** `octostate diagram`: draws a statechart in SVG, Mermaid or DOT. */
export const command: CliCommand = {
  summary: 'draw a statechart (SVG, Mermaid or DOT) of one of its machines or of yours',
  usage: USAGE,
  async run(argv) {
    const positional = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
    const parsed = readFlags(
      'diagram',
      USAGE,
      positional ? argv.slice(1) : argv,
      OPTIONS,
      (flags) => {
        const format = flags.format ?? 'svg';
        if (!(DIAGRAM_FORMATS as readonly string[]).includes(format)) {
          throw new TypeError(`Bad --format: ${format} (svg, mermaid or dot)`);
        }
        if (positional === undefined && !flags.help) throw new TypeError('Which machine?');
        return format as DiagramFormat;
      },
    );
    if (!parsed.ok) return parsed.exitCode;
    let machine: AnyStateMachine;
    try {
      machine = await findMachine(positional ?? '');
    } catch (error) {
      process.stderr.write(`octostate diagram: ${(error as Error).message}\n`);
      return 2;
    }
    const text = await renderDiagram(machine, {
      format: parsed.checked,
      invoked: parsed.flags.invoked ?? false,
    });
    if (parsed.flags.out === undefined) process.stdout.write(text);
    else await writeFile(parsed.flags.out, text);
    return 0;
  },
};
