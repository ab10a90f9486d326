import { AgiDeadChannelError, AgiError, AgiInvalidCommandError, AgiUsageError } from './errors.js';

/** A successful (`200`) AGI reply, split into its parts. */
export interface AgiResult {
  /** The AGI status code: always 200 here (other codes become errors). */
  code: 200;
  /** The `result=` value as written (`'1'`, `'-1'`, `'49'`, `'12345'`). */
  result: string;
  /** The text in parentheses, if any (`GET VARIABLE`'s value, `(timeout)` of `GET DATA`). */
  data?: string;
  /** `endpos=` of playback commands: the sample offset where playback stopped. */
  endpos?: number;
  /** The whole decoded reply line, for logs. */
  raw: string;
}

const SUCCESS = /^200 result=(-?[^\s(]*)(?: \((.*)\))?(?: endpos=(\d+))?\s*$/s;

/**
 * Parses an AGI reply, as carried URL-encoded in the `Result` of `AsyncAGIExec`: `200 result=1`,
 * `200 result=1 (value)`, `200 result=0 endpos=3404`. Non-200 replies throw the matching typed
 * error: {@link AgiInvalidCommandError} (510), {@link AgiDeadChannelError} (511),
 * {@link AgiUsageError} (520, with the usage text), {@link AgiError} for anything else.
 *
 * @example
 * parseAgiResult('200%20result%3D49%0A', { encoded: true }); // { code: 200, result: '49', raw: '200 result=49' }
 */
export function parseAgiResult(reply: string, options: { encoded?: boolean } = {}): AgiResult {
  const text = (options.encoded ? safeDecode(reply) : reply).replace(/\n+$/, '');
  const status = Number.parseInt(text.slice(0, 3), 10);
  if (status === 200) {
    const match = SUCCESS.exec(text);
    if (!match) throw new AgiError(`Unreadable AGI reply: ${text}`, 200, text);
    const parsed: AgiResult = { code: 200, result: match[1] ?? '', raw: text };
    if (match[2] !== undefined) parsed.data = match[2];
    if (match[3] !== undefined) parsed.endpos = Number(match[3]);
    return parsed;
  }
  if (status === 510) throw new AgiInvalidCommandError(text.slice(4) || text, 510, text);
  if (status === 511) throw new AgiDeadChannelError(text.slice(4) || text, 511, text);
  if (status === 520) {
    // `520-Invalid command syntax.  Proper usage follows:` ... usage lines ... `520 End of proper usage.`
    const lines = text.split('\n');
    const usage = lines
      .filter((line) => !/^520[- ]/.test(line))
      .join('\n')
      .trim();
    return throwUsage(text, usage);
  }
  throw new AgiError(`AGI command failed: ${text}`, Number.isNaN(status) ? 0 : status, text);
}

function throwUsage(text: string, usage: string): never {
  throw new AgiUsageError(
    `AGI usage error${usage ? `: ${usage.split('\n')[0]}` : ''}`,
    text,
    usage,
  );
}

/**
 * The digit an AGI result stands for: `WAIT FOR DIGIT`, `STREAM FILE` and friends answer with the
 * ASCII code of the key pressed (`49` is `1`), `0` when none was.
 *
 * @example
 * digitFromResult('49'); // '1'
 * digitFromResult('0'); // undefined
 */
export function digitFromResult(result: string): string | undefined {
  const code = Number.parseInt(result, 10);
  if (!Number.isFinite(code) || code <= 0) return undefined;
  return String.fromCharCode(code);
}

/** Asterisk encodes with `%XX`; a stray `%` must not turn a reply into an exception. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
