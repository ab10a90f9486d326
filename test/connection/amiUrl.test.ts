import { describe, expect, it } from 'vitest';
import { parseAmiUrl, redactAmiUrl } from '../../src/connection/amiUrl.js';
import { AmiUrlError } from '../../src/connection/errors.js';
import { AmiError } from '../../src/protocol/errors.js';

describe('parseAmiUrl', () => {
  it('should read user, secret, host and port of an ami:// URL', () => {
    expect(parseAmiUrl('ami://manager:secret@127.0.0.1:5038')).toEqual({
      host: '127.0.0.1',
      port: 5038,
      username: 'manager',
      secret: 'secret',
      tls: false,
    });
  });

  it('should default the port to 5038, and to 5039 with TLS', () => {
    expect(parseAmiUrl('ami://u:p@pbx.example.com').port).toBe(5038);
    const tls = parseAmiUrl('amis://u:p@pbx.example.com');
    expect(tls).toMatchObject({ port: 5039, tls: true, host: 'pbx.example.com' });
  });

  it('should percent-decode the user and the secret', () => {
    const settings = parseAmiUrl('ami://my%20user:p%40ss%3Aw0rd%2F@h:1');
    expect(settings.username).toBe('my user');
    expect(settings.secret).toBe('p@ss:w0rd/');
  });

  it('should accept IPv6 literals', () => {
    expect(parseAmiUrl('ami://u:p@[::1]:6000')).toMatchObject({ host: '::1', port: 6000 });
  });

  it('should read authType and events from the query', () => {
    expect(parseAmiUrl('ami://u:p@h?authType=MD5&events=off')).toMatchObject({
      authType: 'md5',
      events: 'off',
    });
    expect(parseAmiUrl('ami://u:p@h?auth=plain').authType).toBe('plain');
  });

  it('should refuse other schemes, missing users, bad auth types and non-URLs', () => {
    expect(() => parseAmiUrl('http://u:p@h')).toThrow(AmiError);
    expect(() => parseAmiUrl('ami://h:5038')).toThrow(/user/);
    expect(() => parseAmiUrl('ami://u:p@h?authType=sha1')).toThrow(/authType/);
    expect(() => parseAmiUrl('not a url')).toThrow(AmiError);
  });

  it('should not leak the secret in the error of a malformed URL', () => {
    expect(() => parseAmiUrl('ami://u:topsecret@h:notaport')).toThrow(AmiError);
    try {
      parseAmiUrl('ami://u:topsecret@h:notaport');
    } catch (error) {
      expect((error as Error).message).not.toContain('topsecret');
    }
  });
});

describe('parseAmiUrl on a secret that is not percent-encoded', () => {
  /** The error of parsing `text`, which must throw. */
  function failure(text: string): AmiUrlError {
    try {
      parseAmiUrl(text);
    } catch (error) {
      expect(error).toBeInstanceOf(AmiUrlError);
      return error as AmiUrlError;
    }
    throw new Error(`${text} parsed`);
  }

  it('should name the secret and say how to write a / in it, never echoing the URL', () => {
    const error = failure('ami://manager:LEAK/me1@127.0.0.1:5038');
    expect(error.part).toBe('secret');
    expect(error.message).toContain('%2F');
    expect(error.message).not.toContain('LEAK');
    expect(error.message).not.toContain('me1');
  });

  it('should name the secret and say how to write an @ in it', () => {
    const error = failure('ami://manager:LE@KED@127.0.0.1:5038');
    expect(error.part).toBe('secret');
    expect(error.message).toContain('%40');
    expect(error.message).not.toMatch(/LE|KED/);
  });

  it('should explain a stray % instead of a bare "URI malformed"', () => {
    const error = failure('ami://manager:100%LEAK@127.0.0.1:5038');
    expect(error.part).toBe('secret');
    expect(error.message).toContain('%25');
    expect(error.message).not.toContain('URI malformed');
    expect(error.message).not.toContain('LEAK');
    const notUtf8 = failure('ami://manager:LEAK%FF@127.0.0.1:5038');
    expect(notUtf8.part).toBe('secret');
    expect(notUtf8.message).not.toContain('LEAK');
  });

  it('should name the user name when it is the part that is wrong', () => {
    const error = failure('ami://man ager:secret@127.0.0.1:5038');
    expect(error.part).toBe('user');
    expect(error.message).toContain('%20');
  });

  it('should name the host or the port without echoing the secret', () => {
    const port = failure('ami://u:LEAK@127.0.0.1:99999');
    expect(port.part).toBe('port');
    expect(port.message).not.toContain('LEAK');
    const host = failure('ami://u:LEAK@[nonsense:5038');
    expect(host.part).toBe('host');
    expect(host.message).not.toContain('LEAK');
    const notAUrl = failure('manager:LEAK@127.0.0.1');
    expect(notAUrl.part).toBe('scheme');
    expect(notAUrl.message).not.toContain('LEAK');
  });

  it('should still accept every character once encoded with encodeURIComponent', () => {
    const secret = 'LEAK/me1@x%y:z?#[] é';
    const settings = parseAmiUrl(`ami://manager:${encodeURIComponent(secret)}@127.0.0.1:5038`);
    expect(settings.secret).toBe(secret);
    // RFC 3986 lets a secret hold ':' and sub-delimiters as they are.
    expect(parseAmiUrl("ami://u:a:b!$&'()*+,;=@h").secret).toBe("a:b!$&'()*+,;=");
  });
});

describe('redactAmiUrl', () => {
  it('should hide all of a secret holding an unencoded @ or /', () => {
    expect(redactAmiUrl('ami://manager:LE@KED@pbx:5038')).toBe('ami://manager:***@pbx:5038');
    expect(redactAmiUrl('ami://manager:LEAK/me1@pbx:5038')).toBe('ami://manager:***@pbx:5038');
  });

  it('should hide the secret and keep the rest', () => {
    expect(redactAmiUrl('ami://manager:secret@pbx:5038')).toBe('ami://manager:***@pbx:5038');
    expect(redactAmiUrl('amis://a:b@c')).toBe('amis://a:***@c');
    expect(redactAmiUrl('ami://pbx:5038')).toBe('ami://pbx:5038');
  });
});
