/** What a FastAGI connection was opened for: the `agi://` URL of the dialplan's `AGI()` call. */
export interface AgiRequest {
  /** `agi_request`: the whole URL, `agi://127.0.0.1:4573/ivr?lang=en`. */
  readonly url: string;
  /** The script path, without leading slash or query: `ivr` (`''` when the URL names none). */
  readonly script: string;
  /** The query parameters of the URL: `{ lang: 'en' }`. */
  readonly params: Readonly<Record<string, string>>;
  /** The `AGI()` arguments after the URL (`agi_arg_1`, `agi_arg_2`...), in order. */
  readonly args: readonly string[];
}

/**
 * Reads the script, query and arguments of a FastAGI environment: Asterisk sends the part of the
 * URL after the host as `agi_network_script` (`ivr?lang=en`), the URL as `agi_request`, and each
 * further `AGI()` argument as `agi_arg_N`.
 *
 * @example
 * parseAgiRequest({ agi_network_script: 'hello?greeting=hi', agi_arg_1: 'one' });
 * // { url: '', script: 'hello', params: { greeting: 'hi' }, args: ['one'] }
 */
export function parseAgiRequest(env: Readonly<Record<string, string>>): AgiRequest {
  const url = env.agi_request ?? '';
  const fromUrl = /^agi:\/\/[^/]*\/?(.*)$/i.exec(url)?.[1];
  const target = env.agi_network_script ?? fromUrl ?? '';
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  const params: Record<string, string> = {};
  if (query !== -1) {
    for (const [key, value] of new URLSearchParams(target.slice(query + 1))) params[key] = value;
  }
  const args: string[] = [];
  for (let n = 1; env[`agi_arg_${n}`] !== undefined; n++) args.push(env[`agi_arg_${n}`]!);
  return { url, script: path.replace(/^\/+/, ''), params, args };
}
