/** Field names whose values are never shown, in any object or AMI message. */
const SECRET_KEY = /secret|passw|token|authori[sz]ation|cookie|credential|^key$/i;
/** `scheme://user:password@`: the password is replaced wherever such a URL appears in a string. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]*@/gi;

const MAX_DEPTH = 5;
const MAX_ITEMS = 50;
const MAX_STRING = 300;

/** Whether a field (or a variable) of that name holds a secret (`Secret`, `DB_PASSWORD`...). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** `SET VARIABLE <name> <value>`: an AGI command that writes a variable. */
const AGI_SET_VARIABLE = /^(SET\s+VARIABLE\s+"?)([^\s"]+)("?\s+)(.*)$/i;

/**
 * An AMI message's fields with secrets masked by the same rule as object keys: a secret-looking
 * field (`Secret`), a variable given as `NAME=value` (`ChanVariable`, `Variable`, with any prefix
 * such as `DestChanVariable`), a `Variable`/`Value` pair (`VarSet`, `Getvar`) and an AGI
 * `SET VARIABLE` command, whenever the variable's name looks secret.
 *
 * @example
 * maskAmiFields([['Variable', 'DB_PASSWORD'], ['Value', 'hunter2']]);
 * // [['Variable', 'DB_PASSWORD'], ['Value', '***']]
 */
export function maskAmiFields(
  fields: ReadonlyArray<readonly [string, string]>,
): Array<readonly [string, string]> {
  const variable = fields.find(([key]) => key.toLowerCase() === 'variable')?.[1] ?? '';
  const secretValue = variable !== '' && !variable.includes('=') && isSecretKey(variable);
  return fields.map(([key, value]): readonly [string, string] => {
    if (isSecretKey(key)) return [key, '***'];
    const lower = key.toLowerCase();
    if (lower === 'value' && secretValue) return [key, '***'];
    if (lower.endsWith('variable')) {
      const at = value.indexOf('=');
      if (at > 0 && isSecretKey(value.slice(0, at))) return [key, `${value.slice(0, at)}=***`];
    }
    if (lower === 'command') {
      const set = AGI_SET_VARIABLE.exec(value);
      if (set && isSecretKey(set[2] ?? '')) return [key, `${set[1]}${set[2]}${set[3]}***`];
    }
    return [key, value];
  });
}

/** A string made safe to show: URL passwords masked, cut at 300 characters. */
export function safeString(text: string): string {
  const masked = text.replace(URL_PASSWORD, '$1:***@');
  return masked.length > MAX_STRING ? `${masked.slice(0, MAX_STRING)}…` : masked;
}

function isAmiMessage(value: object): value is {
  name: string;
  fields(): ReadonlyArray<readonly [string, string]>;
} {
  const candidate = value as { fields?: unknown; get?: unknown; kind?: unknown };
  return (
    typeof candidate.fields === 'function' &&
    typeof candidate.get === 'function' &&
    typeof candidate.kind === 'string'
  );
}

/**
 * A JSON-safe summary of any value, for the inspector: plain objects, arrays, maps and sets are
 * copied (depth 5, 50 items each), AMI messages become their fields, other class instances (an
 * AMI connection, a `Call`, an actor) only their class name, so nothing they hold leaks out.
 * Secret-looking keys (`Secret`, `password`, `token`...) are masked wherever they are (an object's
 * keys, a channel's variables, an AMI message's fields and variables: see {@link maskAmiFields}),
 * and so are URL passwords in strings.
 *
 * @example
 * safeJson({ url: 'ami://manager:secret@pbx', client: connection, Secret: 'x' });
 * // { url: 'ami://manager:***@pbx', client: '[AmiConnection]', Secret: '***' }
 */
export function safeJson(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      return safeString(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return String(value);
    case 'undefined':
      return null;
    case 'function':
    case 'symbol':
      return `[${typeof value}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(object)) return items(object, depth);
  if (object instanceof Set) return items([...object], depth);
  if (object instanceof Map) return entries([...object.entries()], depth);
  if (object instanceof Date) return object.toISOString();
  if (object instanceof Error) {
    return { name: object.name, message: safeString(object.message) };
  }
  if (isAmiMessage(object)) return entries(maskAmiFields(object.fields()), depth);
  const prototype = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    return `[${(object.constructor as { name?: string } | undefined)?.name || 'object'}]`;
  }
  return entries(Object.entries(object), depth);
}

function items(list: readonly unknown[], depth: number): unknown[] {
  const shown = list.slice(0, MAX_ITEMS).map((item) => safeJson(item, depth + 1));
  if (list.length > MAX_ITEMS) shown.push(`… ${list.length - MAX_ITEMS} more`);
  return shown;
}

function entries(list: ReadonlyArray<readonly [unknown, unknown]>, depth: number): object {
  const result: Record<string, unknown> = {};
  let count = 0;
  for (const [key, item] of list) {
    if (count === MAX_ITEMS) {
      result['…'] = `${list.length - MAX_ITEMS} more`;
      break;
    }
    const name = String(key);
    result[name] = isSecretKey(name) ? '***' : safeJson(item, depth + 1);
    count += 1;
  }
  return result;
}
