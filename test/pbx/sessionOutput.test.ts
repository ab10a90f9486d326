import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManagerConf } from '../../src/pbx/config/managerConf.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import type { AmiSession } from '../../src/pbx/server/AmiSession.js';
import type { OutputLimits } from '../../src/pbx/server/SessionOutput.js';
import { AmiParser } from '../../src/protocol/parser.js';

/** Events of about 1 KiB, numbered, as a PBX under load writes them to every session. */
const PAD = 'x'.repeat(1000);
/** The flood stops here whatever happens: the test fails rather than run on. */
const MAX_FLOOD_BYTES = 64 * 1024 * 1024;

let pbx: PbxHandle | undefined;

afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
});

/** A raw client logged in with events on; `reading` false: it never reads after the login. */
async function client(port: number, reading: boolean) {
  const socket = net.connect({ host: '127.0.0.1', port });
  let lastSeq = 0;
  let events = 0;
  let gap = false;
  const parser = new AmiParser({
    message: (m) => {
      const seq = Number(m.get('Seq') ?? 0);
      if (m.name !== 'UserEvent' || !seq) return;
      events += 1;
      if (seq !== lastSeq + 1) gap = true;
      lastSeq = seq;
    },
  });
  const loggedIn = new Promise<void>((resolve) => {
    let text = '';
    const first = (chunk: Buffer) => {
      parser.push(chunk);
      text += chunk.toString('latin1');
      if (!text.includes('Authentication accepted')) return;
      socket.off('data', first);
      if (reading) socket.on('data', (more: Buffer) => parser.push(more));
      else socket.pause();
      resolve();
    };
    socket.on('data', first);
  });
  socket.write('Action: Login\r\nUsername: manager\r\nSecret: secret\r\nEvents: on\r\n\r\n');
  await loggedIn;
  return {
    socket,
    stats: () => ({ events, lastSeq, gap }),
    /** Reads what the server left for it, until the end of the stream. */
    async drain(): Promise<{ bytes: Buffer; end: 'end' | 'error' }> {
      const chunks: Buffer[] = [];
      const end = await new Promise<'end' | 'error'>((resolve) => {
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.once('end', () => resolve('end'));
        socket.once('error', () => resolve('error'));
        socket.resume();
      });
      return { bytes: Buffer.concat(chunks), end };
    },
  };
}

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
  const deaf = await client(pbx.port, false);
  const [deafSession] = pbx.server.sessions;
  const reader = await client(pbx.port, true);
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
    reader.socket.write('Action: Ping\r\nActionID: after\r\n\r\n');
    await expect.poll(() => reader.stats().lastSeq).toBe(sent);
    expect(reader.stats()).toMatchObject({ events: sent, gap: false });
    expect(handle.server.sessions.size).toBe(1);

    // The deaf client gets what the kernel held (the stream's start, in order), then the end.
    const { bytes, end } = await deaf.drain();
    expect(end).toBe('end');
    const seqs = [...bytes.toString('latin1').matchAll(/\r\nSeq: (\d+)\r\n/g)].map((m) =>
      Number(m[1]),
    );
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBeLessThan(sent);
    expect(seqs.every((seq, i) => seq === i + 1)).toBe(true);
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
    expect((await deaf.drain()).end).toBe('end');
    expect(reader.stats().gap).toBe(false);
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
