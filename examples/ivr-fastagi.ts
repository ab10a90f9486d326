/**
 * ivr-fastagi: the same IVR as examples/ivr.ts (`ivrMachine`: passcode 12345, then 1 connects to the
 * agent, 2 hangs up), served over FastAGI: extension 501 runs
 * `AGI(agi://${FASTAGI_HOST}:${FASTAGI_PORT}/ivr)`, Asterisk connects to the runtime's FastAGI
 * server, and the handler registered for script `ivr` gets the call. Each IVR step is printed.
 *
 * On the embedded PBX (default) the simulated phone alice calls 501, types 12345# and presses 2.
 * It gives up after `IVR_SECONDS` (default 30). With `ASTERISK_AMI_URL` it serves every call to 501
 * until Ctrl-C. The FastAGI server listens on
 * 127.0.0.1:`FASTAGI_PORT` (default: any free port); the demo points the dialplan's global
 * `FASTAGI_PORT` at it with the AMI `Setvar` action.
 *
 *   npx tsx examples/ivr-fastagi.ts
 */

import { createRuntime, type IvrOutput, ivrMachine } from 'octostate';
import { AmiConnection } from 'octostate/connection';
import { demoBackend, isMain, say } from './support/backend.js';

if (isMain(import.meta.url)) {
  const started = Date.now();
  const backend = await demoBackend({ phones: [{ name: 'alice', callerIdName: 'Alice' }] });
  const client = AmiConnection.fromUrl(backend.url);
  const runtime = createRuntime({
    client,
    fastAgi: { port: Number(process.env.FASTAGI_PORT ?? 0) },
  });
  runtime.handle({ agiScript: 'ivr' }, ivrMachine);
  runtime.bus.on('error', ({ error, during }) =>
    say(started, `error during ${during}: ${String(error)}`),
  );
  const done = new Promise<IvrOutput>((resolve) =>
    runtime.bus.on('flow', ({ uniqueid, ref }) => {
      const name = runtime.call(uniqueid)?.name ?? uniqueid;
      say(started, `${name}: FastAGI call, IVR started`);
      let last = '';
      const report = (snapshot: ReturnType<typeof ref.getSnapshot>): void => {
        const state = String(snapshot.value);
        if (state !== last) say(started, `ivr ${name}: ${state}`);
        last = state;
        if (snapshot.status === 'done') resolve(snapshot.output as IvrOutput);
      };
      report(ref.getSnapshot());
      ref.subscribe(report);
    }),
  );
  await client.connect();
  await runtime.ready();
  await client.action('Setvar', { Variable: 'FASTAGI_PORT', Value: runtime.fastAgi!.port });
  say(started, `FastAGI server on ${runtime.fastAgi!.host}:${runtime.fastAgi!.port}`);
  const pbx = backend.pbx;
  if (pbx) {
    const seconds = Number(process.env.IVR_SECONDS ?? 30);
    const giveUp = setTimeout(() => {
      say(started, `gave up after ${seconds} s`);
      process.exit(1);
    }, seconds * 1000);
    // The phone types when the prompt waiting for its keys starts (AGIExecStart on the AMI bus).
    client.bus.on('AGIExecStart', (event) => {
      const command = event.get('Command') ?? '';
      const channel = event.get('Channel') ?? '';
      const keys = command.startsWith('GET DATA')
        ? '12345#'
        : command.startsWith('STREAM FILE digits/1')
          ? '2'
          : '';
      if (!keys) return;
      say(started, `alice types ${keys}`);
      void pbx.sendDigits(channel, keys, { receive: true });
    });
    const phone = pbx.phoneCall('alice', '501');
    say(started, `${phone} calls 501`);
    const output = await done;
    say(started, `IVR over FastAGI: ${output.outcome}`);
    clearTimeout(giveUp);
    await runtime.close();
    await client.close();
    await backend.stop();
  } else {
    say(started, 'call extension 501 from a phone (passcode 12345#, then 1 or 2); Ctrl-C to stop');
    process.once(
      'SIGINT',
      () =>
        void runtime
          .close()
          .then(() => client.close())
          .then(() => process.exit(0)),
    );
  }
}
