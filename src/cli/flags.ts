import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The values `parseArgs` gives for a command's option table. */
export type Flags<O extends Options> = ReturnType<typeof parseArgs<{ options: O }>>['values'];

/** Parsed and checked flags, or the exit code of a command that has already said why it stops. */
export type FlagsOutcome<O extends Options, T> =
  | { readonly ok: true; readonly flags: Flags<O>; readonly checked: T }
  | { readonly ok: false; readonly exitCode: number };

/**
 * Reads a subcommand's flags the way every `octostate` command does: strict, no positionals, then
 * `check` (which throws to refuse a value). A refusal prints `octostate <command>: <why>` and the
 * usage on stderr (exit code 2); `--help` prints the usage on stdout (exit code 0).
 *
 * @example
 * const parsed = readFlags('pbx', USAGE, argv, OPTIONS, (flags) => portNumber('--port', flags.port ?? '5038'));
 * if (!parsed.ok) return parsed.exitCode;
 */
export function readFlags<const O extends Options & { help: { type: 'boolean' } }, T>(
  command: string,
  usage: string,
  args: string[],
  options: O,
  check: (flags: Flags<O>) => T,
): FlagsOutcome<O, T> {
  let flags: Flags<O>;
  let checked: T;
  try {
    flags = parseArgs({ args, options, strict: true, allowPositionals: false }).values as Flags<O>;
    checked = check(flags);
  } catch (error) {
    process.stderr.write(`octostate ${command}: ${(error as Error).message}\n\n${usage}`);
    return { ok: false, exitCode: 2 };
  }
  if ((flags as { help?: boolean }).help) {
    process.stdout.write(usage);
    return { ok: false, exitCode: 0 };
  }
  return { ok: true, flags, checked };
}

/** A TCP port (0 to 65,535) from a flag's text; throws `Bad <flag>: <text>` otherwise. */
export function portNumber(flag: string, text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new TypeError(`Bad ${flag}: ${text}`);
  return port;
}
