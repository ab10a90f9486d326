import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { framingTranscript, framingTranscriptOf } from '../pbx/helpers/framingProbe.js';
import { openRawSession, seqNumbers } from '../pbx/helpers/rawSession.js';
import type { PbxKind } from './support/liveRig.js';
import { pbxPair } from './support/parity.js';

/**
 * The bounds of one AMI session, on the real Asterisk and on the embedded PBX: how actions are
 * framed (overlong lines, too many headers), and what becomes of a client that stops reading
 * while events keep coming.
 */
const pair = pbxPair();

/** Four lines of padding: about 4 KiB per event (Asterisk reads lines of at most 1,022 bytes). */
const PADDING = Array.from({ length: 4 }, (_, i) => `\r\nPad${i}: ${'x'.repeat(1000)}`).join('');
const EVENT_BYTES = 4096;
/** Events written to every session: about three times what the kernel holds for a client here. */
const FLOOD_BYTES = 12 * 1024 * 1024;
const BATCH = 50;

/**
 * A client logs in with events on, sets a global variable and stops reading; another floods
 * numbered `UserEvent`s, which both receive. Then the deaf client reads what it was left.
 */
async function deafClient(url: string) {
  const reader = await openRawSession(url);
  const deaf = await openRawSession(url);
  const variable = `DEAF_${Date.now()}`;
  await deaf.action(`Action: Setvar\r\nVariable: ${variable}\r\nValue: kept`);
  deaf.goDeaf();
  let sent = 0;
  while (sent * EVENT_BYTES < FLOOD_BYTES) {
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < BATCH; i++) {
      sent += 1;
      batch.push(reader.action(`Action: UserEvent\r\nUserEvent: Flood\r\nSeq: ${sent}${PADDING}`));
    }
    await Promise.all(batch);
  }
  for (let i = 0; i < 100 && reader.seen().lastSeq < sent; i++) await sleep(50);
  // The last writes to the deaf client stall for longer than writetimeout.
  await sleep(1000);
  const drained = await deaf.drain(5000);
  const kept = await reader.action(`Action: Getvar\r\nVariable: ${variable}`);
  await reader.action(`Action: Setvar\r\nVariable: ${variable}\r\nValue: `);
  const seqs = seqNumbers(drained.bytes);
  reader.socket.destroy();
  return {
    behaviour: {
      deafStreamEnded: drained.end,
      deafGotTheStreamStartInOrder: seqs.length > 0 && seqs.every((seq, i) => seq === i + 1),
      deafGotLessThanWasSent: seqs.length < sent,
      readerGotEveryEventAndNoShutdown: reader.seen(),
      deafClientsVariableKept: kept.get('Value'),
    },
    sent,
    deafBytes: drained.bytes.length,
  };
}

describe.skipIf(!pair.asteriskUrl)(`AMI session bounds, both PBXs (${pair.reason})`, () => {
  it('should frame overlong lines, too many headers and blank lines alike', async () => {
    for (const pbx of ['asterisk', 'embedded'] as const) {
      expect(await framingTranscriptOf(pair.urlOf(pbx)), pbx).toBe(framingTranscript());
    }
  });

  it('should log off a client that stops reading and serve the others on', async () => {
    const runs: Partial<Record<PbxKind, Awaited<ReturnType<typeof deafClient>>>> = {};
    for (const pbx of ['asterisk', 'embedded'] as const)
      runs[pbx] = await deafClient(pair.urlOf(pbx));
    const { asterisk, embedded } = runs as Record<PbxKind, Awaited<ReturnType<typeof deafClient>>>;
    console.info(
      `[live] deaf client: the real Asterisk left it ${asterisk.deafBytes} bytes of ${asterisk.sent * EVENT_BYTES}, the embedded PBX ${embedded.deafBytes}`,
    );
    expect(asterisk.behaviour).toEqual({
      deafStreamEnded: 'end',
      deafGotTheStreamStartInOrder: true,
      deafGotLessThanWasSent: true,
      readerGotEveryEventAndNoShutdown: {
        events: asterisk.sent,
        lastSeq: asterisk.sent,
        gap: false,
        shutdown: false,
      },
      deafClientsVariableKept: 'kept',
    });
    expect(embedded.behaviour, 'the embedded PBX differs from the real Asterisk').toEqual(
      asterisk.behaviour,
    );
  }, 120_000);
});
