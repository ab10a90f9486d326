/**
 * ivr: an IVR on extension 500 (`AGI(agi:async)`): the caller is asked for a passcode
 * (12345, then `#`), then offered a menu where 1 connects to the agent and 2 hangs up. The call
 * logic is `ivrMachine`, whose passcode and menu are child machines; each step of the IVR actor
 * (announced by the runtime's `flow` event) is printed as it happens.
 *
 * On the embedded PBX (default) the simulated phone alice calls 500, types 12345# after the prompt,
 * presses 1 during the menu, talks to the agent for two seconds, and the agent hangs up. With
 * `ASTERISK_AMI_URL` it serves every call to 500 until Ctrl-C.
 *
 *   npx tsx examples/ivr.ts
 */

import { createRuntime, type IvrOutput, ivrMachine, type Runtime } from 'octostate';
import type { AnyActorRef } from 'xstate';
import { demoBackend, isMain, say } from './support/backend.js';

/** One state change of the IVR actor of a call. */
export interface IvrStep {
  readonly uniqueid: string;
  /** The channel's name. */
  readonly channel: string;
  /** The IVR's state (`answering`, `passcode`, `menu`, `connecting`, `farewell`...). */
  readonly state: string;
  /** Once the IVR is over, what it reports. */
  readonly output?: IvrOutput;
}

/**
 * Serves calls to 500 with `ivrMachine` and reports every state its actor goes through. Returns a
 * function that stops serving.
 */
export function serveIvr(runtime: Runtime, onStep: (step: IvrStep) => void): () => void {
  const stopHandling = runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
  const followed = new Set<string>();
  const follow = (uniqueid: string, channel: string, flow: AnyActorRef): void => {
    followed.add(uniqueid);
    let last = '';
    const report = (): void => {
      const snapshot = flow.getSnapshot();
      const state = String(snapshot.value);
      if (state === last) return;
      last = state;
      const done = snapshot.status === 'done';
      onStep({ uniqueid, channel, state, ...(done ? { output: snapshot.output } : {}) });
    };
    report();
    flow.subscribe({ next: report, error: () => {} });
  };
  // Every call-logic actor the runtime starts is announced: follow ours.
  const onFlow = ({ uniqueid, ref }: { uniqueid: string; ref: AnyActorRef }): void => {
    if (followed.has(uniqueid)) return;
    const channel = runtime.channels.get(uniqueid)?.getSnapshot().context.name ?? uniqueid;
    follow(uniqueid, channel, ref);
  };
  const onRemoved = ({ uniqueid }: { uniqueid: string }): void => {
    followed.delete(uniqueid);
  };
  runtime.bus.on('flow', onFlow);
  runtime.bus.on('removed', onRemoved);
  return () => {
    stopHandling();
    runtime.bus.off('flow', onFlow);
    runtime.bus.off('removed', onRemoved);
  };
}

/** A one-line summary of how an IVR call ended. */
export function describeOutcome(output: IvrOutput): string {
  const attempts = output.passcode?.attempts ?? 0;
  const parts = [
    `passcode ${output.passcode?.granted ? 'granted' : 'not granted'} (${attempts} attempt${attempts === 1 ? '' : 's'})`,
  ];
  if (output.menu) parts.push(`choice ${output.menu.choice ?? 'none'}`);
  return `${output.outcome}: ${parts.join(', ')}`;
}

if (isMain(import.meta.url)) {
  const started = Date.now();
  const seconds = Number(process.env.IVR_SECONDS ?? 30);
  const backend = await demoBackend({ phones: [{ name: 'alice', callerIdName: 'Alice' }] });
  const runtime = createRuntime({ url: backend.url });
  runtime.bus.on('error', ({ error, during }) =>
    say(started, `error during ${during}: ${String(error)}`),
  );
  const waiting: Array<{ state: string; resolve: (step: IvrStep) => void }> = [];
  const reached = (state: string) =>
    new Promise<IvrStep>((resolve) => waiting.push({ state, resolve }));
  serveIvr(runtime, (step) => {
    const detail = step.output ? ` -> ${describeOutcome(step.output)}` : '';
    say(started, `ivr ${step.channel}: ${step.state}${detail}`);
    for (const waiter of waiting.filter((w) => w.state === step.state)) waiter.resolve(step);
  });
  await runtime.ready();
  say(started, `connected to ${backend.pbx ? 'the embedded PBX' : 'Asterisk'}`);
  const pbx = backend.pbx;
  if (pbx) {
    const giveUp = setTimeout(() => {
      say(started, `gave up after ${seconds} s`);
      process.exit(1);
    }, seconds * 1000);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const [atPasscode, atMenu, atConnecting, atDone] = [
      'passcode',
      'menu',
      'connecting',
      'done',
    ].map(reached);
    const bridged = new Promise<void>((resolve) =>
      runtime.bus.on('bridge', ({ action, members }) => {
        if (action === 'enter' && members.length === 2) resolve();
      }),
    );
    const phone = pbx.phoneCall('alice', '500');
    say(started, `${phone} calls 500`);
    const hungUp = new Promise<void>((resolve) =>
      runtime.bus.on('hangup', ({ output }) => {
        if (output.name !== phone) return;
        say(started, `${output.name} hung up: ${output.causeText} (${output.cause})`);
        resolve();
      }),
    );
    await atPasscode;
    await sleep(1500); // GET DATA: a key interrupts the prompt (agent-pass)
    say(started, 'alice types 12345#');
    await pbx.sendDigits(phone, '12345#', { receive: true });
    await atMenu;
    // After the menu's prompts (about 3.5 s), during its wait for a key: as on a real Asterisk,
    // a key pressed in the gap between two AGI commands would be lost.
    await sleep(4500);
    say(started, 'alice presses 1');
    await pbx.sendDigits(phone, '1', { receive: true });
    await atConnecting;
    await bridged;
    say(started, `${phone} is bridged with the agent`);
    await sleep(2000);
    const agent = pbx.channels().find((info) => /^Local\/agent@default-.*;2$/.test(info.name));
    say(started, 'the agent hangs up');
    if (agent) pbx.hangup(agent.name);
    await atDone;
    await hungUp;
    clearTimeout(giveUp);
    await runtime.close();
    await backend.stop();
  } else {
    say(started, 'call extension 500 from a phone (passcode 12345#, then 1 or 2); Ctrl-C to stop');
    process.once('SIGINT', () => void runtime.close().then(() => process.exit(0)));
  }
}
