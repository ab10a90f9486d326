import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFastAgiUrl } from '../../src/pbx/agi/fastAgi.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';

/**
 * The embedded PBX's `AGI(agi://...)` beyond the recorded scenarios (test/pbx/fastAgiConformance):
 * URL forms, res_agi's 8 KiB command buffer, a hang-up while no command runs, and a FastAGI server
 * that never closes its side.
 */

let pbx: PbxHandle | undefined;
const servers: net.Server[] = [];
afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A FastAGI server that hands over the first connection, and the PBX pointed at it. */
async function rig(): Promise<{ connection: Promise<Connection>; pbx: PbxHandle }> {
  let accept!: (connection: Connection) => void;
  const connection = new Promise<Connection>((resolve) => (accept = resolve));
  const server = net.createServer((socket) => accept(new Connection(socket)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pbx = await startPbx({ port: 0 });
  pbx.pbx.globals.set('FASTAGI_PORT', String((server.address() as net.AddressInfo).port));
  return { connection, pbx };
}

class Connection {
  text = '';
  closed = false;
  private wake: (() => void) | undefined;
  constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      this.text += data;
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  /** What came after the environment's blank line. */
  get replies(): string[] {
    const at = this.text.indexOf('\n\n');
    return at === -1
      ? []
      : this.text
          .slice(at + 2)
          .split('\n')
          .filter(Boolean);
  }

  async until(test: (c: Connection) => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!test(this)) {
      if (Date.now() > deadline) throw new Error(`no such state; got ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

describe("the embedded PBX's FastAGI client", () => {
  it('should read agi:// URLs as res_agi does', () => {
    expect(parseFastAgiUrl('agi://127.0.0.1/ivr?x=1')).toEqual({
      host: '127.0.0.1',
      port: 4573,
      script: 'ivr?x=1',
    });
    expect(parseFastAgiUrl('agi://localhost:5000')).toEqual({
      host: 'localhost',
      port: 5000,
      script: '',
    });
    expect(parseFastAgiUrl('agi://[::1]:4574/a/b')).toEqual({
      host: '::1',
      port: 4574,
      script: 'a/b',
    });
    expect(parseFastAgiUrl('agi://host:99999/x')).toBeUndefined();
    expect(parseFastAgiUrl('agi:///x')).toBeUndefined();
  });

  it('should cut a command line at 8,191 bytes and answer an empty one 510, as res_agi did when tried', async () => {
    const { connection, pbx } = await rig();
    void pbx.call({ exten: '404' }).catch(() => {});
    const agi = await connection;
    await agi.until((c) => c.text.includes('\n\n'));
    agi.socket.write(`${'X'.repeat(9000)}\n`);
    await agi.until((c) => c.replies.length === 2);
    agi.socket.write('\n');
    await agi.until((c) => c.replies.length === 3);
    expect(agi.replies).toEqual([
      '510 Invalid or unknown command',
      '510 Invalid or unknown command',
      '510 Invalid or unknown command',
    ]);
    agi.socket.end();
    await agi.until((c) => c.closed);
  });

  it('should write HANGUP at once when the caller hangs up while no command runs', async () => {
    const { connection, pbx } = await rig();
    void pbx.call({ exten: '404' }).catch(() => {});
    const agi = await connection;
    await agi.until((c) => c.text.includes('\n\n'));
    pbx.hangup(pbx.channels().find((info) => info.name.endsWith(';1'))!.name);
    await agi.until((c) => c.replies.includes('HANGUP'));
    // Dead mode: media commands 511, variables still answered.
    agi.socket.write('ANSWER\nGET VARIABLE AGISTATUS\n');
    await agi.until((c) => c.replies.length === 3);
    expect(agi.replies).toEqual([
      'HANGUP',
      '511 Command Not Permitted on a dead channel or intercept routine',
      '200 result=0',
    ]);
    agi.socket.end();
    await agi.until((c) => c.closed);
    await expect.poll(() => pbx.channels().length).toBe(0);
  });

  it('should close a connection left open in dead mode when the PBX stops', async () => {
    const { connection, pbx } = await rig();
    void pbx.call({ exten: '404' }).catch(() => {});
    const agi = await connection;
    await agi.until((c) => c.text.includes('\n\n'));
    agi.socket.write('HANGUP\n');
    await agi.until((c) => c.replies.includes('HANGUP'));
    await pbx.stop();
    await agi.until((c) => c.closed);
  });
});
