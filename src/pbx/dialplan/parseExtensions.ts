import { parseIni } from '../config/ini.js';

/** One dialplan step: `exten => 401,1,Answer()`. */
export interface DialplanStep {
  readonly priority: number;
  readonly app: string;
  /** The raw argument text between the parentheses, before `${VAR}` substitution. */
  readonly data: string;
  readonly label?: string;
}

/** context -> extension -> steps sorted by priority. */
export type Dialplan = ReadonlyMap<string, ReadonlyMap<string, readonly DialplanStep[]>>;

/**
 * Reads `extensions.conf`: `exten => <ext>,<prio>,<App>(<data>)` and `same => n,...` lines, `n`
 * and `n(label)` priorities. Sections `general` and `globals` are not contexts.
 *
 * @example
 * const plan = parseExtensions('[default]\nexten => 401,1,Answer()\n same => n,Hangup()\n');
 * plan.get('default')?.get('401')?.map((s) => s.app); // ['Answer', 'Hangup']
 */
export function parseExtensions(text: string): Dialplan {
  const plan = new Map<string, Map<string, DialplanStep[]>>();
  for (const section of parseIni(text)) {
    const name = section.name.toLowerCase();
    if (name === 'general' || name === 'globals' || !section.name) continue;
    const context = new Map<string, DialplanStep[]>();
    plan.set(section.name, context);
    let lastExten: string | undefined;
    let lastPriority = 0;
    for (const [key, value] of section.entries) {
      const k = key.toLowerCase();
      if (k !== 'exten' && k !== 'same') continue;
      const parts = splitFirst(value, k === 'exten' ? 2 : 1);
      if (!parts) continue;
      const exten = k === 'exten' ? parts[0]! : lastExten;
      if (exten === undefined) continue;
      const prioText = (k === 'exten' ? parts[1] : parts[0])!.trim();
      const appText = parts.at(-1)!.trim();
      const labelMatch = /^(\w+|n)\((\w+)\)$/.exec(prioText);
      const base = labelMatch ? labelMatch[1]! : prioText;
      const priority =
        base === 'n' ? lastPriority + 1 : base === 'hint' ? Number.NaN : Number.parseInt(base, 10);
      if (!Number.isFinite(priority)) continue;
      const { app, data } = splitApp(appText);
      const steps = context.get(exten) ?? [];
      steps.push({ priority, app, data, ...(labelMatch ? { label: labelMatch[2]! } : {}) });
      steps.sort((a, b) => a.priority - b.priority);
      context.set(exten, steps);
      lastExten = exten;
      lastPriority = priority;
    }
  }
  return plan;
}

/**
 * The `[globals]` section of `extensions.conf`: the global variables the dialplan starts with.
 *
 * @example
 * parseGlobals('[globals]\nFASTAGI_PORT=4573\n').get('FASTAGI_PORT'); // '4573'
 */
export function parseGlobals(text: string): Map<string, string> {
  const globals = new Map<string, string>();
  for (const section of parseIni(text)) {
    if (section.name.toLowerCase() !== 'globals') continue;
    for (const [key, value] of section.entries) globals.set(key, value);
  }
  return globals;
}

/** `App(data)` or `App,data` (old style) or `App`. */
export function splitApp(text: string): { app: string; data: string } {
  const paren = text.indexOf('(');
  if (paren >= 0) {
    const end = text.lastIndexOf(')');
    return {
      app: text.slice(0, paren).trim(),
      data: text.slice(paren + 1, end > paren ? end : undefined),
    };
  }
  const comma = text.indexOf(',');
  if (comma >= 0) return { app: text.slice(0, comma).trim(), data: text.slice(comma + 1) };
  return { app: text.trim(), data: '' };
}

/** Splits off the first `n` comma-separated fields; the remainder is the last element. */
function splitFirst(value: string, n: number): string[] | undefined {
  const out: string[] = [];
  let rest = value;
  for (let i = 0; i < n; i++) {
    const c = rest.indexOf(',');
    if (c < 0) return undefined;
    out.push(rest.slice(0, c));
    rest = rest.slice(c + 1);
  }
  out.push(rest);
  return out;
}
