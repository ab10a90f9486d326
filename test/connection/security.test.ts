import { afterEach, describe, expect, it } from 'vitest';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import { AmiAuthenticationError, AmiUrlError } from '../../src/connection/errors.js';
import { md5Key } from '../../src/connection/login.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';
import { selfSignedCert } from './selfSignedCert.js';
import {
  capturingLogger,
  cleanUp,
  connection,
  rejectionOf,
  server,
  settle,
  silent,
} from './support.js';

afterEach(cleanUp);

/** A secret with every character a URL or a log line could trip on. */
const SECRET = 'Hunter2/s3cr@t%25:x?#';
const WRONG = 'Wr0ng/p@ss%word';
const CHALLENGE = '494248310';

/** Every form in which a secret could leak: as it is, URL-encoded, as an MD5 key. */
function leaksOf(secret: string): string[] {
  return [secret, encodeURIComponent(secret), md5Key(CHALLENGE, secret)];
}

/** Everything an error can print: message, stack and causes, down the chain. */
function printed(error: unknown): string {
  let text = '';
  for (let e = error; e instanceof Error; e = e.cause) text += `${e.message}\n${e.stack}\n`;
  return text;
}

describe('secrets in trace-level logs', () => {
  it('should log neither the secret nor the MD5 key, plain or MD5, accepted or refused', async () => {
    const target = await server({ secret: SECRET, challenge: CHALLENGE });
    const log = capturingLogger('trace');
    for (const authType of ['plain', 'md5'] as const) {
      await connection(target, { secret: SECRET, authType, logger: log.logger }).connect();
      const refused = connection(target, { secret: WRONG, authType, logger: log.logger });
      const error = await rejectionOf(refused.connect());
      expect(error).toBeInstanceOf(AmiAuthenticationError);
      for (const leak of [...leaksOf(SECRET), ...leaksOf(WRONG)]) {
        expect(printed(error)).not.toContain(leak);
      }
    }
    await cleanUp();
    const text = log.text();
    // The logs did see the logins, with the secret and the key redacted.
    expect(text.match(/"action":"Login"/g)?.length).toBe(4);
    expect(text).toContain('"action":"Challenge"');
    expect(text).toContain('[Redacted]');
    expect(text).toContain('AMI login as manager refused');
    for (const leak of [...leaksOf(SECRET), ...leaksOf(WRONG)]) expect(text).not.toContain(leak);
  });

  it('should keep a secret given in a URL out of a runtime logs and errors', async () => {
    const target = await server({ secret: SECRET });
    const log = capturingLogger('trace');
    const url = (secret: string) =>
      `ami://manager:${encodeURIComponent(secret)}@127.0.0.1:${target.port}`;
    const runtime = createRuntime({ url: url(SECRET), logger: log.logger });
    await runtime.ready();
    await runtime.close();
    const refused = createRuntime({ url: url(WRONG), logger: log.logger });
    const error = await rejectionOf(refused.ready());
    await refused.close();
    expect(error).toBeInstanceOf(AmiAuthenticationError);
    expect(log.text()).toContain('"action":"Login"');
    for (const leak of [...leaksOf(SECRET), ...leaksOf(WRONG)]) {
      expect(log.text()).not.toContain(leak);
      expect(printed(error)).not.toContain(leak);
    }
  });

  it('should keep the secret of a URL that does not parse out of errors and logs', () => {
    const log = capturingLogger('trace');
    const bad = [
      'ami://manager:LEAK/me1@127.0.0.1:5038',
      'ami://manager:LE@KED@127.0.0.1:5038',
      'ami://manager:100%LEAK@127.0.0.1:5038',
      'ami://manager:LEAK@127.0.0.1:notaport',
      'ami://manager:LEAK@[127.0.0.1:5038',
      'manager:LEAK@127.0.0.1',
    ];
    for (const url of bad) {
      for (const open of [
        () => createRuntime({ url, logger: log.logger }),
        () => AmiConnection.fromUrl(url, { logger: log.logger }),
      ]) {
        let error: unknown;
        try {
          open();
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(AmiUrlError);
        expect(printed(error)).not.toMatch(/LEAK|KED|me1/);
      }
    }
    expect(log.text()).not.toMatch(/LEAK|KED|me1/);
  });
});

describe('AMI over TLS', () => {
  it('should log in and run actions with a certificate it verifies', async () => {
    const { key, cert } = selfSignedCert();
    const target = await server({ tls: { key, cert } });
    const ami = connection(target, { tls: { ca: cert } });
    await ami.connect();
    expect((await ami.action('Ping')).get('Ping')).toBe('Pong');
  });

  it('should connect from an amis:// URL', async () => {
    const { key, cert } = selfSignedCert();
    const target = await server({ tls: { key, cert } });
    const ami = AmiConnection.fromUrl(target.url, {
      tls: { ca: cert },
      logger: silent,
      keepaliveIntervalMs: false,
    });
    try {
      await ami.connect();
      expect(ami.state).toBe('connected');
    } finally {
      await ami.close();
    }
  });

  it('should refuse a wrong certificate before sending anything', async () => {
    const trusted = selfSignedCert();
    const cases = [
      // Signed by no one it trusts.
      { serves: selfSignedCert(), trusts: undefined, code: /SELF_SIGNED|UNABLE_TO_VERIFY/ },
      // Another certificate than the one it trusts, for the same name.
      { serves: selfSignedCert(), trusts: trusted.cert, code: /SELF_SIGNED|UNABLE_TO_VERIFY/ },
      // A trusted certificate for another host.
      {
        serves: selfSignedCert('pbx.example.com'),
        trusts: undefined as string | undefined,
        code: /ERR_TLS_CERT_ALTNAME_INVALID/,
        trustsServed: true,
      },
    ];
    for (const { serves, trusts, code, trustsServed } of cases) {
      const target = await server({ tls: serves });
      const ca = trustsServed ? serves.cert : trusts;
      const ami = connection(target, { tls: ca === undefined ? true : { ca } });
      const error = await rejectionOf(ami.connect());
      expect((error as NodeJS.ErrnoException).code).toMatch(code);
      expect(ami.state).toBe('closed');
      // The secret never went out: not even the Login action reached the server.
      expect(target.actions).toHaveLength(0);
    }
  });

  it('should accept an unverified certificate only when told to', async () => {
    const target = await server({ tls: selfSignedCert('pbx.example.com') });
    const strict = await settle(connection(target, { tls: true }).connect());
    expect(strict.ok).toBe(false);
    const told = connection(target, { tls: { rejectUnauthorized: false } });
    await told.connect();
    expect((await told.action('Ping')).get('Ping')).toBe('Pong');
  });
});
