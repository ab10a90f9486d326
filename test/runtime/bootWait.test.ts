import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { OriginateError } from '../../src/calls/errors.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';
import { FakeAmiClient } from '../actors/fakeAmiClient.js';

/** Lets promise callbacks run (the fake client answers at once, on the microtask queue). */
async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function setup() {
  const client = new FakeAmiClient();
  const clock = new SimulatedClock();
  const runtime = createRuntime({ client, clock, logger: pino({ level: 'silent' }) });
  const sent = () => client.sent.map((action) => action.name);
  const originate = () => {
    const outcome = runtime.originate({
      channel: 'Local/401@default',
      application: 'Wait',
      data: '5',
    });
    // No OriginateResponse comes from the fake: the outcome is settled by close().
    return outcome.then(
      () => 'answered',
      (error: Error) => error.name,
    );
  };
  const booted = () =>
    client.event([
      ['Event', 'FullyBooted'],
      ['Privilege', 'system,all'],
      ['Status', 'Fully Booted'],
    ]);
  return { client, clock, runtime, sent, originate, booted };
}

/**
 * After a restart Asterisk takes logins before its core is up and answers an Originate then with
 * Reason 0, a failure that says nothing of the cause. The runtime waits for `FullyBooted` (at
 * most `bootWaitMs`) before it resyncs: the application's originates wait with it.
 */
describe('originates issued while the runtime waits for FullyBooted', () => {
  it('should be sent once Asterisk says FullyBooted, and counted as waiting until then', async () => {
    const { client, runtime, sent, originate, booted } = setup();
    client.connect('Asterisk Call Manager/11.0.0', false);
    expect(runtime.supervisor.getSnapshot().matches({ session: 'booting' })).toBe(true);
    const outcomes = [originate(), originate()];
    await settleMicrotasks();
    expect({ sent: sent(), originates: runtime.stats().originates }).toEqual({
      sent: [],
      originates: 2,
    });
    booted();
    await settleMicrotasks();
    expect(sent().filter((name) => name === 'Originate')).toHaveLength(2);
    expect(sent()).toContain('CoreShowChannels');
    await runtime.close();
    expect(await Promise.all(outcomes)).toEqual([OriginateError.name, OriginateError.name]);
    expect(runtime.stats().originates).toBe(0);
  });

  it('should be sent after bootWaitMs when FullyBooted never comes', async () => {
    const { client, clock, runtime, sent, originate } = setup();
    client.connect('Asterisk Call Manager/11.0.0', false);
    const outcome = originate();
    clock.increment(2999);
    await settleMicrotasks();
    expect(sent()).toEqual([]);
    clock.increment(1);
    await settleMicrotasks();
    expect(sent()).toContain('Originate');
    await runtime.close();
    expect(await outcome).toBe(OriginateError.name);
  });

  it('should be sent at once on a booted session, and left to the connection when it drops while booting', async () => {
    const { client, runtime, sent, originate, booted } = setup();
    client.connect('Asterisk Call Manager/11.0.0', false);
    booted();
    await settleMicrotasks();
    const onLive = originate();
    await settleMicrotasks();
    expect(sent().filter((name) => name === 'Originate')).toHaveLength(1);
    // A new session that drops while booting: the connection's own policy (wait or reject) applies.
    client.drop();
    client.connect('Asterisk Call Manager/11.0.0', false);
    const whileBooting = originate();
    await settleMicrotasks();
    expect(sent().filter((name) => name === 'Originate')).toHaveLength(1);
    client.drop();
    await settleMicrotasks();
    expect(sent().filter((name) => name === 'Originate')).toHaveLength(2);
    await runtime.close();
    expect(await Promise.all([onLive, whileBooting])).toEqual([
      OriginateError.name,
      OriginateError.name,
    ]);
  });
});
