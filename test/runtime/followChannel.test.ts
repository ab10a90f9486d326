import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { startPbx } from '../../src/pbx/index.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';

/**
 * A call already in AsyncAGI when the runtime connects is found at resync and offered to the
 * handlers outside its channel actor's own processing: its call logic starts once, and the IVR
 * answers it once (starting it made the channel's snapshot change before the offer returned).
 */
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('should start the call logic of a channel found in AGI at resync once', async () => {
  const pbx = await startPbx({ port: 0, phones: [{ name: 'alice' }] });
  cleanups.push(() => pbx.stop());
  const commands: string[] = [];
  const unsubscribe = pbx.pbx.subscribe(({ name, fields }) => {
    if (name === 'AGIExecStart') commands.push(fields.find(([k]) => k === 'Command')?.[1] ?? '');
  });
  cleanups.push(async () => unsubscribe());
  pbx.phoneCall('alice', '500');
  const runtime = createRuntime({
    url: pbx.url.replace('ami://', 'ami://manager:secret@'),
    logger: pino({ level: 'silent' }),
  });
  cleanups.push(() => runtime.close());
  const flows: string[] = [];
  runtime.bus.on('flow', ({ uniqueid }) => flows.push(uniqueid));
  runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
  await runtime.ready();
  for (let waited = 0; !commands.some((c) => c.startsWith('GET DATA')); waited += 20) {
    if (waited > 10_000) throw new Error(`no passcode asked: ${commands.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(flows).toHaveLength(1);
  expect(commands.filter((c) => c === 'ANSWER')).toHaveLength(1);
  expect(runtime.stats().flows).toBe(1);
});
