/**
 * dtmf-inject: an external process names an extension and a digit over HTTP; if a call is live at
 * that extension, the digit is played into it (`PlayDTMF`) and the call hears it.
 *
 * The call side: every call to 403 is answered, then each digit it receives (DTMF events) is spoken
 * back with AGI `SAY DIGITS`, until `#`. The HTTP side: `POST /dtmf` on 127.0.0.1 with a bearer
 * token (`DTMF_TOKEN`, or a random one printed at start).
 *
 * On the embedded PBX (default) alice calls 403 and the demo itself plays the external process:
 * it injects 4, 2 and # and shows a refused request for an extension with no call.
 * With `ASTERISK_AMI_URL` it serves until Ctrl-C; inject with
 *   curl -H "Authorization: Bearer $DTMF_TOKEN" -d '{"extension":"403","digit":"5"}' <url>
 *
 *   npx tsx examples/dtmf-inject.ts
 */
import { randomBytes } from 'node:crypto';
import { type Call, createRuntime, type Runtime, startDtmfInjectionServer } from 'octostate';
import { demoBackend, isMain, say } from './support/backend.js';

/** Serves calls to 403: answer, then say back every digit received until `#`, then hang up. */
export function serveEcho(
  runtime: Runtime,
  events: { onReady?: (call: Call) => void; onDigit?: (call: Call, digit: string) => void } = {},
): () => void {
  return runtime.handle({ exten: '403', inAgi: true }, async (call) => {
    // Listen before answering: a digit injected while a prompt plays must not be lost.
    const digits = call.digits();
    await call.answer();
    events.onReady?.(call);
    for await (const digit of digits) {
      if (digit === '#') break;
      events.onDigit?.(call, digit);
      // SAY DIGITS needs a string that starts with a number (Asterisk answers 520 to `SAY DIGITS *`).
      if (/^\d/.test(digit)) await call.sayDigits(digit);
      else await call.streamFile(digit === '*' ? 'digits/star' : `letters/${digit.toLowerCase()}`);
    }
    await call.hangup();
  });
}

/** POSTs one injection request, as the external process would. */
export async function inject(url: string, token: string, body: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

if (isMain(import.meta.url)) {
  const started = Date.now();
  const token = process.env.DTMF_TOKEN ?? randomBytes(18).toString('base64url');
  const backend = await demoBackend({ phones: [{ name: 'alice' }] });
  const runtime = createRuntime({ url: backend.url });
  const http = await startDtmfInjectionServer({ runtime, token });
  say(
    started,
    `injection endpoint: POST ${http.url} (Authorization: Bearer ${process.env.DTMF_TOKEN ? '$DTMF_TOKEN' : token})`,
  );
  const ready = new Promise<Call>((resolve) => {
    serveEcho(runtime, {
      onReady: resolve,
      onDigit: (call, digit) => say(started, `${call.name} heard ${digit}, says it back`),
    });
  });
  await runtime.ready();
  if (backend.pbx) {
    backend.pbx.phoneCall('alice', '403');
    const call = await ready;
    say(started, `${call.name} is up at 403`);
    for (const digit of ['4', '2']) {
      const result = await inject(http.url, token, { extension: '403', digit });
      say(started, `inject ${digit} into 403 -> ${result.status} ${JSON.stringify(result.body)}`);
      await new Promise((r) => setTimeout(r, 1500));
    }
    const refused = await inject(http.url, token, { extension: '499', digit: '1' });
    say(started, `inject 1 into 499 -> ${refused.status} ${JSON.stringify(refused.body)}`);
    await inject(http.url, token, { extension: '403', digit: '#' });
    const end = await call.waitForHangup();
    say(started, `${end.name} hung up after #`);
    await http.close();
    await runtime.close();
    await backend.stop();
  } else {
    process.once(
      'SIGINT',
      () => void Promise.all([http.close(), runtime.close()]).then(() => process.exit(0)),
    );
  }
}
