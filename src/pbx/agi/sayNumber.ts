/**
 * The sound files Asterisk's English `say number` plays for an integer (digits/N for 0-20, tens,
 * `digits/hundred`, `digits/thousand`, `digits/million`, `digits/minus`).
 *
 * @example
 * numberFiles(342); // ['digits/3', 'digits/hundred', 'digits/40', 'digits/2']
 */
export function numberFiles(n: number): string[] {
  if (!Number.isFinite(n)) return [];
  if (n < 0) return ['digits/minus', ...numberFiles(-n)];
  const v = Math.floor(n);
  if (v < 20) return [`digits/${v}`];
  if (v < 100) return [`digits/${v - (v % 10)}`, ...(v % 10 ? [`digits/${v % 10}`] : [])];
  if (v < 1000) {
    const rest = v % 100;
    return [`digits/${Math.floor(v / 100)}`, 'digits/hundred', ...(rest ? numberFiles(rest) : [])];
  }
  if (v < 1_000_000) {
    const rest = v % 1000;
    return [
      ...numberFiles(Math.floor(v / 1000)),
      'digits/thousand',
      ...(rest ? numberFiles(rest) : []),
    ];
  }
  if (v < 1_000_000_000) {
    const rest = v % 1_000_000;
    return [
      ...numberFiles(Math.floor(v / 1_000_000)),
      'digits/million',
      ...(rest ? numberFiles(rest) : []),
    ];
  }
  const rest = v % 1_000_000_000;
  return [
    ...numberFiles(Math.floor(v / 1_000_000_000)),
    'digits/billion',
    ...(rest ? numberFiles(rest) : []),
  ];
}

/**
 * The files `SAY DIGITS` plays for a string: digits/N, digits/star, digits/pound, digits/minus;
 * other characters are skipped.
 *
 * @example
 * digitFiles('1*2'); // ['digits/1', 'digits/star', 'digits/2']
 */
export function digitFiles(text: string): string[] {
  const named: Record<string, string> = { '*': 'star', '#': 'pound', '-': 'minus' };
  return [...text]
    .map((c) => (/\d/.test(c) ? `digits/${c}` : named[c] ? `digits/${named[c]}` : ''))
    .filter(Boolean);
}
