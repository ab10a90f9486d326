import type { Pbx } from '../Pbx.js';

/** What to run on `;1` once the call is answered (priority 0: none was given). */
export type OriginateTarget =
  | { readonly app: string; readonly data: string }
  | { readonly context: string; readonly exten: string; readonly priority: number };

/** A parsed Originate request. */
export interface OriginateRequest {
  readonly channel: string;
  readonly target: OriginateTarget;
  readonly callerId: { num: string; name: string } | undefined;
  readonly variables: ReadonlyArray<[string, string]>;
  readonly timeoutMs: number;
}

/** `"Name" <num>`, `Name <num>`, `<num>` or `num`. */
export function parseCallerId(text: string): { num: string; name: string } {
  const m = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(text);
  if (m) return { name: (m[1] ?? m[2] ?? '').trim() || '<unknown>', num: m[3]! };
  return { num: text.trim(), name: '<unknown>' };
}

/** Default Timeout of an Originate, in ms. */
const DEFAULT_TIMEOUT_MS = 30000;

/**
 * Reads an Originate action into a request, checking it as manager.c does and in its order; a
 * string is the error message to answer with (`Channel not specified`, `Invalid priority`,
 * `Invalid timeout`, `Invalid channel`, `Extension does not exist.`, ...). A Priority may be a
 * label of the extension.
 */
export function parseOriginate(
  pbx: Pbx,
  get: (k: string) => string | undefined,
  all: (k: string) => string[],
): OriginateRequest | string {
  const channel = get('Channel') ?? '';
  if (!channel) return 'Channel not specified';
  const context = get('Context') ?? '';
  const exten = get('Exten') ?? '';
  const priorityText = get('Priority') ?? '';
  let priority = 0;
  if (priorityText) {
    const n = /^\s*([+-]?\d+)/.exec(priorityText);
    priority = n
      ? Number.parseInt(n[1]!, 10)
      : (pbx.dialplan
          .get(context)
          ?.get(exten)
          ?.find((s) => s.label === priorityText)?.priority ?? 0);
    if (!n && priority < 1) return 'Invalid priority';
  }
  const timeoutText = get('Timeout') ?? '';
  const timeout = /^\s*([+-]?\d+)/.exec(timeoutText);
  if (timeoutText && !timeout) return 'Invalid timeout';
  if (!channel.includes('/')) return 'Invalid channel';
  if (priority && pbx.step(context, exten, priority) === undefined)
    return 'Extension does not exist.';
  const app = get('Application') ?? '';
  const target: OriginateTarget = app
    ? { app, data: get('Data') ?? '' }
    : { context, exten, priority };
  // Asterisk prepends each name=value to its list, so the channel gets them last first.
  const variables: [string, string][] = [];
  for (const line of all('Variable')) {
    for (const part of line.trimStart().split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) variables.unshift([part.slice(0, eq), part.slice(eq + 1)]);
    }
  }
  const cid = get('CallerID');
  const ms = timeout ? Number.parseInt(timeout[1]!, 10) : DEFAULT_TIMEOUT_MS;
  return {
    channel,
    target,
    callerId: cid ? parseCallerId(cid) : undefined,
    variables,
    timeoutMs: ms > 0 ? ms : DEFAULT_TIMEOUT_MS,
  };
}
