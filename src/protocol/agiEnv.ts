/**
 * Decodes the `Env` of an `AsyncAGIStart`: URL-encoded `agi_key: value` lines (ending `%0A%0A`)
 * into a record. Keys keep their `agi_` prefix, so they read as in any AGI documentation.
 *
 * @example
 * decodeAgiEnv('agi_request%3A%20async%0Aagi_channel%3A%20Local%2F403%40default-00000001%3B2%0A%0A');
 * // { agi_request: 'async', agi_channel: 'Local/403@default-00000001;2' }
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
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return out;
}

/**
 * URL-encodes as Asterisk's `ast_uri_encode` with `ast_uri_http` does: everything but letters,
 * digits and the RFC 2396 marks `-_.!~*'()`, which is exactly what `encodeURIComponent` leaves
 * alone (`200 result=1 (BUSY)` stays `200%20result%3D1%20(BUSY)%0A`).
 */
export function encodeAgiText(text: string): string {
  return encodeURIComponent(text);
}
