import type { Call, Runtime } from 'octostate';
import { describe, expect, it } from 'vitest';
import { nextAmiEvent, settle } from './support/liveRig.js';
import { expectSameView, onBoth, pbxPair } from './support/parity.js';

/**
 * AGI commands that fail, on the real Asterisk and on the embedded PBX: what the application gets
 * (the typed error, its AGI code) and what Asterisk ran.
 */
const pair = pbxPair();

/** Calls 403 (the caller's half waits) and resolves with the answered AGI half. */
async function agiCall(runtime: Runtime): Promise<Call> {
  const served = new Promise<Call>((resolve) =>
    runtime.handle({ exten: '403', inAgi: true }, async (call) => {
      await call.answer();
      resolve(call);
    }),
  );
  await runtime.originate({ channel: 'Local/403@default', application: 'Wait', data: '60' });
  return served;
}

describe.skipIf(!pair.asteriskUrl)(`AGI failures on a real Asterisk (${pair.reason})`, () => {
  it('should reject an unknown command (510) and one used wrongly (520) with typed errors, and go on', async () => {
    const runs = await onBoth(pair, async ({ runtime }) => {
      const call = await agiCall(runtime);
      const unknown = await settle(call.command('NO SUCH COMMAND'));
      const usage = await call.command('SAY DIGITS').then(
        () => 'answered',
        (error) => `${error.name} ${error.code}: ${error.usage}`,
      );
      const after = await settle(call.getVariable('CHANNEL(state)'));
      await call.hangup();
      return { unknown, usage, after };
    });
    // Asterisk 22 answers 520 with the command's description.
    expect(runs.asterisk.result).toEqual({
      unknown: { error: 'AgiInvalidCommandError 510' },
      usage: expect.stringMatching(/^AgiUsageError 520: Say a given digit string/),
      after: { value: 'Up' },
    });
    expectSameView(runs);
  });

  it('should end a command cut short by a hang-up, and refuse the next one at once', async () => {
    const runs = await onBoth(pair, async ({ runtime, client }) => {
      const call = await agiCall(runtime);
      const playing = settle(call.streamFile('tt-monkeys'));
      // Hang up once Asterisk has started the command.
      await nextAmiEvent(client, 'AGIExecStart');
      await client.action('Hangup', { Channel: call.peer!.name });
      const cut = await playing;
      const next = await settle(call.streamFile('beep'));
      return { cut, next };
    });
    // Asterisk answers the command cut short (`200 result=-1`) before the session ends.
    expect(runs.asterisk.result).toEqual({
      cut: { error: 'AgiError 200' },
      next: { error: 'AgiNotInAgiError 0' },
    });
    expectSameView(runs);
  });

  it('should end the AGI session when the channel is redirected, and reject what was pending', async () => {
    const runs = await onBoth(pair, async ({ runtime, client }) => {
      const call = await agiCall(runtime);
      const waiting = settle(call.waitForDigit(20_000));
      await nextAmiEvent(client, 'AGIExecStart');
      await client.action('Redirect', {
        Channel: call.name,
        Context: 'default',
        Exten: '401',
        Priority: '1',
      });
      const pending = await waiting;
      const next = await settle(call.answer());
      const end = await call.waitForHangup();
      return { pending, next, end: `${end.cause} ${end.causeText}` };
    });
    // The pending command is answered `200 result=-1`, then the session ends; the channel goes on
    // at 401 (hello-world) and hangs up there.
    expect(runs.asterisk.result).toEqual({
      pending: { error: 'AgiError 200' },
      next: { error: 'AgiNotInAgiError 0' },
      end: '16 Normal Clearing',
    });
    expect(runs.asterisk.observation.channels['Local/403@default-#1;2']?.states).toEqual([
      'ringing',
      'ringing+inAgi',
      'answered+inAgi',
      'answered',
      'hungUp',
    ]);
    expectSameView(runs);
  });
});
