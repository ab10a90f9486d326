import type { AmiProtocolError } from 'octostate/connection';
import { afterEach, describe, expect, it } from 'vitest';
import {
  actorsByName,
  agiCommandsStarted,
  hangUpAll,
  originateAgiCalls,
  outcome,
  type RelayedRig,
  sameActors,
  startRelayedRig,
  whileAdvancing,
} from './relayedRig.js';

/**
 * The parser's bad-input classes, each fed into a live runtime's AMI stream (between two of the
 * PBX's messages) while every call has an AGI command running: the input is reported as an
 * `AmiProtocolError` of its class and dropped, and every call goes on as if nothing happened.
 */
let rig: RelayedRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Bad input by the code it must be reported with. */
const BAD_INPUT: ReadonlyArray<readonly [AmiProtocolError['code'], Buffer]> = [
  ['missing-colon', Buffer.from('Event: Junk\r\nthis line has no colon\r\nK: v\r\n\r\n')],
  ['binary', Buffer.from([0x00, 0xff, 0x13, 0x07, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a])],
  ['too-large', Buffer.from(`Event: Huge\r\nData: ${'x'.repeat(1024 * 1024 + 16)}\r\n\r\n`)],
  ['unterminated-follows', Buffer.from('Response: Follows\r\nActionID: nobody\r\nout\r\n\r\n')],
  ['unknown-kind', Buffer.from('Foo: bar\r\nBaz: qux\r\n\r\n')],
];

describe('bad input in the AMI stream of a live runtime', () => {
  it('should report each class, drop it, and keep every call and command going', async () => {
    rig = await startRelayedRig({ keepaliveIntervalMs: false });
    const current = rig;
    const calls = await originateAgiCalls(current, 4);
    const actors = actorsByName(current);
    const reported: string[] = [];
    current.client.bus.on('protocolError', (error) => reported.push(error.code));
    const states: string[] = [];
    current.runtime.bus.on('connection', ({ state }) => states.push(state));

    const results: string[][] = [];
    for (const [, bytes] of BAD_INPUT) {
      const commands = calls.map((call) => outcome(call.command('EXEC Wait 1')));
      await agiCommandsStarted(
        current,
        calls.map((call) => call.name),
      );
      current.relay.inject(bytes);
      // The commands' results come after the bad input, and settle them.
      results.push(await whileAdvancing(current.clock, Promise.all(commands)));
    }
    // Line endings Asterisk never sends but the parser accepts: an LF-only VarSet still applies.
    const [first] = calls;
    const channel = current.runtime.channels.byName(first?.name ?? '');
    const uniqueid = channel?.getSnapshot().context.uniqueid;
    current.relay.inject(
      Buffer.from(
        `Event: VarSet\nPrivilege: dialplan,all\nChannel: ${first?.name}\nUniqueid: ${uniqueid}\nVariable: FED\nValue: lf-only\n\n`,
      ),
    );
    const values = await whileAdvancing(
      current.clock,
      Promise.all(calls.map(async (call) => (await call.getVariable('CHANNEL')) ?? '')),
    );

    expect({
      reported,
      results,
      values,
      fed: channel?.getSnapshot().context.variables.FED,
      actorsKept: sameActors(current, actors),
      inAgi: calls.map((call) => call.inAgi),
      states,
    }).toEqual({
      reported: BAD_INPUT.map(([code]) => code),
      results: BAD_INPUT.map(() => calls.map(() => 'ok')),
      values: calls.map((call) => call.name),
      fed: 'lf-only',
      actorsKept: true,
      inAgi: calls.map(() => true),
      states: [],
    });
    await hangUpAll(current);
    expect(current.unhandled).toEqual([]);
  });
});
