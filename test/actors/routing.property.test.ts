import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { supervisorHoldings } from '../../src/actors/supervisorQueries.js';
import type { AmiMessage } from '../../src/protocol/message.js';
import { startRecordedSupervisor } from './channelRecorder.js';
import { syntheticCall } from './syntheticCalls.js';

/** Each channel's state sequence and final context after a stream, keyed by Uniqueid. */
async function run(stream: readonly AmiMessage[]) {
  const { client, supervisor, channels } = startRecordedSupervisor();
  client.connect();
  await waitFor(supervisor, (s) => s.matches({ session: 'live' }));
  client.emit(...stream);
  const result = {
    channels: Object.fromEntries(
      [...channels].sort(([a], [b]) => a.localeCompare(b)).map(([id, r]) => [id, r]),
    ),
    sizes: supervisorHoldings(supervisor),
  };
  supervisor.stop();
  return result;
}

/** Merges calls in the order `picks` says, each call's own events staying in order. */
function interleave(calls: AmiMessage[][], picks: number[]): AmiMessage[] {
  const cursors = calls.map(() => 0);
  const out: AmiMessage[] = [];
  for (const pick of picks) {
    for (let k = 0; k < calls.length; k++) {
      const c = (pick + k) % calls.length;
      if (cursors[c]! < calls[c]!.length) {
        out.push(calls[c]![cursors[c]!++]!);
        break;
      }
    }
  }
  return out;
}

describe('routing (property)', () => {
  it('should give every channel the same life whatever the interleaving of concurrent calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }).chain((count) => {
          const calls = Array.from({ length: count }, (_, i) => syntheticCall(i));
          const total = calls.reduce((n, c) => n + c.length, 0);
          return fc.tuple(
            fc.constant(calls),
            fc.array(fc.nat(count - 1), { minLength: total, maxLength: total }),
          );
        }),
        async ([calls, picks]) => {
          const alone = await run(calls.flat());
          const mixed = await run(interleave(calls, picks));
          expect(mixed).toEqual(alone);
        },
      ),
      { numRuns: 60 },
    );
  });
});
