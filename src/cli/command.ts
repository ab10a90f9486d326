/**
 * One `octostate` subcommand. `main.ts` loads it lazily and calls `run` with the arguments after
 * the subcommand's name; the resolved number is the process exit code.
 *
 * @example
 * export const command: CliCommand = {
 *   summary: 'print the version',
 *   usage: 'octostate version',
 *   async run() {
 *     process.stdout.write('0.1.0\n');
 *     return 0;
 *   },
 * };
 */
export interface CliCommand {
  /** One line for `octostate --help`. */
  summary: string;
  /** The command's own help text. */
  usage: string;
  run(argv: string[]): Promise<number>;
}
