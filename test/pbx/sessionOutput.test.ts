import { afterEach, describe, expect, it } from 'vitest';
import { parseManagerConf } from '../../src/pbx/config/managerConf.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import type { AmiSession } from '../../src/pbx/server/AmiSession.js';
import type { OutputLimits } from '../../src/pbx/server/SessionOutput.js';
import { openRawSession, seqNumbers } from './helpers/rawSession.js';

/** Events of about 1 KiB, numbered, as a PBX under load writes them to every session. */
const PAD = 'x'.repeat(1000);
/** The flood stops here whatever happens: the test fails rather than run on. */
const MAX_FLOOD_BYTES = 64 * 1024 * 1024;

let pbx: PbxHandle | undefined;

/** Holds the event loop for `ms`, as routing a chunk of events or setting calls up does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // working
  }
}

afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
});

/** Writes numbered events to every session until `gone` is logged off (or the cap is reached). */
async function floodUntilGone(handle: PbxHandle, gone: AmiSession): Promise<number> {
  let seq = 0;
  let bytes = 0;
  while (handle.server.sessions.has(gone) && bytes < MAX_FLOOD_BYTES) {
    for (let i = 0; i < 64; i++) {
      seq += 1;
      handle.pbx.emit('UserEvent', 'user', [
        ['UserEvent', 'Flood'],
        ['Seq', String(seq)],
        ['Pad', PAD],
      ]);
      bytes += 1060;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return seq;
}

async function start(output?: Partial<OutputLimits>) {
  pbx = await startPbx({ port: 0, ...(output ? { output } : {}) });
  const url = pbx.url.replace('ami://', 'ami://manager:secret@');
  const deaf = await openRawSession(url);
  deaf.goDeaf();
  const [deafSession] = pbx.server.sessions;
  const reader = await openRawSession(url);
  return { handle: pbx, deaf, deafSession: deafSession!, reader };
}

describe('AMI session output', () => {
  it('should log off a client that stops reading once a write stalls for writetimeout, as Asterisk does', async () => {
    const { handle, deaf, deafSession, reader } = await start();
    const sent = await floodUntilGone(handle, deafSession);
    expect(handle.server.sessions.has(deafSession), 'the deaf client was never logged off').toBe(
      false,
    );
    expect(handle.server.loggedOff).toEqual({ 'write-timeout': 1, 'queue-full': 0 });
    expect(deafSession.outputFailure).toBe('write-timeout');
    expect(deafSession.output.queued).toBe(0);

    // The reading client went on, got every event in order, and is still served.
    expect((await reader.action('Action: Ping')).get('Ping')).toBe('Pong');
    expect(reader.seen()).toEqual({ events: sent, lastSeq: sent, gap: false, shutdown: false });
    expect(handle.server.sessions.size).toBe(1);

    // The deaf client gets what the kernel held (the stream's start, in order), then the end.
    const { bytes, end } = await deaf.drain(10_000);
    expect(end).toBe('end');
    const seqs = seqNumbers(bytes);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBeLessThan(sent);
    expect(seqs.every((seq, i) => seq === i + 1)).toBe(true);
    reader.socket.destroy();
  });

  it('should keep a client in the same process that reads slowly while a burst keeps the loop busy', async () => {
    // 1,000 calls set up at once write a few MB to each session in one go; a runtime in the same
    // process reads them a chunk at a time, each chunk's routing holding the event loop. Neither
    // the burst nor that reading is the client's stall.
    pbx = await startPbx({ port: 0 });
    const url = pbx.url.replace('ami://', 'ami://manager:secret@');
    const reader = await openRawSession(url);
    const [session] = pbx.server.sessions;
    reader.socket.on('data', () => busy(30));
    const burst = 8000;
    for (let seq = 1; seq <= burst; seq++) {
      // Setting calls up costs the PBX time between events: the burst holds the loop for 400 ms.
      if (seq % 100 === 0) busy(5);
      pbx.pbx.emit('UserEvent', 'user', [
        ['UserEvent', 'Flood'],
        ['Seq', String(seq)],
        ['Pad', PAD],
      ]);
    }
    const served = () => pbx!.server.sessions.has(session!);
    for (let turns = 0; reader.seen().lastSeq < burst && served() && turns < 2_000; turns++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(reader.seen()).toEqual({ events: burst, lastSeq: burst, gap: false, shutdown: false });
    expect(pbx.server.loggedOff).toEqual({ 'write-timeout': 0, 'queue-full': 0 });
    expect(pbx.server.sessions.has(session!)).toBe(true);
    reader.socket.destroy();
  });

  it('should log off at once a client whose waiting output passes maxQueuedBytes', async () => {
    const maxQueuedBytes = 256 * 1024;
    const { handle, deaf, deafSession, reader } = await start({
      maxQueuedBytes,
      writeTimeoutMs: 3_600_000,
    });
    await floodUntilGone(handle, deafSession);
    expect(handle.server.loggedOff).toEqual({ 'write-timeout': 0, 'queue-full': 1 });
    expect(deafSession.output.peakQueuedBytes).toBeLessThanOrEqual(maxQueuedBytes);
    expect(deafSession.output.peakQueuedBytes).toBeGreaterThan(maxQueuedBytes - 2048);
    expect((await deaf.drain(10_000)).end).toBe('end');
    expect(reader.seen().gap).toBe(false);
    expect(handle.server.sessions.size).toBe(1);
    reader.socket.destroy();
  });

  it("should read a user's writetimeout from manager.conf, ignoring values under 100 as Asterisk does", () => {
    const conf = parseManagerConf('[a]\nwritetimeout = 250\n[b]\nwritetimeout = 50\n[c]\n');
    expect(conf.users.get('a')?.writeTimeoutMs).toBe(250);
    expect(conf.users.get('b')?.writeTimeoutMs).toBeUndefined();
    expect(conf.users.get('c')?.writeTimeoutMs).toBeUndefined();
  });
});
