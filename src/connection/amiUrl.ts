import { AmiUrlError } from './errors.js';

/** Connection settings carried by an `ami://` or `amis://` URL. */
export interface AmiUrlSettings {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** True for `amis://` (AMI over TLS). */
  tls: boolean;
  /** From `?authType=md5` (or `?auth=md5`); absent means the connection's default. */
  authType?: 'plain' | 'md5';
  /** From `?events=off` (or a class mask like `call,agent`). */
  events?: string;
}

/** Asterisk's default AMI port (`manager.conf`, `port`). */
export const DEFAULT_AMI_PORT = 5038;
/** Asterisk's default AMI-over-TLS port (`manager.conf`, `tlsbindport`). */
export const DEFAULT_AMIS_PORT = 5039;

const SHAPE = 'an AMI URL looks like ami://user:secret@host:port (amis:// for TLS)';
const ENCODE_HINT = 'encode the user name and the secret with encodeURIComponent';

/**
 * Parses `ami://user:secret@host:port` (`amis://` for TLS). User and secret are percent-encoded
 * (RFC 3986 userinfo): a secret with `/`, `@`, `%`, `?` or `#` is written with `%2F`, `%40`, `%25`,
 * `%3F`, `%23` (`encodeURIComponent` does it); `:` and `!$&'()*+,;=` may stay as they are. The port
 * defaults to 5038 (5039 for `amis`). Query options: `authType=plain|md5` and
 * `events=on|off|<mask>`.
 *
 * Throws an {@link AmiUrlError} naming the part at fault and how to write it; the message never
 * holds the URL or the secret.
 *
 * @example
 * parseAmiUrl('ami://manager:secret@127.0.0.1:5038');
 * // { host: '127.0.0.1', port: 5038, username: 'manager', secret: 'secret', tls: false }
 * parseAmiUrl('ami://manager:a/b@pbx'); // throws: the secret holds a '/': write it as %2F
 */
export function parseAmiUrl(text: string): AmiUrlSettings {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (!scheme) throw new AmiUrlError(`Not an AMI URL: ${SHAPE}`, 'scheme');
  const name = (scheme[1] ?? '').toLowerCase();
  if (name !== 'ami' && name !== 'amis') {
    throw new AmiUrlError(`AMI URLs start with ami:// or amis://, not ${name}://`, 'scheme');
  }
  const tls = name === 'amis';
  const rest = text.slice(scheme[0].length);
  // Host, port and query never hold an '@'; an '@' before the last one is in the user or secret.
  const at = rest.lastIndexOf('@');
  if (at === -1) {
    throw new AmiUrlError(`The AMI URL has no user name: ${SHAPE}`, 'user');
  }
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  const username = decodePart(colon === -1 ? userinfo : userinfo.slice(0, colon), 'user');
  if (!username) throw new AmiUrlError(`The AMI URL has no user name: ${SHAPE}`, 'user');
  const secret = colon === -1 ? '' : decodePart(userinfo.slice(colon + 1), 'secret');
  const url = parseHostAndQuery(name, rest.slice(at + 1));
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new AmiUrlError(`The AMI URL has no host: ${SHAPE}`, 'host');
  const port = url.port ? Number(url.port) : tls ? DEFAULT_AMIS_PORT : DEFAULT_AMI_PORT;
  const settings: AmiUrlSettings = { host, port, username, secret, tls };
  const authType = url.searchParams.get('authType') ?? url.searchParams.get('auth');
  if (authType !== null) {
    const lower = authType.toLowerCase();
    if (lower !== 'plain' && lower !== 'md5') {
      throw new AmiUrlError(`authType must be plain or md5, not ${authType}`, 'query');
    }
    settings.authType = lower;
  }
  const events = url.searchParams.get('events');
  if (events !== null) settings.events = events;
  return settings;
}

/** Host, port and query, parsed by WHATWG `URL` once the userinfo is gone. */
function parseHostAndQuery(scheme: string, hostAndQuery: string): URL {
  const authority = /^[^/?#]*/.exec(hostAndQuery)?.[0] ?? '';
  const portText = /:([^:\]]*)$/.exec(authority)?.[1];
  if (portText !== undefined && portText !== '') {
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) {
      throw new AmiUrlError(
        `The port of the AMI URL must be a number from 1 to 65535, not ${JSON.stringify(portText)}`,
        'port',
      );
    }
  }
  try {
    return new URL(`${scheme}://${hostAndQuery}`);
  } catch (error) {
    throw new AmiUrlError(
      `The host of the AMI URL is not valid: ${JSON.stringify(authority)} (${SHAPE})`,
      'host',
      { cause: error },
    );
  }
}

/** Characters RFC 3986 allows as they are in a userinfo (besides `%XX`); `:` only in the secret. */
const USERINFO_CHARS = /[A-Za-z0-9\-._~!$&'()*+,;=\u0080-\uFFFF]/;

/** Percent-decodes the user name or the secret, or says what is wrong without showing it. */
function decodePart(raw: string, part: 'user' | 'secret'): string {
  const label = part === 'user' ? 'user name' : 'secret';
  for (let i = 0; i < raw.length; i += 1) {
    const char = raw.charAt(i);
    if (char === '%') {
      if (!/^[0-9a-f]{2}$/i.test(raw.slice(i + 1, i + 3))) {
        throw new AmiUrlError(
          `The ${label} in the AMI URL has a % that does not start a %XX escape: write a % as %25 (${ENCODE_HINT})`,
          part,
        );
      }
      i += 2;
    } else if (!(USERINFO_CHARS.test(char) || (part === 'secret' && char === ':'))) {
      throw new AmiUrlError(
        `The ${label} in the AMI URL holds ${describe(char)}, which must be written ${percentEncode(char)} (${ENCODE_HINT})`,
        part,
      );
    }
  }
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    throw new AmiUrlError(
      `The ${label} in the AMI URL has %XX escapes that are not UTF-8 (${ENCODE_HINT})`,
      part,
      { cause: error },
    );
  }
}

function describe(char: string): string {
  if (char === ' ') return 'a space';
  if (char < ' ' || char === '\u007f') return 'a control character';
  return `a '${char}'`;
}

function percentEncode(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * The URL with its secret replaced by `***`, for logs and error messages. Works on text that is not
 * a valid URL too: everything between the user name and the last `@` is hidden, so a secret that
 * holds an unencoded `@` or `/` is hidden whole.
 *
 * @example
 * redactAmiUrl('ami://manager:secret@pbx:5038'); // 'ami://manager:***@pbx:5038'
 */
export function redactAmiUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):.*@/is, '$1:***@');
}
