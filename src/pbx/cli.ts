#!/usr/bin/env node
import { startPbx } from './index.js';

/**
 * `tsx src/pbx/cli.ts [--port 5038] [--config DIR]`: runs the embedded PBX until Ctrl-C and
 * prints its AMI URL.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const port = Number(opt('--port') ?? 5038);
  const configDir = opt('--config');
  const pbx = await startPbx({ port, ...(configDir ? { configDir } : {}) });
  process.stdout.write(`embedded PBX listening on ${pbx.url} (user manager / secret)\n`);
  const stop = () => {
    pbx.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
