/**
 * agihello: every call that reaches extension 403 (`AGI(agi:async)`) is answered, hears
 * hello-world, and is hung up, all over the one AMI connection.
 *
 * On the embedded PBX (default) a simulated phone, alice, calls 403 once and the demo ends when
 * that call is over. With `ASTERISK_AMI_URL` it serves every call to 403 until Ctrl-C.
 *
 *   npx tsx examples/agihello.ts
 */
import type { Call } from '../src/runtime/Call.js';
import { createRuntime, type Runtime } from '../src/runtime/createRuntime.js';
import { demoBackend, isMain, say } from './support/backend.js';

/** Registers the hello handler on extension 403; returns the function that unregisters it. */
export function serveAgiHello(runtime: Runtime, onCall?: (call: Call) => void): () => void {
  return runtime.handle({ exten: '403', inAgi: true }, async (call) => {
    onCall?.(call);
    await call.answer();
    await call.streamFile('hello-world');
    await call.hangup();
  });
}

if (isMain(import.meta.url)) {
  const started = Date.now();
  const backend = await demoBackend({ phones: [{ name: 'alice', callerIdName: 'Alice' }] });
  const runtime = createRuntime({ url: backend.url });
  runtime.bus.on('error', ({ error, during }) =>
    say(started, `error during ${during}: ${String(error)}`),
  );
  const finished = new Promise<void>((resolve) => {
    serveAgiHello(runtime, (call) => {
      say(started, `${call.name} reached 403 in AsyncAGI: ANSWER, STREAM FILE hello-world, HANGUP`);
      call.waitForHangup().then((end) => {
        say(started, `${end.name} hung up: ${end.causeText} (${end.cause})`);
        resolve();
      });
    });
  });
  await runtime.ready();
  say(started, `connected to ${backend.pbx ? 'the embedded PBX' : 'Asterisk'}`);
  if (backend.pbx) {
    backend.pbx.phoneCall('alice', '403');
    await finished;
    await runtime.close();
    await backend.stop();
  } else {
    say(started, 'call extension 403 from a phone; Ctrl-C to stop');
    process.once('SIGINT', () => void runtime.close().then(() => process.exit(0)));
  }
}
