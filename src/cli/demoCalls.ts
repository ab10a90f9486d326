import type { Call } from '../calls/Call.js';
import { helloMachine } from '../machines/flows/helloMachine.js';
import { type IvrOutput, ivrMachine } from '../machines/flows/ivrMachine.js';
import type { PbxHandle } from '../pbx/index.js';
import type { Runtime } from '../runtime/createRuntime.js';

/** What a demo call gets to work with. */
export interface DemoContext {
  readonly runtime: Runtime;
  /** The embedded PBX (demos only run there): simulated phones, digits, inspection. */
  readonly pbx: PbxHandle;
  /** Prints one line of narration, time-stamped like the runtime's lines. */
  say(text: string): void;
  /** Aborted when `octostate start` stops: a demo should give up what it is waiting for. */
  readonly signal: AbortSignal;
}

/**
 * One scripted call that `octostate start` places on the embedded PBX so that something happens.
 * To add a demo, write one and append it to {@link DEMO_CALLS}.
 *
 * @example
 * const echo: DemoCall = {
 *   name: 'echo',
 *   summary: 'the echo test for two seconds',
 *   async run(demo) {
 *     const call = await placeCall(demo, { exten: 'echo', callerId: '"Echo" <5550100>' });
 *     await delay(2000, demo.signal);
 *     await call.first.hangup(16);
 *     await call.ended;
 *   },
 * };
 */
export interface DemoCall {
  /** Short name, shown as `demo <name>: <summary>`. */
  readonly name: string;
  readonly summary: string;
  /** Places the call and resolves once every channel of it has hung up. */
  run(demo: DemoContext): Promise<void>;
}

/** A call placed by {@link placeCall}: its originated channel and the end of the whole call. */
export interface PlacedCall {
  /** The originated channel (`Local/<exten>@<context>-XXXXXXXX;1`). */
  readonly first: Call;
  /** The call's Linkedid (every channel of the call shares it). */
  readonly linkedid: string;
  /** Resolves once no channel of the call is left (rejects if the demo is aborted). */
  readonly ended: Promise<void>;
}

/**
 * Originates `Local/<exten>@<context>` through the runtime (its `;1` runs `Wait(60)`, the
 * extension runs on `;2`) and follows the call by its Linkedid.
 */
export async function placeCall(
  demo: DemoContext,
  options: { exten: string; context?: string; callerId: string; waitSeconds?: number },
): Promise<PlacedCall> {
  const { runtime, signal } = demo;
  // The originated channel is the ;1 half; Originate resolves with it once it is answered.
  const call = await abortable(
    runtime.originate({
      channel: `Local/${options.exten}@${options.context ?? 'default'}`,
      application: 'Wait',
      data: String(options.waitSeconds ?? 60),
      callerId: options.callerId,
      variables: { AsyncOrigId: `demo-${options.exten}-${Date.now()}` },
    }),
    signal,
  );
  const linkedid = call.context.linkedid;
  const live = () =>
    runtime.channels.all().some((ref) => ref.getSnapshot().context.linkedid === linkedid);
  let markEnded = (): void => {};
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  const onHangup = (): void => {
    if (!live()) markEnded();
  };
  runtime.bus.on('hangup', onHangup);
  onHangup();
  const over = abortable(ended, signal).finally(() => runtime.bus.off('hangup', onHangup));
  // A demo that fails before awaiting `ended` must not leave an unhandled rejection behind.
  over.catch(() => {});
  return { first: call, linkedid, ended: over };
}

/** Extension 401: answer, `Playback(silence/1&hello-world&silence/1)`, hang up (about 3.5 s). */
export const helloCall: DemoCall = {
  name: '401',
  summary: 'answer, play hello-world, hang up',
  async run(demo) {
    const call = await placeCall(demo, { exten: '401', callerId: '"Hello" <5550401>' });
    await call.ended;
  },
};

/**
 * Extension 402: answer, then `Dial(Local/agent@default)`: the agent answers and both sides are
 * bridged. Two seconds into the bridge the runtime hangs the caller up (`call.hangup(16)`, an AMI
 * `Hangup`), and the whole call comes down.
 */
export const bridgedCall: DemoCall = {
  name: '402',
  summary: 'answer, dial the agent, bridge; hung up by the runtime after 2 s',
  async run(demo) {
    const call = await placeCall(demo, { exten: '402', callerId: '"Bridge" <5550402>' });
    const bridged = () =>
      demo.runtime.channels
        .all()
        .some(
          (ref) =>
            ref.getSnapshot().context.linkedid === call.linkedid &&
            ref.getSnapshot().context.bridge !== undefined,
        );
    await until(bridged, demo.signal);
    await delay(2000, demo.signal);
    demo.say(`demo 402: hanging up ${call.first.name}`);
    await call.first.hangup(16);
    await call.ended;
  },
};

/**
 * Extension 403, `AGI(agi:async)`: the runtime drives the call over AMI. For the length of the demo
 * it serves 403 with `helloMachine` (answer, play hello-world, hang up), a statechart whose states
 * invoke AGI commands; the call ends when that machine hangs it up.
 */
export const asyncAgiCall: DemoCall = {
  name: '403',
  summary: 'AsyncAGI: a statechart answers, plays hello-world and hangs up over AMI',
  async run(demo) {
    const stop = demo.runtime.handle({ exten: '403', inAgi: true }, helloMachine);
    try {
      const call = await placeCall(demo, { exten: '403', callerId: '"AsyncAGI" <5550403>' });
      await call.ended;
    } finally {
      stop();
    }
  },
};

/**
 * Extension 500, the IVR (`ivrMachine` over AsyncAGI, with its passcode and menu child machines).
 * The caller (the `;1` half) types 12345# once the passcode prompt is over, then 1 during the menu:
 * the IVR dials the agent and both are bridged. Two seconds later the runtime hangs the agent up
 * (an AMI `Hangup` sent through its channel actor): `Dial` returns and the IVR hangs up the call.
 * Each step of the IVR actor is narrated.
 */
export const ivrCall: DemoCall = {
  name: '500',
  summary: 'IVR: passcode 12345#, then 1 dials the agent; the agent hangs up after 2 s',
  async run(demo) {
    const { runtime, pbx, signal } = demo;
    const stop = runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
    try {
      const call = await placeCall(demo, { exten: '500', callerId: '"IVR" <5550500>' });
      const ofCall = (pattern: RegExp) =>
        runtime.channels.all().find((ref) => {
          const { linkedid, name } = ref.getSnapshot().context;
          return linkedid === call.linkedid && pattern.test(name);
        });
      const served = () => ofCall(/^Local\/500@default-[0-9a-f]{8};2$/);
      await until(() => {
        const uniqueid = served()?.getSnapshot().context.uniqueid;
        return uniqueid !== undefined && runtime.flow(uniqueid) !== undefined;
      }, signal);
      const ivr = runtime.flow(served()!.getSnapshot().context.uniqueid)!;
      let state = '';
      const narrate = (): void => {
        const snapshot = ivr.getSnapshot();
        if (String(snapshot.value) === state) return;
        state = String(snapshot.value);
        const output = snapshot.status === 'done' ? (snapshot.output as IvrOutput) : undefined;
        demo.say(`demo 500: ivr ${state}${output ? ` (${output.outcome})` : ''}`);
      };
      const inState = (name: string) => () => ivr.getSnapshot().matches(name);
      narrate();
      const watching = ivr.subscribe({ next: narrate, error: () => {} });
      try {
        const caller = call.first.name;
        await until(inState('passcode'), signal);
        await delay(1500, signal); // GET DATA: a key interrupts the prompt
        demo.say('demo 500: the caller types 12345#');
        await pbx.sendDigits(caller, '12345#', { durationMs: 100 });
        await until(inState('menu'), signal);
        // After the menu's prompts (about 3.5 s), during its wait for a key: as on a real
        // Asterisk, a key pressed in the gap between two AGI commands would be lost.
        await delay(4500, signal);
        demo.say('demo 500: the caller presses 1');
        await pbx.sendDigits(caller, '1', { durationMs: 100 });
        await until(
          () => ofCall(/^Local\/agent@default-/)?.getSnapshot().context.bridge !== undefined,
          signal,
        );
        await delay(2000, signal);
        const agent = ofCall(/^Local\/agent@default-[0-9a-f]{8};2$/);
        demo.say(`demo 500: hanging up the agent ${agent?.getSnapshot().context.name}`);
        if (agent) await runtime.call(agent.getSnapshot().context.uniqueid)?.hangup(16);
        await call.ended;
      } finally {
        watching.unsubscribe();
      }
    } finally {
      stop();
    }
  },
};

/** The demos `octostate start` places, in order, one at a time. */
export const DEMO_CALLS: readonly DemoCall[] = [helloCall, bridgedCall, asyncAgiCall, ivrCall];

/**
 * Runs demo calls one after the other (each to its end, then a short pause). A demo that fails is
 * reported with `say` and the next one runs; an abort stops the round quietly.
 */
export async function runDemoCalls(
  demos: readonly DemoCall[],
  demo: DemoContext,
  pauseMs = 500,
): Promise<void> {
  for (const call of demos) {
    if (demo.signal.aborted) return;
    demo.say(`demo ${call.name}: ${call.summary}`);
    try {
      await call.run(demo);
    } catch (error) {
      if (demo.signal.aborted) return;
      demo.say(`demo ${call.name} failed: ${(error as Error).message}`);
    }
    try {
      await delay(pauseMs, demo.signal);
    } catch {
      return;
    }
  }
  demo.say('demo calls done');
}

/** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls `probe` every 50 ms (the demos are narration, not a hot path). */
async function until(probe: () => boolean, signal: AbortSignal, timeoutMs = 30_000): Promise<void> {
  for (let waited = 0; !probe(); waited += 50) {
    if (waited >= timeoutMs) throw new Error(`gave up after ${timeoutMs} ms`);
    await delay(50, signal);
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
