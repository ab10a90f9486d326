import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { connect, login } from './helpers/amiClient.js';

let pbx: PbxHandle | undefined;

afterEach(async () => {
  await pbx?.stop();
  pbx = undefined;
});

async function start(): Promise<PbxHandle> {
  pbx = await startPbx({ port: 0 });
  return pbx;
}

describe('AMI server', () => {
  it('should greet with the exact Asterisk banner line', async () => {
    const { port } = await start();
    const first = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('data', (d: Buffer) => {
        s.destroy();
        resolve(d.toString('latin1'));
      });
      s.on('error', reject);
    });
    expect(first).toBe('Asterisk Call Manager/11.0.0\r\n');
  });

  it("should hold a session's events while its action runs, as Asterisk's session thread does", async () => {
    const { port } = await start();
    const caller = await login(port);
    const watcher = await login(port);
    caller.send([
      ['Action', 'Originate'],
      ['ActionID', 'sync'],
      ['Channel', 'Local/401@default'],
      ['Application', 'Wait'],
      ['Data', '1'],
    ]);
    const answer = await caller.next((m) => m.get('ActionID') === 'sync');
    expect(answer.get('Response')).toBe('Success');
    // The originating session sees the call's events only after its answer; another sees them
    // as they happen.
    const answerAt = caller.messages.indexOf(answer);
    const newchannel = (list: typeof caller.messages) =>
      list.findIndex((m) => m.name === 'Newchannel' && m.get('Channel')?.startsWith('Local/401@'));
    expect(newchannel(caller.messages)).toBeGreaterThan(answerAt);
    await watcher.next((m) => m.name === 'Newchannel');
    expect(newchannel(watcher.messages)).toBeGreaterThanOrEqual(0);
    caller.close();
    watcher.close();
  });

  it('should refuse actions before login with Permission denied', async () => {
    const { port } = await start();
    const c = await connect(port);
    c.send([
      ['Action', 'Ping'],
      ['ActionID', 'p'],
    ]);
    const r = await c.next((m) => m.get('ActionID') === 'p');
    expect(r.get('Response')).toBe('Error');
    expect(r.get('Message')).toBe('Permission denied');
    c.close();
  });

  it('should answer a wrong secret with Authentication failed and close the socket', async () => {
    const { port } = await start();
    const c = await connect(port);
    c.send([
      ['Action', 'Login'],
      ['ActionID', 'l'],
      ['Username', 'manager'],
      ['Secret', 'wrong'],
    ]);
    const r = await c.next((m) => m.get('ActionID') === 'l');
    expect(r.get('Message')).toBe('Authentication failed');
    await c.closed;
  });

  it('should accept an MD5 login made from its challenge', async () => {
    const { port } = await start();
    const c = await connect(port);
    c.send([
      ['Action', 'Challenge'],
      ['ActionID', 'c'],
      ['AuthType', 'MD5'],
    ]);
    const challenge = (await c.next((m) => m.get('ActionID') === 'c')).get('Challenge') ?? '';
    expect(challenge).toMatch(/^\d{9}$/);
    c.send([
      ['Action', 'Login'],
      ['ActionID', 'l'],
      ['AuthType', 'MD5'],
      ['Username', 'manager'],
      ['Key', createHash('md5').update(`${challenge}secret`).digest('hex')],
    ]);
    expect((await c.next((m) => m.get('ActionID') === 'l')).get('Message')).toBe(
      'Authentication accepted',
    );
    expect((await c.next((m) => m.name === 'FullyBooted')).get('Status')).toBe('Fully Booted');
    c.close();
  });

  it('should answer unknown and missing actions as Asterisk does and survive garbage', async () => {
    const { port } = await start();
    const c = await login(port);
    c.send([
      ['Action', 'NoSuchAction'],
      ['ActionID', 'u'],
    ]);
    expect((await c.next((m) => m.get('ActionID') === 'u')).get('Message')).toBe(
      'Invalid/unknown command: NoSuchAction. Use Action: ListCommands to show available commands.',
    );
    expect((await c.next((m) => m.name === 'RequestBadFormat')).get('RequestType')).toBe(
      'Action: NoSuchAction',
    );
    c.send([
      ['ActionID', 'm'],
      ['Foo', 'bar'],
    ]);
    expect((await c.next((m) => m.get('ActionID') === 'm')).get('Message')).toBe(
      'Missing action in request',
    );
    c.write(Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]));
    c.write('no colon here\r\n\r\n');
    c.write(`Action: Ping\r\nX: ${'y'.repeat(200_000)}\r\n\r\n`);
    c.send([
      ['Action', 'Ping'],
      ['ActionID', 'after'],
    ]);
    expect((await c.next((m) => m.get('ActionID') === 'after')).get('Ping')).toBe('Pong');
    const other = await login(port);
    other.close();
    c.close();
  });

  it('should enforce write classes and report RequestNotAllowed to security readers', async () => {
    const { port } = await start();
    const admin = await login(port);
    const limited = await login(port, 'limited', 'limited');
    limited.send([
      ['Action', 'Command'],
      ['ActionID', 'cmd'],
      ['Command', 'core show version'],
    ]);
    const r = await limited.next((m) => m.get('ActionID') === 'cmd');
    expect(r.get('Response')).toBe('Error');
    expect(r.get('Message')).toBe('Permission denied');
    const ev = await admin.next((m) => m.name === 'RequestNotAllowed');
    expect(ev.get('AccountID')).toBe('limited');
    expect(ev.get('RequestType')).toBe('Action: Command');
    expect(
      limited.messages.some((m) => m.name === 'FullyBooted' || m.name === 'SuccessfulAuth'),
    ).toBe(false);
    admin.close();
    limited.close();
  });

  it('should stop sending events after Events: off', async () => {
    const p = await start();
    const c = await login(p.port);
    c.send([
      ['Action', 'Events'],
      ['ActionID', 'e'],
      ['EventMask', 'off'],
    ]);
    expect((await c.next((m) => m.get('ActionID') === 'e')).get('Events')).toBe('Off');
    const before = c.messages.length;
    const channel = await p.call({ exten: 'park' });
    p.hangup(channel);
    c.send([
      ['Action', 'Ping'],
      ['ActionID', 'p'],
    ]);
    await c.next((m) => m.get('ActionID') === 'p');
    expect(c.messages.slice(before).filter((m) => m.kind === 'event')).toEqual([]);
    c.close();
  });

  it('should say Goodbye on Logoff and close', async () => {
    const { port } = await start();
    const c = await login(port);
    c.send([
      ['Action', 'Logoff'],
      ['ActionID', 'bye'],
    ]);
    const r = await c.next((m) => m.get('ActionID') === 'bye');
    expect(r.get('Response')).toBe('Goodbye');
    await c.closed;
  });
});
