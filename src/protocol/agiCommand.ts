import { AgiError } from './errors.js';

/**
 * Formats an AGI command line: the command words, then each argument, quoted when it holds a
 * space, a quote or a backslash, or is empty (Asterisk's AGI argument parser splits on blanks and
 * honours `"..."` with backslash escapes). Line breaks would end the command: refused.
 *
 * @example
 * formatAgiCommand('STREAM FILE', 'hello-world', ''); // 'STREAM FILE hello-world ""'
 * formatAgiCommand('EXEC', 'Dial', 'Local/agent@default,30'); // 'EXEC Dial Local/agent@default,30'
 */
export function formatAgiCommand(command: string, ...args: ReadonlyArray<string | number>): string {
  const parts = [command];
  for (const arg of args) {
    const text = String(arg);
    if (/[\r\n]/.test(text))
      throw new AgiError(`AGI argument contains a line break: ${JSON.stringify(text)}`, 0);
    parts.push(
      text === '' || /[\s"\\]/.test(text) ? `"${text.replace(/(["\\])/g, '\\$1')}"` : text,
    );
  }
  return parts.join(' ');
}
