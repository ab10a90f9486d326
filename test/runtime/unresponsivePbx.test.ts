import { afterEach, describe, expect, it } from 'vitest';
import {
  actorsByName,
  agiCommandsStarted,
  hangUpAll,
  nextEvent,
  originateAgiCalls,
  outcome,
  type RelayedRig,
  sameActors,
  startRelayedRig,
  until,
  whileAdvancing,
} from './relayedRig.js';

/**
 * A PBX that stops answering, or answers slowly, under calls in AGI: the runtime's keepalive tells
 * a dead PBX from a slow one, what it holds meanwhile is bounded, and the calls come through.
 */
let rig: RelayedRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The runtime's `connection` states, in order, from now on. */
function connectionStates(current: RelayedRig): string[] {
  const states: string[] = [];
  current.runtime.bus.on('connection', ({ state }) => states.push(state));
  return states;
}

describe('a PBX that stops answering', () => {
  it('should be declared dead by the keepalive, hold at most maxWaitingActions, and recover every call', async () => {
    rig = await startRelayedRig({
      keepaliveIntervalMs: 100,
      keepaliveTimeoutMs: 1000,
      connectTimeoutMs: 1000,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
      maxWaitingActions: 5,
    });
    const current = rig;
    const calls = await originateAgiCalls(current, 3);
    const actors = actorsByName(current);
    const commands = calls.map((call) => outcome(call.command('EXEC Wait 5', { timeoutMs: 5000 })));
    await agiCommandsStarted(
      current,
      calls.map((call) => call.name),
    );
    const states = connectionStates(current);
    const silentFrom = Date.now();
    current.relay.downstream({ mode: 'hold' });
    await nextEvent(current.runtime, 'connection', ({ state }) => state === 'reconnecting');
    const detectedAfterMs = Date.now() - silentFrom;
    expect(await Promise.all(commands)).toEqual(calls.map(() => 'AgiSessionEndedError'));

    // Still silent: each new connection gets no banner and is given up after connectTimeoutMs.
    const accepted = current.relay.accepted;
    await until(
      () => current.relay.accepted >= accepted + 2,
      () => 'two more connection attempts',
    );
    const waiting = Array.from({ length: 5 }, () =>
      outcome(current.client.action('Ping', {}, { timeoutMs: 30_000 })),
    );
    const refused = await outcome(current.client.action('Ping'));
    const heldWhileSilent = current.client.pendingActions;

    const resynced = nextEvent(current.runtime, 'resync');
    current.relay.downstream({ mode: 'pass' });
    const report = await resynced;
    expect({
      // Due after one interval and one timeout (1.1 s); generous for a loaded machine.
      detectedWithinBound: detectedAfterMs < 10_000,
      refused,
      heldWhileSilent,
      waiting: await Promise.all(waiting),
      report,
      actorsKept: sameActors(current, actors),
      inAgi: calls.map((call) => call.inAgi),
      states: states.at(-1),
    }).toEqual({
      detectedWithinBound: true,
      refused: 'AmiConnectionClosedError',
      heldWhileSilent: 5,
      waiting: Array.from({ length: 5 }, () => 'ok'),
      report: { listed: 6, created: 0, lost: 0 },
      actorsKept: true,
      inAgi: [true, true, true],
      states: 'connected',
    });
    // The orphaned Waits end, then the calls take commands again.
    await current.clock.advance(5000);
    const values = await whileAdvancing(
      current.clock,
      Promise.all(calls.map(async (call) => (await call.getVariable('CHANNEL')) ?? '')),
    );
    expect(values).toEqual(calls.map((call) => call.name));
    await hangUpAll(current);
    expect(current.unhandled).toEqual([]);
  });
});

describe('a PBX that answers slowly', () => {
  it('should keep the connection while answers come within keepaliveTimeoutMs, and count a slower PBX as dead', async () => {
    rig = await startRelayedRig({
      keepaliveIntervalMs: 100,
      keepaliveTimeoutMs: 3000,
      connectTimeoutMs: 10_000,
    });
    const current = rig;
    const calls = await originateAgiCalls(current, 3);
    const actors = actorsByName(current);
    const states = connectionStates(current);
    // Every byte from the PBX comes 200 ms late: slow, but well within the keepalive's 3 s.
    current.relay.downstream({ mode: 'delay', delayMs: 200 });
    const started = Date.now();
    for (let round = 0; round < 5; round++) {
      const values = await whileAdvancing(
        current.clock,
        Promise.all(
          calls.map(async (call) => {
            await call.setVariable('ROUND', String(round));
            return (await call.getVariable('ROUND')) ?? '';
          }),
        ),
        { stepMs: 100, maxMs: 60_000 },
      );
      expect(values).toEqual(calls.map(() => String(round)));
    }
    // Two answers per round, each at least 200 ms late.
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 2 * 200);
    expect(states).toEqual([]);

    // Slower than the keepalive allows: the PBX counts as dead and the runtime reconnects.
    current.relay.downstream({ mode: 'delay', delayMs: 4000 });
    await nextEvent(current.runtime, 'connection', ({ state }) => state === 'reconnecting');
    const resynced = nextEvent(current.runtime, 'resync');
    current.relay.downstream({ mode: 'pass' });
    expect(await resynced).toEqual({ listed: 6, created: 0, lost: 0 });
    expect(states.at(-1)).toBe('connected');
    expect(sameActors(current, actors)).toBe(true);
    await hangUpAll(current);
    expect(current.unhandled).toEqual([]);
  });
});
