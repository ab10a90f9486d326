import { describe, expect, it } from 'vitest';
import { parseAmiUrl, redactAmiUrl } from '../../src/connection/amiUrl.js';
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

describe('redactAmiUrl', () => {
  it('should hide the secret and keep the rest', () => {
    expect(redactAmiUrl('ami://manager:secret@pbx:5038')).toBe('ami://manager:***@pbx:5038');
    expect(redactAmiUrl('amis://a:b@c')).toBe('amis://a:***@c');
    expect(redactAmiUrl('ami://pbx:5038')).toBe('ami://pbx:5038');
  });
});
