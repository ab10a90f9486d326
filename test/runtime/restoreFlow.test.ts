import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type AnyActorRef, toPromise } from 'xstate';
import {
  decodeFlowSnapshot,
  encodeFlowSnapshot,
  FlowSnapshotError,
} from '../../src/cluster/flowSnapshot.js';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import { type IvrOutput, ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { startPbx } from '../../src/pbx/index.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';
import type { RuntimeEvents } from '../../src/runtime/runtimeEvents.js';

/**
 * A call's logic moves to another runtime: the IVR runs on runtime A until its caller is in the
 * menu, A stops (as a node that dies would), and runtime B, given A's persisted snapshot through
 * `restoreFlow`, picks the flow up in the menu with a new `Call`: the caller is not asked for the
 * passcode again, the menu prompt plays again (its invoked `STREAM FILE` runs again on re-entry).
 */

const silent = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function eventually(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !probe(); waited += 20) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('restoring a call-logic actor in another runtime', () => {
  it('should resume the IVR in its menu with a new Call, the menu prompt played again', async () => {
    const pbx = await startPbx({ port: 0, phones: [{ name: 'alice' }] });
    cleanups.push(() => pbx.stop());
    const url = pbx.url.replace('ami://', 'ami://manager:secret@');
    const watcher = AmiConnection.fromUrl(url, { logger: silent, reconnect: false });
    cleanups.push(() => watcher.close());
    const commands: string[] = [];
    watcher.bus.on('event', (event) => {
      if (event.name !== 'AGIExecStart') return;
      const command = event.get('Command') ?? '';
      commands.push(command);
      if (command.startsWith('GET DATA')) void pbx.sendDigits(phone, '12345#', { receive: true });
    });
    await watcher.connect();

    const first = createRuntime({ url, logger: silent, lingerMs: 100 });
    cleanups.push(() => first.close());
    first.handle({ exten: '500', inAgi: true }, ivrMachine);
    await first.ready();
    const phone = pbx.phoneCall('alice', '500');
    const uniqueid = pbx.channels().find((channel) => channel.name === phone)!.uniqueid;
    await eventually(() => first.flow(uniqueid)?.getSnapshot().value === 'menu');
    const stored = encodeFlowSnapshot(first.flow(uniqueid)!);
    expect(stored).toContain(`{"$octostateCall":"${uniqueid}"}`);
    await first.close();
    const beforeTakeover = commands.length;

    const second = createRuntime({
      url,
      logger: silent,
      lingerMs: 100,
      restoreFlow: (call) =>
        decodeFlowSnapshot(stored, (id) => (id === call.uniqueid ? call : undefined)),
    });
    cleanups.push(() => second.close());
    const flows: RuntimeEvents['flow'][] = [];
    second.bus.on('flow', (event) => flows.push(event));
    second.handle({ exten: '500', inAgi: true }, ivrMachine);
    watcher.bus.on('event', (event) => {
      if (event.name === 'AGIExecStart' && event.get('Command')?.startsWith('STREAM FILE vm-press'))
        void pbx.sendDigits(phone, '2', { receive: true });
    });
    await second.ready();
    await eventually(() => flows.length === 1);
    const [restored] = flows;
    expect(restored!.uniqueid).toBe(uniqueid);
    const actor: AnyActorRef = restored!.ref;
    expect(actor.getSnapshot().context.call).toBe(second.call(uniqueid));
    const output = (await toPromise(actor)) as IvrOutput;
    expect(output.outcome).toBe('goodbye');
    expect(output.passcode).toMatchObject({ granted: true, attempts: 1 });
    expect(output.menu).toMatchObject({ choice: '2', tries: 1 });
    const after = commands.slice(beforeTakeover);
    expect(after.some((command) => command.startsWith('GET DATA'))).toBe(false);
    expect(
      after.filter((command) => command.startsWith('STREAM FILE vm-press')).length,
    ).toBeGreaterThan(0);
    expect(after.at(-1)).toBe('HANGUP');
  });

  it('should refuse a snapshot that names a call that is not live, or is not a snapshot', () => {
    expect(() =>
      decodeFlowSnapshot(
        '{"status":"active","context":{"call":{"$octostateCall":"1.2"}}}',
        () => undefined,
      ),
    ).toThrow(FlowSnapshotError);
    expect(() => decodeFlowSnapshot('not json', () => undefined)).toThrow(FlowSnapshotError);
    expect(() => decodeFlowSnapshot('[1]', () => undefined)).toThrow(/no status/);
  });
});
