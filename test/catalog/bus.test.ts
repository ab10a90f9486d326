import { afterEach, describe, expect, it } from 'vitest';
import type { AmiEventMessage } from '../../src/protocol/amiEvent.js';
import { cleanUp, connection, server } from '../connection/support.js';

describe('typed per-event listeners on the AMI bus', () => {
  afterEach(cleanUp);

  it('should publish each event under its own name as well as under event', async () => {
    const target = await server();
    const ami = connection(target);
    await ami.connect();
    const hangups: AmiEventMessage<'Hangup'>[] = [];
    const all: string[] = [];
    const custom: string[] = [];
    ami.bus.on('Hangup', (event) => hangups.push(event));
    ami.bus.on('event', (event) => all.push(event.name));
    // A name the catalogue lacks still arrives, under `event` and under its own name.
    (ami.bus.on as (type: string, handler: () => void) => void)('NotInTheCatalog', () =>
      custom.push('seen'),
    );
    const done = new Promise<void>((resolve) => ami.bus.on('FullyBooted', () => resolve()));
    target.broadcast('Newchannel', [['Channel', 'Local/1@default-00000000;1']]);
    target.broadcast('Hangup', [
      ['Channel', 'Local/1@default-00000000;1'],
      ['Cause', '16'],
      ['Cause-txt', 'Normal Clearing'],
    ]);
    target.broadcast('NotInTheCatalog');
    target.broadcast('FullyBooted');
    await done;
    expect(all).toEqual(['Newchannel', 'Hangup', 'NotInTheCatalog', 'FullyBooted']);
    expect(hangups.map((event) => event.get('Cause-txt'))).toEqual(['Normal Clearing']);
    expect(custom).toEqual(['seen']);
  });
});
