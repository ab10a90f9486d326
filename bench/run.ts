/**
 * `npm run bench`: every benchmark in turn. They print figures and never pass or fail on time.
 * Run one with `npm run bench -- parser` (names: parser, ingest, routing, pbx, load, inspector,
 * agi, fastagi, cluster, soak, agi-rtt; agi runs when ASTERISK_AMI_URL names an Asterisk on this
 * machine).
 */
import { runAgiBench } from './agi.bench.js';
import { runAgiCallsBench } from './agiCalls.bench.js';
import { runAgiRoundTripBench } from './agiRoundTrip.bench.js';
import { runClusterBench } from './cluster.bench.js';
import { runIngestBench } from './ingest.bench.js';
import { runInspectorBench } from './inspector.bench.js';
import { runLoadBench } from './load.bench.js';
import { runParserBench } from './parser.bench.js';
import { runPbxBench } from './pbx.bench.js';
import { runRoutingBench } from './routing.bench.js';
import { runSoakBench } from './soak.bench.js';

const benches: Record<string, () => Promise<void>> = {
  parser: runParserBench,
  ingest: runIngestBench,
  routing: runRoutingBench,
  pbx: runPbxBench,
  load: runLoadBench,
  agi: runAgiCallsBench,
  inspector: runInspectorBench,
  fastagi: runAgiBench,
  cluster: runClusterBench,
  soak: runSoakBench,
  'agi-rtt': runAgiRoundTripBench,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length === 0 || wanted.includes(name)) await run();
}
