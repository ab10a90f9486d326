/**
 * chanwatch: one statechart per channel, watched live.
 *
 * Prints each channel actor as it appears, every state change (`ringing` → `answered+bridged`...),
 * variables as they accumulate, and each hang-up with its cause; removals after the linger.
 *
 * Runs against the embedded PBX (placing a hello call, 401, and a bridged call, 402) unless
 * `ASTERISK_AMI_URL` is set (e.g. `ami://manager:secret@127.0.0.1:5038`), where it only watches.
 * `CHANWATCH_SECONDS` bounds the run (default 12 on the embedded PBX, unbounded otherwise).
 *
 *   npx tsx examples/chanwatch.ts
 */

import { createRuntime } from 'octostate';
import { startPbx } from 'octostate/pbx';

const external = process.env.ASTERISK_AMI_URL || undefined; // set but empty: the embedded PBX
const pbx = external ? undefined : await startPbx();
const url = external ?? pbx!.url.replace('ami://', 'ami://manager:secret@');
const seconds = Number(process.env.CHANWATCH_SECONDS ?? (external ? 0 : 12));

const runtime = createRuntime({ url, lingerMs: 1000 });
const started = Date.now();
const at = () => `${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s`;

runtime.bus.on('connection', ({ state }) => console.log(`${at()} connection ${state}`));
runtime.bus.on('resync', (r) => console.log(`${at()} resync: ${r.listed} up, ${r.lost} lost`));
runtime.bus.on('channel', ({ uniqueid, ref }) => {
  const { name, dialplan } = ref.getSnapshot().context;
  console.log(`${at()} + ${name} (${uniqueid}) at ${dialplan.context}/${dialplan.exten}`);
  let known: Record<string, string> = {};
  ref.subscribe({
    next: (snapshot) => {
      const variables = snapshot.context.variables;
      if (variables === known) return;
      for (const [key, value] of Object.entries(variables)) {
        if (known[key] !== value) console.log(`${at()}   ${snapshot.context.name} ${key}=${value}`);
      }
      known = variables;
    },
    error: () => {}, // reported on the bus as `error`
  });
});
runtime.bus.on('channelState', ({ name, previous, state }) =>
  console.log(`${at()}   ${name}: ${previous} -> ${state}`),
);
runtime.bus.on('bridge', ({ action, bridgeId, members }) =>
  console.log(`${at()}   bridge ${bridgeId.slice(0, 8)} ${action} [${members.join(', ')}]`),
);
runtime.bus.on('hangup', ({ output }) =>
  console.log(
    `${at()} - ${output.name} hung up: ${output.cause} ${output.causeText}${output.lost ? ' (lost)' : ''}`,
  ),
);
runtime.bus.on('removed', ({ uniqueid }) => console.log(`${at()}   (${uniqueid} removed)`));
runtime.bus.on('error', ({ error, during }) =>
  console.error(`${at()} error during ${during}:`, error),
);

await runtime.ready();
if (pbx) {
  await pbx.call({
    exten: '401',
    callerId: '"Hello" <5550401>',
    variables: { AsyncOrigId: 'chanwatch-1' },
  });
  const parked = await pbx.call({ exten: '402', callerId: '"Bridge" <5550402>' });
  setTimeout(() => pbx.hangup(parked), 4000);
}
if (seconds > 0) {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  console.log(`${at()} live channels: ${runtime.channels.all().length}`);
  await runtime.close();
  await pbx?.stop();
}
