/**
 * Decodes the `Env` of an `AsyncAGIStart`: URL-encoded `agi_key: value` lines (ending `%0A%0A`)
 * into a record without the `agi_` prefix.
 *
 * @example
 * decodeAgiEnv('agi_request%3A%20async%0Aagi_channel%3A%20Local%2F403%40default-00000001%3B2%0A%0A');
 * // { request: 'async', channel: 'Local/403@default-00000001;2' }
 */
export function decodeAgiEnv(env: string): Record<string, string> {
  let text: string;
  try {
    text = decodeURIComponent(env);
  } catch {
    text = env;
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    out[key.startsWith('agi_') ? key.slice(4) : key] = line.slice(colon + 1).trim();
  }
  return out;
}

/**
 * Encodes an AGI environment as Asterisk writes it into `AsyncAGIStart`'s `Env` (for servers and
 * fakes). Asterisk escapes everything but unreserved characters, as `encodeURIComponent` does,
 * and also escapes `()!*'`, which that function leaves alone.
 */
export function encodeAgiEnv(entries: ReadonlyArray<readonly [string, string]>): string {
  const text = `${entries.map(([key, value]) => `agi_${key}: ${value}`).join('\n')}\n\n`;
  return encodeAgiText(text);
}

/** URL-encodes as Asterisk's `ast_uri_encode` with the AGI flags does. */
export function encodeAgiText(text: string): string {
  return encodeURIComponent(text).replace(
    /[()!*']/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
