import { pino } from 'pino';
import { expect } from 'vitest';
import { type AnyActorRef, toPromise } from 'xstate';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import type { IvrOutput } from '../../src/machines/flows/ivrMachine.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import {
  createRuntime,
  type Runtime,
  type RuntimeOptions,
} from '../../src/runtime/createRuntime.js';
import { IDLE_STATS } from '../support/idleStats.js';

/**
 * An embedded PBX with a phone (alice), a runtime on it, and a second AMI session (the watcher)
 * that sees each AGI command start (`AGIExecStart`), so that the phone can type its keys when the
 * prompt waiting for them starts: the IVR driven as a caller would, over AsyncAGI or FastAGI.
 */
export interface IvrRig {
  readonly pbx: PbxHandle;
  readonly runtime: Runtime;
  /** `Command` of every AGIExecStart, per channel, in order. */
  readonly commands: Map<string, string[]>;
  /** Called with each AGIExecStart's channel and command. */
  onCommand(listener: (channel: string, command: string) => void): void;
  /** The phone presses `digits` each time a command starting with `prefix` starts on `channel`. */
  pressWhen(channel: string, prefix: string, digits: string): void;
  /** Catches the watcher up with the PBX (see `startIvrRig`). */
  sync(): Promise<void>;
}

const silent = pino({ level: 'silent' });

/**
 * Starts the rig; everything it starts is stopped by the functions it pushes on `cleanups`.
 * `runtimeOptions` gets the PBX's AMI URL. A runtime with FastAGI gets the dialplan's
 * `FASTAGI_PORT` pointed at its server (a global, as the `Setvar` action sets it).
 */
export async function startIvrRig(
  cleanups: Array<() => Promise<unknown>>,
  runtimeOptions: (pbxUrl: string) => RuntimeOptions = (url) => ({ url }),
): Promise<IvrRig> {
  const pbx = await startPbx({ port: 0, phones: [{ name: 'alice', callerIdName: 'Alice' }] });
  cleanups.push(() => pbx.stop());
  const url = pbx.url.replace('ami://', 'ami://manager:secret@');
  const watcher = AmiConnection.fromUrl(url, { logger: silent, reconnect: false });
  cleanups.push(() => watcher.close());
  const commands = new Map<string, string[]>();
  const listeners: Array<(channel: string, command: string) => void> = [];
  watcher.bus.on('AGIExecStart', (event) => {
    const channel = event.get('Channel') ?? '';
    const command = event.get('Command') ?? '';
    commands.set(channel, [...(commands.get(channel) ?? []), command]);
    for (const listener of listeners) listener(channel, command);
  });
  await watcher.connect();
  const runtime = createRuntime({ logger: silent, lingerMs: 100, ...runtimeOptions(url) });
  cleanups.push(() => runtime.close());
  await runtime.ready();
  if (runtime.fastAgi) {
    await watcher.action('Setvar', { Variable: 'FASTAGI_PORT', Value: runtime.fastAgi.port });
  }
  const onCommand = (listener: (channel: string, command: string) => void): void => {
    listeners.push(listener);
  };
  return {
    pbx,
    runtime,
    commands,
    onCommand,
    pressWhen: (channel, prefix, digits) =>
      onCommand((on, command) => {
        if (on === channel && command.startsWith(prefix))
          void pbx.sendDigits(channel, digits, { receive: true }).catch(() => {});
      }),
    // The watcher is a second AMI session: its events may trail the runtime's. A Ping answered
    // on it comes after every event the PBX sent it before, so awaiting one catches it up.
    sync: async () => {
      await watcher.action('Ping');
    },
  };
}

/** The IVR actor of a channel, once its call logic runs, and the state values it goes through. */
export async function ivrOf(
  rig: IvrRig,
  channel: string,
): Promise<{ actor: AnyActorRef; steps: string[]; output: Promise<IvrOutput> }> {
  let actor: AnyActorRef | undefined;
  await eventually(() => {
    const uniqueid = rig.pbx.channels().find((info) => info.name === channel)?.uniqueid;
    actor = uniqueid === undefined ? undefined : rig.runtime.flow(uniqueid);
    return actor !== undefined;
  });
  const steps = [String(actor!.getSnapshot().value)];
  actor!.subscribe((snapshot) => {
    const value = String(snapshot.value);
    if (steps.at(-1) !== value) steps.push(value);
  });
  return { actor: actor!, steps, output: toPromise(actor!) as Promise<IvrOutput> };
}

/** Waits until every channel is gone from the PBX and the runtime holds nothing at all. */
export async function expectNothingLeft(rig: IvrRig): Promise<void> {
  await eventually(
    () =>
      rig.pbx.channels().length === 0 &&
      rig.runtime.stats().channels === 0 &&
      rig.runtime.stats().fastAgiSessions === 0 &&
      rig.runtime.stats().flows === 0,
  );
  expect(rig.runtime.stats()).toEqual(IDLE_STATS);
}

/** Polls `probe` every 20 ms; throws after `timeoutMs`. */
export async function eventually(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !probe(); waited += 20) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
