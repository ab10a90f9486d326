/**
 * orighello: originate a call straight into AsyncAGI; when the callee answers, it hears
 * hello-world and the call is hung up.
 *
 * On the embedded PBX (default) it calls the simulated phone alice (`PJSIP/alice`), which answers
 * after a ring. With `ASTERISK_AMI_URL`, set `ORIGHELLO_CHANNEL` to a phone of yours
 * (default `PJSIP/alice`).
 *
 *   npx tsx examples/orighello.ts
 */
import { type Call, createRuntime, type Runtime } from 'octostate';
import { demoBackend, isMain, say } from './support/backend.js';

/** Originates to `channel` into AsyncAGI, plays hello-world, hangs up; resolves with the call. */
export async function origHello(runtime: Runtime, channel: string): Promise<Call> {
  const call = await runtime.originateToAgi({
    channel,
    callerId: '"octostate" <1000>',
    timeoutMs: 30_000,
  });
  await call.streamFile('hello-world');
  await call.hangup();
  return call;
}

if (isMain(import.meta.url)) {
  const started = Date.now();
  const backend = await demoBackend({ phones: [{ name: 'alice', ringMs: 1000 }] });
  const runtime = createRuntime({ url: backend.url });
  await runtime.ready();
  const channel = process.env.ORIGHELLO_CHANNEL ?? 'PJSIP/alice';
  say(started, `originating ${channel} into AGI(agi:async)`);
  try {
    const call = await origHello(runtime, channel);
    say(started, `${call.name} answered, heard hello-world, hung up`);
    const end = await call.waitForHangup();
    say(started, `${end.name} hung up: ${end.causeText} (${end.cause})`);
  } catch (error) {
    say(started, `originate failed: ${String(error)}`);
    process.exitCode = 1;
  }
  await runtime.close();
  await backend.stop();
}
