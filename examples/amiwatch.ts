/**
 * amiwatch: the raw AMI event stream next to what the runtime makes of it.
 *
 * Every AMI event is printed on one line (name, channel, the fields that matter), and each one that
 * reaches a channel actor is followed by that channel's state label, so you can see which events
 * move the statecharts. Ends with a summary of event counts.
 *
 * Runs against the embedded PBX (placing an AsyncAGI-free hello call, 401) unless
 * `ASTERISK_AMI_URL` is set, where it only watches. `AMIWATCH_SECONDS` bounds the run (default 8 on
 * the embedded PBX, unbounded otherwise).
 *
 *   npx tsx examples/amiwatch.ts
 */

import { createRuntime, describeChannel } from 'octostate';
import { AmiConnection } from 'octostate/connection';
import { startPbx } from 'octostate/pbx';

const external = process.env.ASTERISK_AMI_URL || undefined; // set but empty: the embedded PBX
const pbx = external ? undefined : await startPbx();
const url = external ?? pbx!.url.replace('ami://', 'ami://manager:secret@');
const seconds = Number(process.env.AMIWATCH_SECONDS ?? (external ? 0 : 8));

// Our own connection, so that we can listen to its raw events too; the runtime does not close it.
const connection = AmiConnection.fromUrl(url);
const runtime = createRuntime({ client: connection });
const counts = new Map<string, number>();
const INTERESTING = [
  'ChannelState',
  'Exten',
  'Application',
  'Variable',
  'Value',
  'Cause',
  'DialStatus',
];

connection.bus.on('event', (event) => {
  counts.set(event.name, (counts.get(event.name) ?? 0) + 1);
  const fields = INTERESTING.flatMap((key) => {
    const value = event.get(key);
    return value === undefined || value === '' ? [] : [`${key}=${value}`];
  });
  const uniqueid = event.get('Uniqueid');
  // The runtime routed the event before this listener ran (it subscribed first): show the result.
  const ref = uniqueid ? runtime.channels.get(uniqueid) : undefined;
  const state = ref ? ` -> ${describeChannel(ref.getSnapshot())}` : '';
  console.log(
    `${event.name.padEnd(18)} ${(event.get('Channel') ?? '').padEnd(32)} ${fields.join(' ')}${state}`,
  );
});
runtime.bus.on('connection', ({ state }) => console.log(`-- connection ${state}`));

await connection.connect();
await runtime.ready();
if (pbx) await pbx.call({ exten: '401', callerId: '"Hello" <5550401>' });
if (seconds > 0) {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  console.log('-- events seen:');
  for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1])) {
    console.log(`   ${String(count).padStart(5)} ${name}`);
  }
  await runtime.close();
  await connection.close();
  await pbx?.stop();
}
