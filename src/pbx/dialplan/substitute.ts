import type { Channel } from '../channels/Channel.js';
import { stateDesc } from '../channels/channelState.js';

/**
 * Expands `${VAR}` (channel variable, else global), the few functions the demos use
 * (`CALLERID(num|name)`, `CHANNEL(state|name)`) and built-ins (`EXTEN`, `CONTEXT`, `PRIORITY`,
 * `CHANNEL`, `UNIQUEID`); nested `${...}` inside a name are expanded first. `$[a op b]` supports
 * `=`, `!=`, `<`, `>`, `&`, `|` on one level.
 */
export function substitute(
  text: string,
  ch: Channel | undefined,
  globals: ReadonlyMap<string, string>,
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '$' && (text[i + 1] === '{' || text[i + 1] === '[')) {
      const open = text[i + 1]!;
      const close = open === '{' ? '}' : ']';
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth > 0; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close) depth--;
      }
      const inner = substitute(text.slice(i + 2, j - 1), ch, globals);
      out += open === '{' ? lookup(inner, ch, globals) : evaluate(inner);
      i = j;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/** The value of a variable or function as `GetVar` and `${...}` see it ('' when unset). */
export function lookup(
  name: string,
  ch: Channel | undefined,
  globals: ReadonlyMap<string, string>,
): string {
  return findVariable(name, ch, globals) ?? '';
}

/**
 * The value of a variable or function, or `undefined` when it is not set (AGI GET VARIABLE then
 * answers `result=0`; an empty value is `result=1 ()`).
 */
export function findVariable(
  name: string,
  ch: Channel | undefined,
  globals: ReadonlyMap<string, string>,
): string | undefined {
  const fn = /^(\w+)\((.*)\)$/.exec(name);
  if (fn && ch) {
    const arg = fn[2]!.toLowerCase();
    switch (fn[1]!.toUpperCase()) {
      case 'CALLERID':
        // An unknown CALLERID field reads as empty (AGI GET VARIABLE: `result=1 ()`).
        if (arg === 'name') return ch.callerName;
        if (arg === 'num') return ch.callerNum;
        return arg === 'all' ? `"${ch.callerName}" <${ch.callerNum}>` : '';
      case 'CHANNEL':
        if (arg === 'state') return stateDesc(ch.state);
        if (arg === 'name') return ch.name;
        if (arg === 'language') return ch.language;
        return undefined;
      default:
        return undefined;
    }
  }
  if (ch) {
    switch (name) {
      case 'EXTEN':
        return ch.exten;
      case 'CONTEXT':
        return ch.context;
      case 'PRIORITY':
        return String(ch.priority);
      case 'CHANNEL':
        return ch.name;
      case 'UNIQUEID':
        return ch.uniqueid;
      default:
    }
    const v = ch.vars.get(name);
    if (v !== undefined) return v;
  }
  return globals.get(name);
}

function evaluate(expr: string): string {
  const m = /^\s*(.*?)\s*(!=|=|<=|>=|<|>|&|\|)\s*(.*?)\s*$/.exec(expr);
  if (!m) return expr.trim();
  const [, a = '', op, b = ''] = m;
  const na = Number(a);
  const nb = Number(b);
  const num = a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb);
  const bool = (x: boolean) => (x ? '1' : '0');
  switch (op) {
    case '=':
      return bool(num ? na === nb : a === b);
    case '!=':
      return bool(num ? na !== nb : a !== b);
    case '<':
      return bool(num ? na < nb : a < b);
    case '>':
      return bool(num ? na > nb : a > b);
    case '<=':
      return bool(num ? na <= nb : a <= b);
    case '>=':
      return bool(num ? na >= nb : a >= b);
    case '&':
      return bool(truthy(a) && truthy(b));
    default:
      return bool(truthy(a) || truthy(b));
  }
}

/** Dialplan truth: empty and `0` are false. */
export function truthy(v: string): boolean {
  const t = v.trim();
  return t !== '' && t !== '0';
}
