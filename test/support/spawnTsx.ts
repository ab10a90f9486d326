import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root, where the spawned scripts run. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A spawned script: its output so far and its exit. */
export interface TsxRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

/**
 * Runs a TypeScript file of the repository with tsx (`node --import tsx <file> <args>`), with
 * `ASTERISK_AMI_URL` cleared so it uses the embedded PBX unless `env` says otherwise.
 */
export function runTsx(
  file: string,
  args: string[] = [],
  env: Record<string, string> = {},
): TsxRun {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ASTERISK_AMI_URL: '', OCTOSTATE_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** A script's printed lines, empty ones dropped, each without the time stamp it starts with. */
export function printedLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^\s*\d+\.\d\ds /, ''));
}

/** Kills whatever a test left running (call from `afterEach`). */
export function killLeftovers(): void {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Polls `probe` every 20 ms; throws after `timeoutMs` naming what it waited for. */
export async function until(probe: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 20) {
    if (probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
