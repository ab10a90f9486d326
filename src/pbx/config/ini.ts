/** One `[section]` of an Asterisk config file: its name and its `key = value` lines, in order. */
export interface IniSection {
  readonly name: string;
  readonly entries: ReadonlyArray<readonly [key: string, value: string]>;
}

/**
 * Parses the Asterisk config dialect shared by `manager.conf` and `extensions.conf`: `[section]`
 * headers, `key = value` and `key => value` lines, `;` comments (`\;` is a literal semicolon).
 * Entries before the first header land in a section named `''`. Templates (`[name](!)`) and
 * `#include` are not supported: the embedded PBX only reads the small configs it ships.
 *
 * @example
 * parseIni('[manager]\nsecret = s ; comment\n')[0]; // { name: 'manager', entries: [['secret', 's']] }
 */
export function parseIni(text: string): IniSection[] {
  const sections: { name: string; entries: [string, string][] }[] = [];
  let current: { name: string; entries: [string, string][] } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = stripComment(raw).trim();
    if (!line) continue;
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      current = { name: header[1]!.trim(), entries: [] };
      sections.push(current);
      continue;
    }
    const m = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (!m) continue;
    if (!current) {
      current = { name: '', entries: [] };
      sections.push(current);
    }
    current.entries.push([m[1]!.trim(), m[2]!.trim()]);
  }
  return sections;
}

function stripComment(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
    } else if (c === ';') {
      break;
    } else {
      out += c;
    }
  }
  return out;
}
