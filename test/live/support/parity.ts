import type { ReconnectOptions } from 'octostate/connection';
import { type PbxHandle, startPbx } from 'octostate/pbx';
import { afterAll, beforeAll, expect } from 'vitest';
import { liveTarget } from '../liveTarget.js';
import { hangUpEverything, type LiveRig, type PbxKind, startRig } from './liveRig.js';
import type { Observation } from './observation.js';

/** The two PBXs a parity test runs on: the real Asterisk of the run and an embedded PBX. */
export interface PbxPair {
  /** The real Asterisk's AMI URL, or undefined when the live suite skips. */
  readonly asteriskUrl: string | undefined;
  /** Why the suite runs or skips. */
  readonly reason: string;
  /** The embedded PBX's AMI URL (with credentials), once `beforeAll` ran. */
  embeddedUrl(): string;
  urlOf(pbx: PbxKind): string;
}

/**
 * Declares, for the calling test file, the real Asterisk of the run and an embedded PBX in real
 * time (started before the file's tests, stopped after them), both running `asterisk-etc/`.
 */
export function pbxPair(): PbxPair {
  const { url, reason } = liveTarget();
  let embedded: PbxHandle | undefined;
  beforeAll(async () => {
    if (url) embedded = await startPbx({ port: 0 });
  });
  afterAll(async () => {
    await embedded?.stop();
  });
  const embeddedUrl = (): string => {
    if (!embedded) throw new Error('the embedded PBX is not running');
    return embedded.url.replace('ami://', 'ami://manager:secret@');
  };
  return {
    asteriskUrl: url,
    reason,
    embeddedUrl,
    urlOf: (pbx) => (pbx === 'asterisk' ? url! : embeddedUrl()),
  };
}

/** What one run of a scenario returned and what its runtime saw. */
export interface Run<T> {
  readonly result: T;
  readonly observation: Observation;
}

/** Options of {@link onBoth}. */
export interface OnBothOptions {
  /** The runtime's linger (default 100 ms). */
  readonly lingerMs?: number;
  /** How long the calls may take to end after the scenario returns (default 15 s). */
  readonly settleMs?: number;
  /** Log in as this user of `manager.conf` (default `manager`, who may do everything). */
  readonly login?: { username: string; secret: string };
  /** The runtime's reconnect policy (default: none, a lost connection fails the test). */
  readonly reconnect?: ReconnectOptions;
  /** Connects the runtime through something else (a relay that can cut it): its URL for `url`. */
  readonly via?: (url: string, pbx: PbxKind) => Promise<{ url: string; close(): Promise<void> }>;
}

/**
 * Runs the same scenario on the real Asterisk and on the embedded PBX at once, each with its own
 * runtime; waits until every call is over and each runtime holds nothing; then hangs up whatever
 * is left on either PBX. Resolves with both runs, for the test to check the real one and compare.
 */
export async function onBoth<T>(
  pair: PbxPair,
  scenario: (rig: LiveRig) => Promise<T>,
  options: OnBothOptions = {},
): Promise<Record<PbxKind, Run<T>>> {
  const rigs: LiveRig[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const runOn = async (pbx: PbxKind): Promise<Run<T>> => {
    const url = new URL(pair.urlOf(pbx));
    if (options.login) {
      url.username = options.login.username;
      url.password = options.login.secret;
    }
    const relay = await options.via?.(url.href, pbx);
    if (relay) cleanups.push(() => relay.close());
    const rig = await startRig(pbx, relay?.url ?? url.href, {
      lingerMs: options.lingerMs ?? 100,
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    });
    rigs.push(rig);
    const result = await scenario(rig);
    await rig.settled(options.settleMs);
    return { result, observation: rig.observer.observation() };
  };
  // Both runs end before anything is cleaned up (the first failure is the one reported), so that
  // one PBX's failure does not leave the other's calls running under the next test.
  const [asterisk, embedded] = await Promise.allSettled([runOn('asterisk'), runOn('embedded')]);
  await Promise.allSettled(rigs.map((rig) => rig.close()));
  await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
  const cleared = await Promise.allSettled([
    hangUpEverything(pair.urlOf('asterisk')),
    hangUpEverything(pair.urlOf('embedded')),
  ]);
  for (const outcome of [asterisk, embedded, ...cleared]) {
    if (outcome.status === 'rejected') throw outcome.reason;
  }
  return {
    asterisk: (asterisk as PromiseFulfilledResult<Run<T>>).value,
    embedded: (embedded as PromiseFulfilledResult<Run<T>>).value,
  };
}

/**
 * The embedded PBX must have shown the application what the real Asterisk showed it: the same
 * channels, state sequences, AGI commands and replies, hang-up causes and scenario results.
 */
export function expectSameView<T>(runs: Record<PbxKind, Run<T>>): void {
  expect(runs.embedded.observation, 'the embedded PBX differs from the real Asterisk').toEqual(
    runs.asterisk.observation,
  );
  expect(runs.embedded.result).toEqual(runs.asterisk.result);
}
