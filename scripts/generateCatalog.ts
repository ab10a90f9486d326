/**
 * Writes `src/catalog/asterisk22.ts`, the TypeScript types of Asterisk 22's AMI events, AMI actions
 * and AGI commands, from `test/fixtures/asterisk-catalog/asterisk-22.json` (built from Asterisk's
 * own documentation) and the keys the recordings in `test/fixtures/ami-traces` show (real traffic
 * wins where the documentation is incomplete: `Newexten` is undocumented, `AsyncAGIExec` sends
 * `CommandId` where the documentation says `CommandID`).
 *
 *   npm run catalog            # regenerate
 *   npm run catalog -- --check # exit 1 when the committed file is stale
 *
 * `test/catalog/generated.test.ts` fails when the committed output differs from what this renders.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CATALOG_FILE = join(ROOT, 'test/fixtures/asterisk-catalog/asterisk-22.json');
export const TRACES_DIR = join(ROOT, 'test/fixtures/ami-traces');
export const OUTPUT_FILE = join(ROOT, 'src/catalog/asterisk22.ts');

interface CatalogField {
  name?: string;
  required?: boolean;
  values?: string[];
  snapshot?: 'channel' | 'bridge';
  prefix?: string;
  sameAs?: string;
}
interface CatalogParam {
  name: string;
  required?: boolean;
  included?: boolean;
  values?: string[];
}
export interface AsteriskCatalog {
  events: Record<string, { instances: Array<{ fields: CatalogField[] }> }>;
  actions: Record<string, { params: CatalogParam[] }>;
  agiCommands: Record<string, { params: CatalogParam[] }>;
  snapshots: Record<'channel' | 'bridge', string[]>;
  source: string;
}

/** Keys every event has, written once in the helper types instead of per event. */
const COMMON_EVENT_KEYS = new Set(['Event', 'Privilege']);

/**
 * Parameters Asterisk reads with `astman_get_variables` (every `Variable:` line, not just the
 * first): the documentation says "multiple Variable: headers are allowed" in prose only.
 */
const REPEATABLE_PARAMS: Record<string, readonly string[]> = {
  MessageSend: ['Variable'],
  Originate: ['Variable'],
  PJSIPNotify: ['Variable'],
};

/**
 * Keys of events whose documentation lists none, read from the code that sends them (and not in
 * the recordings): \`Rename\` is written by \`__ast_change_name_nolink\` in \`main/channel.c\`.
 */
const KEYS_FROM_SOURCE: Record<string, readonly string[]> = {
  Rename: ['Channel', 'Newname', 'Uniqueid'],
};

/** Actions that take headers of the caller's choosing (`UserEvent`'s `Header1` ... `HeaderN`). */
const FREE_FORM_ACTIONS = new Set(['UserEvent']);

const RESERVED = new Set(['class', 'delete', 'default', 'function', 'new', 'var', 'in']);

/** One event's keys: fields by name, snapshots expanded by prefix, `sameAs` followed. */
function eventKeys(catalog: AsteriskCatalog, name: string, seen = new Set<string>()): KeySet {
  const keys: KeySet = { names: new Set(), snapshots: new Set() };
  if (seen.has(name)) return keys;
  seen.add(name);
  for (const instance of catalog.events[name]?.instances ?? []) {
    for (const field of instance.fields) {
      if (field.snapshot) keys.snapshots.add(`${field.snapshot}:${field.prefix ?? ''}`);
      else if (field.sameAs) merge(keys, eventKeys(catalog, field.sameAs, seen));
      else if (field.name && !COMMON_EVENT_KEYS.has(field.name)) keys.names.add(field.name);
    }
  }
  for (const key of KEYS_FROM_SOURCE[name] ?? []) keys.names.add(key);
  return keys;
}

interface KeySet {
  names: Set<string>;
  /** `channel:Dest`, `bridge:`: snapshot kind and prefix. */
  snapshots: Set<string>;
}

function merge(into: KeySet, from: KeySet): void {
  for (const name of from.names) into.names.add(name);
  for (const snapshot of from.snapshots) into.snapshots.add(snapshot);
}

/** Every key each event shows in the recordings, `ChanVariable(...)` folded into its pattern. */
export function recordedEventKeys(tracesDir = TRACES_DIR): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const file of readdirSync(tracesDir)
    .filter((f) => f.endsWith('.rx.txt'))
    .sort()) {
    const text = readFileSync(join(tracesDir, file), 'utf8').replace(/\r\n/g, '\n');
    for (const block of text.split('\n\n')) {
      const lines = block.split('\n').filter((line) => line.includes(':'));
      const first = lines[0];
      if (!first?.startsWith('Event:')) continue;
      const event = first.slice('Event:'.length).trim();
      const keys = out.get(event) ?? new Set<string>();
      out.set(event, keys);
      for (const line of lines.slice(1)) keys.add(line.slice(0, line.indexOf(':')));
    }
  }
  return out;
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `ChanVariable(Local/401@default-00000000;1)` is one of endless keys: the pattern covers them. */
function isCoveredKey(catalog: AsteriskCatalog, key: string, keys: KeySet): boolean {
  if (COMMON_EVENT_KEYS.has(key) || keys.names.has(key)) return true;
  for (const snapshot of keys.snapshots) {
    const [kind, prefix = ''] = snapshot.split(':') as ['channel' | 'bridge', string];
    if (catalog.snapshots[kind].some((field) => key === `${prefix}${field}`)) return true;
    if (kind === 'channel' && new RegExp(`^${prefix}ChanVariable(\\(.*\\))?$`).test(key)) {
      return true;
    }
  }
  return false;
}

function snapshotKeyType(snapshot: string): string {
  const [kind, prefix = ''] = snapshot.split(':');
  const type = kind === 'channel' ? 'ChannelSnapshotKey' : 'BridgeSnapshotKey';
  return prefix === '' ? type : `${type}<${quote(prefix)}>`;
}

function renderEvents(catalog: AsteriskCatalog, recorded: Map<string, Set<string>>): string[] {
  const names = [...new Set([...Object.keys(catalog.events), ...recorded.keys()])].sort();
  const out: string[] = [];
  for (const name of names) {
    const keys = eventKeys(catalog, name);
    const seen = recorded.get(name) ?? new Set<string>();
    // An undocumented channel event: its snapshot keys read as the snapshot, like documented ones.
    if (catalog.events[name] === undefined && catalog.snapshots.channel.every((k) => seen.has(k))) {
      keys.snapshots.add('channel:');
    }
    const fromTraces: string[] = [];
    for (const key of seen) {
      if (/ChanVariable\(/.test(key)) {
        const pattern = `\`${key.slice(0, key.indexOf('('))}(\${string})\``;
        if (!fromTraces.includes(pattern) && !isCoveredKey(catalog, key, keys))
          fromTraces.push(pattern);
      } else if (!isCoveredKey(catalog, key, keys) && !fromTraces.includes(quote(key))) {
        fromTraces.push(quote(key));
      }
    }
    const parts = [
      ...[...keys.snapshots].map(snapshotKeyType),
      ...[...keys.names].map(quote),
      ...fromTraces,
    ];
    const documented = catalog.events[name] !== undefined;
    out.push(
      documented ? '' : '  /** Not in the documentation; keys as the recordings show them. */\n',
      `  ${quote(name)}: ${parts.length === 0 ? 'never' : parts.join(' | ')};`,
    );
  }
  return [out.join('\n').replace(/\n\n+/g, '\n')];
}

function paramValueType(param: CatalogParam, repeatable: boolean): string {
  const simple = (param.values ?? []).filter((value) => /^[\w.-]+$/.test(value));
  const base =
    simple.length > 0 ? `${simple.map(quote).join(' | ')} | AmiFieldValue` : 'AmiFieldValue';
  return repeatable ? `${base} | readonly string[]` : base;
}

function paramKey(name: string): string {
  // `Action-000000` (UpdateConfig) and `UnitAmount(0)` (AOCMessage) stand for numbered families.
  const numbered = /^(.*)-0+$/.exec(name);
  if (numbered) return `[key: \`${numbered[1]}-\${string}\`]`;
  const indexed = /^(.*)\(0\)$/.exec(name);
  if (indexed) return `[key: \`${indexed[1]}(\${number})\`]`;
  return /^[A-Za-z_][\w]*$/.test(name) ? name : quote(name);
}

function renderActions(catalog: AsteriskCatalog): string[] {
  const out: string[] = [];
  for (const name of Object.keys(catalog.actions).sort()) {
    const params = catalog.actions[name]!.params.filter(
      (p) => p.name !== 'ActionID' && !(FREE_FORM_ACTIONS.has(name) && /^Header/.test(p.name)),
    );
    const members = params.map((param) => {
      const key = paramKey(param.name);
      const optional = key.startsWith('[') ? '' : param.required ? '' : '?';
      const repeatable = REPEATABLE_PARAMS[name]?.includes(param.name) ?? false;
      return `    ${key}${optional}: ${paramValueType(param, repeatable)};`;
    });
    if (FREE_FORM_ACTIONS.has(name)) members.push('    [header: string]: AmiFieldValue;');
    out.push(
      members.length === 0 ? `  ${name}: NoFields;` : `  ${name}: {\n${members.join('\n')}\n  };`,
    );
  }
  return out;
}

function label(name: string): string {
  const words = name
    .replace(/^s=/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const camel = words
    .map((word, i) => (i === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1)))
    .join('');
  return RESERVED.has(camel) ? `${camel}Name` : camel;
}

function renderAgiCommands(catalog: AsteriskCatalog): string[] {
  return Object.keys(catalog.agiCommands)
    .sort()
    .map((name) => {
      const params = catalog.agiCommands[name]!.params.map(
        (p) => `${label(p.name)}${p.required ? '' : '?'}: AgiArgument`,
      );
      return `  ${quote(name)}: [${params.join(', ')}];`;
    });
}

/** The module's text before formatting. */
export function renderCatalog(
  catalog: AsteriskCatalog,
  recorded: Map<string, Set<string>>,
): string {
  const union = (keys: string[]) => keys.map(quote).join(' | ');
  return `// Generated by scripts/generateCatalog.ts from test/fixtures/asterisk-catalog/asterisk-22.json
// and the AMI recordings in test/fixtures/ami-traces. Do not edit: run \`npm run catalog\`.
// Source: ${catalog.source}.

/** A value of an action field: numbers and booleans are sent as text. */
export type AmiFieldValue = string | number | boolean;

/** The parameters of an action that takes none besides \`ActionID\`. */
export type NoFields = Record<string, never>;

/** An AGI command argument (numbers are sent as text). */
export type AgiArgument = string | number;

/** The fields of a channel snapshot, as events carry them for each channel they describe. */
export type ChannelSnapshotField = ${union(catalog.snapshots.channel)};

/** The fields of a bridge snapshot. */
export type BridgeSnapshotField = ${union(catalog.snapshots.bridge)};

/**
 * The keys of a channel snapshot in an event, after \`Prefix\` (\`Dest\` + \`Channel\` =
 * \`DestChannel\`), with one \`ChanVariable\` line per variable named in \`manager.conf\`.
 */
export type ChannelSnapshotKey<Prefix extends string = ''> =
  | \`\${Prefix}\${ChannelSnapshotField}\`
  | \`\${Prefix}ChanVariable\`;

/** The keys of a bridge snapshot in an event, after \`Prefix\`. */
export type BridgeSnapshotKey<Prefix extends string = ''> = \`\${Prefix}\${BridgeSnapshotField}\`;

/** Keys every AMI event carries. */
export type CommonEventKey = ${union([...COMMON_EVENT_KEYS])};

/** Every AMI event of Asterisk 22, with the keys it is documented (or recorded) with. */
export interface AmiEventKeys {
${renderEvents(catalog, recorded).join('\n')}
}

/** Every AMI action of Asterisk 22 with its parameters (\`ActionID\` is the connection's). */
export interface AmiActionParams {
${renderActions(catalog).join('\n')}
}

/** Every AGI command of Asterisk 22 (lower case, as documented) and its arguments. */
export interface AgiCommandParams {
${renderAgiCommands(catalog).join('\n')}
}
`;
}

/** Formats TypeScript as the project's Biome settings do. */
export function formatTypeScript(text: string, asPath = 'src/catalog/asterisk22.ts'): string {
  return execFileSync(
    join(ROOT, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=${asPath}`],
    { cwd: ROOT, input: text, encoding: 'utf8' },
  );
}

/** The module as committed: rendered from the catalog and the recordings, then formatted. */
export function buildCatalogModule(): string {
  const catalog = JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as AsteriskCatalog;
  return formatTypeScript(renderCatalog(catalog, recordedEventKeys()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const module = buildCatalogModule();
  if (process.argv.includes('--check')) {
    const stale = readFileSync(OUTPUT_FILE, 'utf8') !== module;
    console.log(stale ? `${OUTPUT_FILE} is stale: run npm run catalog` : 'catalog is current');
    process.exit(stale ? 1 : 0);
  }
  writeFileSync(OUTPUT_FILE, module);
  console.log(`wrote ${OUTPUT_FILE}`);
}
