import { randomUUID } from 'node:crypto';
import { AmiActionError, AmiConnection, type AmiMessage } from 'octostate/connection';
import { afterAll, describe, expect, it } from 'vitest';
import { liveTarget } from './liveTarget.js';

/**
 * The live suite: the same guarantees as the scripted-server tests, against a real Asterisk running
 * `asterisk-etc/`. It runs when ASTERISK_AMI_URL is set or Docker can start one, and says why not.
 */
const { url, reason } = liveTarget();

describe.skipIf(!url)(`a real Asterisk (${reason})`, () => {
  const opened: AmiConnection[] = [];
  const open = async (authType: 'plain' | 'md5' = 'plain'): Promise<AmiConnection> => {
    const ami = AmiConnection.fromUrl(url!, { authType, reconnect: false });
    opened.push(ami);
    await ami.connect();
    return ami;
  };

  afterAll(async () => {
    await Promise.allSettled(opened.map((ami) => ami.close()));
  });

  it('should log in with the plain secret and answer Ping', async () => {
    const ami = await open();
    expect(ami.banner).toMatch(/^Asterisk Call Manager\//);
    expect((await ami.action('Ping')).get('Ping')).toBe('Pong');
  });

  it('should log in with the MD5 challenge', async () => {
    const ami = await open('md5');
    expect((await ami.action('Ping')).get('Ping')).toBe('Pong');
  });

  it('should collect CoreShowChannels as a list and run CLI commands', async () => {
    const ami = await open();
    const list = await ami.listAction('CoreShowChannels');
    expect(list.complete.get('EventList')).toBe('Complete');
    expect(Number(list.complete.get('ListItems'))).toBe(list.items.length);
    const version = await ami.action('Command', { Command: 'core show version' });
    expect(version.getAll('Output').join('\n')).toMatch(/^Asterisk \d+/);
  });

  it('should reject an unknown action with AmiActionError', async () => {
    const ami = await open();
    await expect(ami.action('NoSuchAction')).rejects.toBeInstanceOf(AmiActionError);
  });

  it('should see a whole call to 401 from Newchannel to Hangup', async () => {
    const ami = await open();
    const marker = randomUUID();
    const seen: AmiMessage[] = [];
    const hungUp = new Promise<void>((resolve) => {
      ami.bus.on('event', (event) => {
        if (event.get('Channel')?.startsWith('Local/401@default-')) seen.push(event);
        if (seen.filter((e) => e.name === 'Hangup').length === 2) resolve();
      });
    });
    const response = await ami.action('Originate', {
      Channel: 'Local/401@default',
      Application: 'Wait',
      Data: '5',
      Async: true,
      Variable: `AsyncOrigId=${marker}`,
    });
    expect(response.get('Message')).toBe('Originate successfully queued');
    await hungUp;
    const names = seen.map((e) => e.name);
    expect(names.indexOf('Newchannel')).toBeLessThan(names.indexOf('Hangup'));
    expect(seen.some((e) => e.name === 'VarSet' && e.get('Value') === marker)).toBe(true);
  }, 30_000);
});
