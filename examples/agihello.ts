/**
 * agihello: every call that reaches extension 403 (`AGI(agi:async)`) is answered, hears
 * hello-world, and is hung up, all over the one AMI connection.
 *
 * The call logic is a statechart (`helloMachine`) whose states invoke AGI services; the runtime
 * runs one actor of it per matching call and stops it when the call is gone.
 *
 * On the embedded PBX (default) a simulated phone, alice, calls 403 once and the demo ends when
 * that call is over. With `ASTERISK_AMI_URL` it serves every call to 403 until Ctrl-C.
 *
 *   npx tsx examples/agihello.ts
 */
import { createRuntime, helloMachine, type Runtime } from 'octostate';
import { demoBackend, isMain, say } from './support/backend.js';

/** Runs `helloMachine` for every call that reaches 403 in AsyncAGI; returns the unregister function. */
export function serveAgiHello(runtime: Runtime): () => void {
  return runtime.handle({ exten: '403', inAgi: true }, helloMachine);
}

if (isMain(import.meta.url)) {
  const started = Date.now();
  const backend = await demoBackend({ phones: [{ name: 'alice', callerIdName: 'Alice' }] });
  const runtime = createRuntime({ url: backend.url });
  runtime.bus.on('error', ({ error, during }) =>
    say(started, `error during ${during}: ${String(error)}`),
  );
  runtime.bus.on('channelState', ({ name, state }) => say(started, `${name} is ${state}`));
  serveAgiHello(runtime);
  await runtime.ready();
  say(started, `connected to ${backend.pbx ? 'the embedded PBX' : 'Asterisk'}`);
  if (backend.pbx) {
    const phone = backend.pbx.phoneCall('alice', '403');
    await new Promise<void>((resolve) =>
      runtime.bus.on('hangup', ({ output }) => {
        if (output.name !== phone) return;
        say(started, `${output.name} hung up: ${output.causeText} (${output.cause})`);
        resolve();
      }),
    );
    await runtime.close();
    await backend.stop();
  } else {
    say(started, 'call extension 403 from a phone; Ctrl-C to stop');
    process.once('SIGINT', () => void runtime.close().then(() => process.exit(0)));
  }
}
