import type { Call } from 'octostate';
import { expect } from 'vitest';
import {
  actorsByName,
  agiCommandsStarted,
  hangUpAll,
  holdings,
  nextEvent,
  originateAgiCalls,
  outcome,
  type RelayedRig,
  sameActors,
  startRelayedRig,
  whileAdvancing,
} from './relayedRig.js';

/** What one cut did to what was pending, by kind (`ok` or the error's class), over every round. */
export interface CutOutcomes {
  /** AGI commands running on the PBX when the socket was cut. */
  agiCommands: Record<string, number>;
  /** A `UserEvent` on the wire (not read-only: never resent). */
  userEvents: Record<string, number>;
  /** A `Ping` on the wire (read-only: resent once logged in again). */
  pings: Record<string, number>;
  /** A `runtime.originate` whose Originate was on the wire. */
  originates: Record<string, number>;
}

/** What {@link cutUnderCalls} measured. */
export interface CutReport {
  readonly outcomes: CutOutcomes;
  /** Distinct resync reports (`listed/created/lost`), with how many rounds gave each. */
  readonly resyncs: Record<string, number>;
  /** Rounds after which every channel still up had the very actor it had before the cut. */
  readonly actorsKept: number;
  /** Rounds after which every AGI channel's actor was still in AGI. */
  readonly stillInAgi: number;
  /** Connections the runtime opened through the relay (one first, then one per cut). */
  readonly connections: number;
  /** `GET VARIABLE` on every call after the last cut, back to what `SET VARIABLE` set. */
  readonly commandsAfterwards: string[];
  /** What the runtime and its connection hold once every call has ended, against before. */
  readonly leftBehind: Record<string, { before: number; after: number }>;
  readonly unhandledRejections: number;
}

/**
 * `calls` calls in AsyncAGI through a real runtime over TCP to an embedded PBX on fake time, behind
 * a relay that cuts the connection `rounds` times. Each round: every call has an `EXEC Wait 5`
 * running on the PBX (its `AGIExecStart` seen), a `UserEvent`, a `Ping` and an originate are on the
 * wire, the relay cuts both sockets; the runtime reconnects (the relay lets it back in at once) and
 * resynchronises; the PBX's clock then ends the orphaned commands. Counts every outcome.
 */
export async function cutUnderCalls(options: {
  rounds: number;
  calls: number;
}): Promise<CutReport> {
  const rig = await startRelayedRig();
  try {
    const before = holdings(rig);
    const calls = await originateAgiCalls(rig, options.calls);
    const report = await runRounds(rig, calls, options.rounds);
    const commandsAfterwards = await whileAdvancing(
      rig.clock,
      Promise.all(
        calls.map(async (call, index) => {
          await call.setVariable('ROUND', String(index));
          return (await call.getVariable('ROUND')) ?? '';
        }),
      ),
    );
    await hangUpAll(rig);
    const after = holdings(rig);
    const leftBehind = Object.fromEntries(
      Object.entries(after).map(([key, value]) => [
        key,
        { before: before[key] ?? 0, after: value },
      ]),
    );
    return {
      ...report,
      connections: rig.relay.accepted,
      commandsAfterwards,
      leftBehind,
      unhandledRejections: rig.unhandled.length,
    };
  } finally {
    await rig.close();
  }
}

async function runRounds(rig: RelayedRig, calls: readonly Call[], rounds: number) {
  const { client, runtime, relay } = rig;
  const outcomes: CutOutcomes = { agiCommands: {}, userEvents: {}, pings: {}, originates: {} };
  const resyncs: Record<string, number> = {};
  let actorsKept = 0;
  let stillInAgi = 0;
  for (let round = 0; round < rounds; round++) {
    const actors = actorsByName(rig);
    // Bounded well below the test's own timeout, so that a command nobody fails shows as AgiError.
    const commands = calls.map((call) => outcome(call.command('EXEC Wait 5', { timeoutMs: 5000 })));
    await agiCommandsStarted(
      rig,
      calls.map((call) => call.name),
    );
    const resynced = nextEvent(runtime, 'resync');
    // All issued in one tick and cut in the same tick: on the wire, never answered.
    const userEvent = outcome(client.action('UserEvent', { UserEvent: `cut-${round}` }));
    const ping = outcome(client.action('Ping'));
    const originate = outcome(
      runtime.originate({ channel: 'Local/park@default', application: 'Wait', data: '1' }),
    );
    relay.cut();
    count(outcomes.agiCommands, await Promise.all(commands));
    count(outcomes.userEvents, [await userEvent]);
    count(outcomes.pings, [await ping]);
    count(outcomes.originates, [await originate]);
    const report = await resynced;
    const key = `${report.listed}/${report.created}/${report.lost}`;
    resyncs[key] = (resyncs[key] ?? 0) + 1;
    if (sameActors(rig, actors)) actorsKept += 1;
    if (calls.every((call) => call.inAgi)) stillInAgi += 1;
    // The orphaned Waits end; their AsyncAGIExec reach the new session with CommandIDs nobody waits for.
    await rig.clock.advance(5000);
  }
  return { outcomes, resyncs, actorsKept, stillInAgi };
}

function count(into: Record<string, number>, outcomes: readonly string[]): void {
  for (const result of outcomes) into[result] = (into[result] ?? 0) + 1;
}

/** Asserts what {@link cutUnderCalls} must report after `rounds` cuts under `calls` calls. */
export function expectSurvived(report: CutReport, rounds: number, calls: number): void {
  const { leftBehind, ...rest } = report;
  expect(rest).toEqual({
    outcomes: {
      agiCommands: { AgiSessionEndedError: rounds * calls },
      userEvents: { AmiConnectionClosedError: rounds },
      pings: { ok: rounds },
      originates: { OriginateError: rounds },
    },
    resyncs: { [`${2 * calls}/0/0`]: rounds },
    actorsKept: rounds,
    stillInAgi: rounds,
    connections: rounds + 1,
    commandsAfterwards: Array.from({ length: calls }, (_, index) => String(index)),
    unhandledRejections: 0,
  });
  const { timers, ...counted } = leftBehind;
  for (const [what, { before, after }] of Object.entries(counted)) {
    expect({ what, after }).toEqual({ what, after: before });
  }
  // Node's own timer list: what the runtime holds idle, at most (a leak per cut would show).
  expect(timers?.after).toBeLessThanOrEqual(timers?.before ?? 0);
}
