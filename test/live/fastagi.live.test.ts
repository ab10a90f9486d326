import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type AnyActorRef, toPromise } from 'xstate';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import { type IvrOutput, ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';
import { driverTarget, runFastAgiScenario } from '../fastagi/scenarioDriver.js';
import { FASTAGI_SCENARIOS } from '../fastagi/scenarios.js';
import {
  agiChannelEvents,
  fastAgiTranscript,
  readFastAgiTrace,
  received,
} from '../fastagi/transcript.js';
import { liveTarget } from './liveTarget.js';

/**
 * FastAGI against a real Asterisk running `asterisk-etc/`: the IVR on extension 501
 * (`AGI(agi://${FASTAGI_HOST}:${FASTAGI_PORT}/ivr)`) served by a runtime's FastAGI server, and the
 * recorded FastAGI scenarios replayed, which must still give what the recordings hold.
 */
const { url, reason } = liveTarget();
const silent = pino({ level: 'silent' });

describe.skipIf(!url)(`FastAGI on a real Asterisk (${reason})`, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('should run ivrMachine on 501 over FastAGI: passcode, key 2, goodbye, nothing left', async () => {
    const runtime: Runtime = createRuntime({
      url: url!,
      logger: silent,
      lingerMs: 200,
      fastAgi: { port: 0 },
    });
    cleanups.push(() => runtime.close());
    await runtime.ready();
    const watcher = AmiConnection.fromUrl(url!, { logger: silent, reconnect: false });
    cleanups.push(() => watcher.close());
    await watcher.connect();
    await watcher.action('Setvar', { Variable: 'FASTAGI_PORT', Value: runtime.fastAgi!.port });
    runtime.handle({ agiScript: 'ivr' }, ivrMachine);
    const commands: string[] = [];
    let flow: AnyActorRef | undefined;
    // The caller presses its keys once the prompt waiting for them has started.
    watcher.bus.on('AGIExecStart', (event) => {
      const channel = event.get('Channel') ?? '';
      if (!/^Local\/501@default-[0-9a-f]{8};2$/.test(channel)) return;
      const command = event.get('Command') ?? '';
      commands.push(command);
      const uniqueid = event.get('Uniqueid') ?? '';
      flow ??= runtime.flow(uniqueid);
      if (command.startsWith('GET DATA')) void press('12345#');
      if (command.startsWith('STREAM FILE digits/1')) void press('2');
    });
    const press = async (digits: string) => {
      for (const digit of digits) {
        await runtime.injectDtmf({ exten: '501', digit }).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const origin = await runtime.originate({
      channel: 'Local/501@default',
      application: 'Wait',
      data: '60',
    });
    await eventually(() => flow !== undefined, 15_000);
    const output = (await toPromise(flow!)) as IvrOutput;
    expect(output).toMatchObject({
      outcome: 'goodbye',
      passcode: { granted: true, attempts: 1 },
      menu: { choice: '2' },
    });
    // The watcher is another AMI session: a Ping answered on it comes after the events sent before.
    await watcher.action('Ping');
    expect(commands).toEqual([
      'ANSWER',
      'GET DATA agent-pass 5000 16',
      'STREAM FILE vm-press 12',
      'STREAM FILE digits/1 12',
      'STREAM FILE vm-goodbye ""',
      'HANGUP',
    ]);
    await origin.waitForHangup();
    await eventually(
      () => runtime.stats().fastAgiSessions === 0 && runtime.stats().flows === 0,
      15_000,
    );
  }, 60_000);

  for (const scenario of FASTAGI_SCENARIOS) {
    it(`should still answer ${scenario.name} as recorded`, async () => {
      const capture = await runFastAgiScenario(driverTarget(url!), scenario);
      expect(fastAgiTranscript(received(capture.agi))).toEqual(
        fastAgiTranscript(readFastAgiTrace(scenario.name, 'fastagi')),
      );
      expect(agiChannelEvents(received(capture.ami))).toEqual(
        agiChannelEvents(readFastAgiTrace(scenario.name, 'ami')),
      );
    }, 30_000);
  }
});

async function eventually(probe: () => boolean, timeoutMs: number): Promise<void> {
  for (let waited = 0; !probe(); waited += 50) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
