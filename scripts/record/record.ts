import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RecordedConnection } from './RecordedConnection.js';
import { Ami, type Scenario } from './scenario.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCENARIOS = join(HERE, 'scenarios');
const DEFAULT_OUT = join(HERE, '..', '..', 'test', 'fixtures', 'recordings');

const USAGE = `Usage: npm run record -- <scenario> [--url ami://127.0.0.1:5038] [--out DIR] [--force]
       npm run record -- --list

Runs scripts/record/scenarios/<scenario>.ts against a real Asterisk that runs the project's
asterisk-etc/, and writes what crossed each AMI connection, byte for byte, as
<scenario>[.<label>].rx.txt, .tx.txt and .timeline.jsonl in DIR (default test/fixtures/recordings).
The URL defaults to ASTERISK_AMI_URL; only the host and port are used (scenarios log in themselves).
An existing recording is never overwritten unless --force is given.`;

async function scenarioNames(): Promise<string[]> {
  return (await readdir(SCENARIOS))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const names = await scenarioNames();
  if (values.list) {
    for (const name of names) {
      const { scenario } = (await import(join(SCENARIOS, `${name}.ts`))) as { scenario: Scenario };
      console.log(`${name.padEnd(24)} ${scenario.summary}`);
    }
    return 0;
  }
  const name = positionals[0];
  if (!name || positionals.length > 1 || !names.includes(name)) {
    console.error(`${USAGE}\n\nScenarios: ${names.join(', ')}`);
    return 2;
  }
  const url = new URL(values.url ?? process.env.ASTERISK_AMI_URL ?? '');
  if (url.protocol !== 'ami:' || !url.port) {
    console.error('record: give --url ami://host:port (or set ASTERISK_AMI_URL)');
    return 2;
  }
  const out = values.out ?? DEFAULT_OUT;
  if (existsSync(join(out, `${name}.rx.txt`)) && !values.force) {
    console.error(`record: ${name} is already recorded in ${out} (recordings are never edited)`);
    return 1;
  }
  const { scenario } = (await import(join(SCENARIOS, `${name}.ts`))) as { scenario: Scenario };
  const connections = new Map<string, RecordedConnection>();
  const open = async (label: string | undefined) => {
    const prefix = label ? `${name}-${label}` : name;
    const conn = await RecordedConnection.open(url.hostname, Number(url.port), prefix);
    connections.set(label ? `${name}.${label}` : name, conn);
    return new Ami(conn);
  };
  const ami = await open(undefined);
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  try {
    await scenario.run({ ami, open: (label) => open(label), sleep });
  } finally {
    for (const conn of connections.values()) conn.end();
  }
  await mkdir(out, { recursive: true });
  for (const [base, conn] of connections) {
    await writeFile(join(out, `${base}.rx.txt`), Buffer.concat(conn.rx));
    await writeFile(join(out, `${base}.tx.txt`), Buffer.concat(conn.tx));
    await writeFile(
      join(out, `${base}.timeline.jsonl`),
      conn.chunks.map((c) => `${JSON.stringify(c)}\n`).join(''),
    );
    console.log(`record: ${base}: ${conn.messages.length} messages, ${conn.chunks.length} chunks`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`record: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
