/**
 * A cluster node in a process of its own, running the IVR on extension 500 of every Asterisk it
 * supervises, for the cluster suite.
 *
 * Started as `nodeProcess.ts <node> <natsUrl> <asterisks JSON: [{ id, url }]> [leaseTtlMs]`. Prints one JSON line
 * per event on stdout, each with `t`, the system-wide monotonic clock in ms (`process.hrtime`, the
 * same clock in every process of the machine): `ready`, `acquired` (with the stored flows found),
 * `lost` (with the reason), `connection`, `flowDone` (a flow's output). Exits when stdin closes.
 */
import { pino } from 'pino';
import { toPromise } from 'xstate';
import { createClusterNode } from '../../../src/cluster/index.js';
import { ivrMachine } from '../../../src/machines/flows/ivrMachine.js';

const [name = 'a', servers = 'nats://127.0.0.1:4222', asterisksJson = '[]', ttl = '3000'] =
  process.argv.slice(2);
const t = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;
const say = (message: object): void => {
  process.stdout.write(`${JSON.stringify({ ...message, t: t() })}\n`);
};
const node = createClusterNode({
  servers,
  node: name,
  asterisks: JSON.parse(asterisksJson),
  leaseTtlMs: Number(ttl),
  logger: pino({ level: process.env.OCTOSTATE_LOG_LEVEL ?? 'silent' }),
  runtime: { lingerMs: 200 },
});
node.handle({ exten: '500', inAgi: true }, ivrMachine);
node.bus.on('acquired', ({ asterisk, runtime, restored }) => {
  say({ type: 'acquired', asterisk, restored });
  runtime.bus.on('flow', ({ uniqueid, ref }) => {
    // A flow stopped without finishing (its call removed, or this node fenced) resolves empty.
    void toPromise(ref).then(
      (output?: { outcome?: string }) =>
        say({
          type: 'flowDone',
          asterisk,
          uniqueid,
          outcome: output?.outcome,
        }),
      () => {},
    );
  });
});
node.bus.on('leased', ({ asterisk }) => say({ type: 'leased', asterisk }));
node.bus.on('lost', ({ asterisk, reason }) => say({ type: 'lost', asterisk, reason }));
node.bus.on('connection', ({ connected }) => say({ type: 'connection', connected }));
await node.ready();
say({ type: 'ready' });
process.stdin.resume();
process.stdin.on('end', () => {
  void node.close().finally(() => process.exit(0));
});
// Event-loop lag, reported when over 500 ms: a starved process cannot renew its leases.
let tickAt = performance.now();
setInterval(() => {
  const lag = performance.now() - tickAt - 100;
  tickAt = performance.now();
  if (lag > 500) say({ type: 'lag', ms: Math.round(lag) });
}, 100).unref();
