/**
 * URL-encodes like Asterisk's `ast_uri_encode(..., ast_uri_http)` as seen in AsyncAGI events:
 * everything but letters, digits and `-_.~` becomes `%XX` (so `: ` is `%3A%20`, LF `%0A`).
 */
export function agiEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
