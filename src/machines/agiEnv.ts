/**
 * Decodes the `Env` field of an `AsyncAGIStart` event into a record.
 *
 * Asterisk URL-encodes the whole AGI environment (`agi_channel%3A%20Local%2F403...%0A`), one
 * `key: value` line per variable, ending with an empty line. Keys keep their `agi_` prefix so they
 * read as in any AGI documentation.
 *
 * @example
 * decodeAgiEnv('agi_request%3A%20async%0Aagi_extension%3A%20403%0A%0A');
 * // { agi_request: 'async', agi_extension: '403' }
 */
export function decodeAgiEnv(encoded: string): Record<string, string> {
  const env: Record<string, string> = {};
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    // A stray `%` (not produced by Asterisk, but cheap to survive) would make the whole env unreadable.
    text = encoded;
  }
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    env[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return env;
}
