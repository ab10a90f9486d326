/**
 * The words a statechart diagram uses: telephony engineers read `done: answer`, `Hangup [is self]`,
 * `after 5 s`, not `xstate.done.actor.0.ivr.answering` or `xstate.after.firstDigit.collectDigits…`.
 */

/**
 * camelCase or snake_case as words: `lastDialLegEnds` → `last dial leg ends`. Words in capitals
 * stay (`DTMF`, `AGI`).
 *
 * @example
 * words('hasTriesLeft'); // 'has tries left'
 */
export function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .split(' ')
    .map((word) => {
      if (ACRONYMS.has(word.toLowerCase())) return word.toUpperCase();
      return /^[A-Z][a-z]/.test(word) ? word.toLowerCase() : word;
    })
    .join(' ')
    .trim();
}

/** Words written in capitals whatever the case of the name they come from. */
const ACRONYMS = new Set(['agi', 'ami', 'dtmf', 'ivr', 'pbx', 'sip', 'id', 'url']);

/**
 * A duration for people: `500 ms`, `5 s`, `1.5 s`, `2 min`, `1 h 30 min`.
 *
 * @example
 * formatDelay(5000); // '5 s'
 */
export function formatDelay(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** What a machine tells the labeller: what each invoke id runs, what each named delay lasts. */
export interface LabelContext {
  /** Invoke id → the name of what it runs (`0.ivr.answering` → `answer`). */
  readonly invokes: ReadonlyMap<string, string>;
  /** Named delay → its length in ms, when known. */
  readonly delays: ReadonlyMap<string, number>;
  /** State node id → its key, for `xstate.done.state.<id>`. */
  readonly states: ReadonlyMap<string, string>;
}

const DONE_ACTOR = 'xstate.done.actor.';
const ERROR_ACTOR = 'xstate.error.actor.';
const DONE_STATE = 'xstate.done.state.';
const AFTER = 'xstate.after.';

/**
 * An event type as people say it: `done: answer` (an invoked service finished), `error: answer`,
 * `after 5 s` (or `after first digit` when the delay's length is not known), `done` (a compound
 * state reached its final state), `Hangup` (an AMI event, without its `ami.` prefix), `always`
 * (an eventless transition), `any event` (`*`); other events as they are written.
 *
 * @param delay the delay of an `after` transition (its name or its length), when known
 */
export function eventLabel(eventType: string, context: LabelContext, delay?: unknown): string {
  if (eventType === '') return 'always';
  if (eventType === '*') return 'any event';
  if (eventType.startsWith(DONE_ACTOR)) {
    const id = eventType.slice(DONE_ACTOR.length);
    return `done: ${context.invokes.get(id) ?? id}`;
  }
  if (eventType.startsWith(ERROR_ACTOR)) {
    const id = eventType.slice(ERROR_ACTOR.length);
    return `error: ${context.invokes.get(id) ?? id}`;
  }
  if (eventType.startsWith(DONE_STATE)) {
    const id = eventType.slice(DONE_STATE.length);
    return `done: ${context.states.get(id) ?? id}`;
  }
  if (eventType.startsWith(AFTER)) {
    if (typeof delay === 'number') return `after ${formatDelay(delay)}`;
    if (typeof delay === 'string') {
      const known = context.delays.get(delay);
      return known === undefined ? `after ${words(delay)}` : `after ${formatDelay(known)}`;
    }
    return 'after';
  }
  if (eventType.startsWith('ami.')) {
    const name = eventType.slice(4);
    return name === '*' ? 'any AMI event' : name;
  }
  return eventType;
}

function paramsText(params: unknown): string {
  if (params === undefined || typeof params === 'function') return '';
  if (params && typeof params === 'object') {
    const values = Object.values(params as Record<string, unknown>);
    if (values.length === 1 && ['string', 'number', 'boolean'].includes(typeof values[0])) {
      return ` ${String(values[0])}`;
    }
    return ` ${JSON.stringify(params)}`;
  }
  return ` ${String(params)}`;
}

/**
 * A guard as words: `isSelf` → `is self`; with parameters, their value: `lineIs` with
 * `{ line: 'answered' }` → `line is answered`; `not(x)` → `not x`; `and([a, b])` → `a and b`.
 */
export function guardLabel(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return words(guard);
  if (typeof guard === 'function') {
    // XState's `not`, `and`, `or` are functions of those names carrying their operands.
    const named = guard as { guards?: unknown[]; name?: string };
    const operands = named.guards;
    const kind = named.name ?? '';
    if (Array.isArray(operands)) {
      const parts = operands.map((g) => guardLabel(g) ?? 'guard');
      if (kind === 'not') return `not ${parts[0]}`;
      if (kind === 'or') return parts.join(' or ');
      return parts.join(' and ');
    }
    return named.name ? words(named.name) : 'condition';
  }
  if (typeof guard === 'object' && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    return `${words(String(type))}${paramsText(params)}`;
  }
  return undefined;
}

/**
 * A transition's label: its `description` when it has one, else the event and, in brackets, the
 * guard (`Newstate [line is answered]`, `[starts in AGI]` for an eventless one).
 */
export function transitionLabel(
  transition: { eventType: string; guard?: unknown; description?: unknown; delay?: unknown },
  context: LabelContext,
): string {
  if (typeof transition.description === 'string' && transition.description !== '') {
    return transition.description;
  }
  const guard = guardLabel(transition.guard);
  const event = eventLabel(transition.eventType, context, transition.delay);
  if (event === 'always') return guard === undefined ? 'always' : `[${guard}]`;
  return guard === undefined ? event : `${event} [${guard}]`;
}
