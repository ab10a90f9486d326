import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import { AmiActionError, AmiPermissionError } from '../../src/connection/errors.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';

/**
 * An action refused for want of privilege rejects with `AmiPermissionError` (an `AmiActionError`),
 * other refusals with a plain `AmiActionError`; on the embedded PBX with the shipped users
 * (`limited` may read `call` and write `originate` only). The live suite checks the same on Asterisk.
 */
let pbx: PbxHandle | undefined;
const connections: AmiConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close();
  await pbx?.stop();
  pbx = undefined;
});

async function logIn(user: string, secret: string): Promise<AmiConnection> {
  pbx ??= await startPbx({ port: 0 });
  const connection = AmiConnection.fromUrl(pbx.url.replace('ami://', `ami://${user}:${secret}@`), {
    logger: pino({ level: 'silent' }),
    reconnect: false,
  });
  connections.push(connection);
  await connection.connect();
  return connection;
}

describe('actions refused by Asterisk', () => {
  it('should reject with AmiPermissionError when the user lacks the privilege', async () => {
    const limited = await logIn('limited', 'limited');
    const refused = await limited.action('Hangup', { Channel: 'PJSIP/nobody' }).catch((e) => e);
    expect(refused).toBeInstanceOf(AmiPermissionError);
    expect(refused).toBeInstanceOf(AmiActionError);
    expect([refused.name, refused.action, refused.message]).toEqual([
      'AmiPermissionError',
      'Hangup',
      'Hangup failed: Permission denied',
    ]);
    await expect(limited.listAction('CoreShowChannels')).rejects.toBeInstanceOf(AmiPermissionError);
    expect((await limited.action('Ping')).get('Response')).toBe('Success');
  });

  it('should reject other refusals with a plain AmiActionError', async () => {
    const manager = await logIn('manager', 'secret');
    const refused = await manager.action('Hangup', { Channel: 'PJSIP/nobody' }).catch((e) => e);
    expect(refused).toBeInstanceOf(AmiActionError);
    expect(refused).not.toBeInstanceOf(AmiPermissionError);
  });
});
