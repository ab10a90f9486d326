import { AmiError } from '../protocol/errors.js';

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

/**
 * Parses `ami://user:secret@host:port` (`amis://` for TLS). User and secret are percent-decoded, so
 * a secret with `@` or `:` is written `%40`, `%3A`. The port defaults to 5038 (5039 for `amis`).
 * Query options: `authType=plain|md5` and `events=on|off|<mask>`.
 *
 * @example
 * parseAmiUrl('ami://manager:secret@127.0.0.1:5038');
 * // { host: '127.0.0.1', port: 5038, username: 'manager', secret: 'secret', tls: false }
 */
export function parseAmiUrl(text: string): AmiUrlSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new AmiError(`Not a URL: ${redactAmiUrl(text)}`, { cause: error });
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme !== 'ami' && scheme !== 'amis') {
    throw new AmiError(`AMI URLs start with ami:// or amis://, not ${scheme}://`);
  }
  const tls = scheme === 'amis';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new AmiError('The AMI URL has no host');
  const port = url.port ? Number(url.port) : tls ? DEFAULT_AMIS_PORT : DEFAULT_AMI_PORT;
  const username = decodeURIComponent(url.username);
  if (!username) throw new AmiError('The AMI URL has no user name (ami://user:secret@host)');
  const settings: AmiUrlSettings = {
    host,
    port,
    username,
    secret: decodeURIComponent(url.password),
    tls,
  };
  const authType = url.searchParams.get('authType') ?? url.searchParams.get('auth');
  if (authType !== null) {
    const lower = authType.toLowerCase();
    if (lower !== 'plain' && lower !== 'md5') {
      throw new AmiError(`authType must be plain or md5, not ${authType}`);
    }
    settings.authType = lower;
  }
  const events = url.searchParams.get('events');
  if (events !== null) settings.events = events;
  return settings;
}

/**
 * The URL with its secret replaced by `***`, for logs and error messages. Works on text that is not
 * a valid URL too.
 *
 * @example
 * redactAmiUrl('ami://manager:secret@pbx:5038'); // 'ami://manager:***@pbx:5038'
 */
export function redactAmiUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
