/**
 * dtmf: a call to extension 403 is answered with a beep; the caller types 5 digits, which are
 * captured from Asterisk's DTMF events and spoken back one by one; then the call is hung up.
 *
 * On the embedded PBX (default) the simulated phone alice calls 403 and types 1 2 3 4 5 after the
 * beep. With `ASTERISK_AMI_URL` it serves calls to 403 from your phones until Ctrl-C.
 *
 *   npx tsx examples/dtmf.ts
 */
import { type Call, createRuntime, type Runtime } from 'octostate';
import { demoBackend, isMain, say } from './support/backend.js';

/** What one call of the demo collected. */
export interface DtmfDemoResult {
  readonly call: Call;
  readonly digits: string;
  readonly reason: string;
}

/** Serves calls to 403: beep, capture `count` digits, say each back, hang up. */
export function serveDtmf(
  runtime: Runtime,
  onDone: (result: DtmfDemoResult) => void,
  options: { count?: number; onBeep?: (call: Call) => void } = {},
): () => void {
  const count = options.count ?? 5;
  return runtime.handle({ exten: '403', inAgi: true }, async (call) => {
    await call.answer();
    await call.streamFile('beep');
    options.onBeep?.(call);
    const { digits, reason } = await call.collectDigits({
      max: count,
      timeoutMs: 15_000,
      interDigitTimeoutMs: 5_000,
      terminator: '',
    });
    for (const digit of digits) await call.sayDigits(digit);
    await call.hangup();
    onDone({ call, digits, reason });
  });
}

if (isMain(import.meta.url)) {
  const started = Date.now();
  const backend = await demoBackend({ phones: [{ name: 'alice' }] });
  const runtime = createRuntime({ url: backend.url });
  runtime.bus.on('error', ({ error, during }) =>
    say(started, `error during ${during}: ${String(error)}`),
  );
  const done = new Promise<void>((resolve) => {
    serveDtmf(
      runtime,
      ({ call, digits, reason }) => {
        say(started, `${call.name}: collected "${digits}" (${reason}), said each back, hung up`);
        resolve();
      },
      {
        onBeep: (call) => {
          say(started, `${call.name}: beep played, waiting for 5 digits`);
          // The simulated phone types the digits (they arrive as DTMFEnd, Direction: Received).
          void backend.pbx?.sendDigits(call.name, '12345', { receive: true, durationMs: 120 });
        },
      },
    );
  });
  await runtime.ready();
  if (backend.pbx) {
    backend.pbx.phoneCall('alice', '403');
    await done;
    await runtime.close();
    await backend.stop();
  } else {
    say(
      started,
      'call extension 403 from a phone and type 5 digits after the beep; Ctrl-C to stop',
    );
    process.once('SIGINT', () => void runtime.close().then(() => process.exit(0)));
  }
}
