import { AmiActionError, AmiPermissionError } from 'octostate';
import { AmiConnection } from 'octostate/connection';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { liveTarget } from './liveTarget.js';

/**
 * The real Asterisk's answer to an action the user may not run (`limited`: read `call`, write
 * `originate`) is `Permission denied`: the client rejects with `AmiPermissionError`; another
 * refusal stays a plain `AmiActionError`. `test/connection/permission.test.ts` checks the same on
 * the embedded PBX.
 */
const { url, reason } = liveTarget();

describe.skipIf(!url)(`refused actions on a real Asterisk (${reason})`, () => {
  const open = async (user: string, secret: string) => {
    const target = new URL(url ?? '');
    target.username = user;
    target.password = secret;
    const connection = AmiConnection.fromUrl(target.href, {
      logger: pino({ level: 'silent' }),
      reconnect: false,
    });
    await connection.connect();
    return connection;
  };

  it('should reject with AmiPermissionError what the user lacks the privilege for', async () => {
    const limited = await open('limited', 'limited');
    try {
      const refused = await limited.action('Hangup', { Channel: 'PJSIP/nobody' }).catch((e) => e);
      expect(refused).toBeInstanceOf(AmiPermissionError);
      expect(refused.message).toBe('Hangup failed: Permission denied');
      await expect(limited.listAction('CoreShowChannels')).rejects.toBeInstanceOf(
        AmiPermissionError,
      );
      expect((await limited.action('Ping')).get('Response')).toBe('Success');
    } finally {
      await limited.close();
    }
    const manager = await open('manager', 'secret');
    try {
      const refused = await manager.action('Hangup', { Channel: 'PJSIP/nobody' }).catch((e) => e);
      expect(refused).toBeInstanceOf(AmiActionError);
      expect(refused).not.toBeInstanceOf(AmiPermissionError);
    } finally {
      await manager.close();
    }
  });
});
