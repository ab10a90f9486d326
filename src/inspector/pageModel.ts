/**
 * The inspector page's state and its updates, as pure functions: the page's inline script is
 * these functions' source (see `page.ts`), so what the tests check here is what runs in the
 * browser. Each function may call only the others listed in `PAGE_FUNCTIONS` (here and in
 * `pageViews.ts`): no imports but types (erased), no module state.
 */

import type { ActorDetail, ActorSummary, TransitionTaken } from './actorViews.js';
import type { CallSummary } from './callLog.js';
import type { StateNodeJson } from './statechartGraph.js';
import type { StepSummary } from './stepViews.js';

/** The call shown in full: its actors and its steps (from `/events?call=`). */
export interface PageCall {
  info: CallSummary | null;
  actors: Record<string, ActorDetail>;
  steps: StepSummary[];
}

/** What the page knows: every actor in a line, and the selected call in full. */
export interface PageState {
  actors: Record<string, ActorSummary>;
  call: PageCall | null;
}

/** A call in the list: its id, its actors in tree order, and what a search looks at. */
export interface CallEntry {
  readonly id: string;
  readonly rows: Array<{ actor: ActorSummary; depth: number }>;
  readonly ended: boolean;
  /** `channel`, `caller`, `exten`, `state` and `call` values of its actors, lower case. */
  readonly fields: Record<string, string[]>;
}

/**
 * The ids of the state nodes a state value makes active: the root, and down each region.
 *
 * @example
 * activeNodeIds(ivrChart.root, 'menu'); // ['ivr', 'ivr.menu']
 */
export function activeNodeIds(node: StateNodeJson, value: unknown): string[] {
  const ids = [node.id];
  if (typeof value === 'string') {
    const child = node.states.find((state) => state.key === value);
    if (child) ids.push(child.id);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      const child = node.states.find((state) => state.key === key);
      if (child) ids.push(...activeNodeIds(child, inner));
    }
  }
  return ids;
}

/** The arrows (`source->target`, as the diagram names them) of the transitions just taken. */
export function lastEdgeIds(transitions: readonly TransitionTaken[]): string[] {
  return transitions.flatMap((t) => t.targets.map((target) => `${t.source}->${target}`));
}

/**
 * The calls in list order (the supervisor's `null` call first), each with its actors in tree
 * order: its channels, each followed by its call logic and what that invokes.
 */
export function callEntries(actors: readonly ActorSummary[]): CallEntry[] {
  const byParent: Record<string, ActorSummary[]> = {};
  const ids: Record<string, true> = {};
  for (const actor of actors) ids[actor.id] = true;
  const roots: ActorSummary[] = [];
  for (const actor of actors) {
    if (actor.parent === null || actor.kind === 'channel' || !ids[actor.parent]) {
      roots.push(actor);
      continue;
    }
    const siblings = byParent[actor.parent] ?? [];
    siblings.push(actor);
    byParent[actor.parent] = siblings;
  }
  const order: string[] = [];
  const calls: Record<string, ActorSummary[]> = {};
  for (const actor of roots) {
    const id = actor.group ?? '';
    if (!calls[id]) {
      calls[id] = [];
      order.push(id);
    }
    calls[id].push(actor);
  }
  return order.map((id) => {
    const rows: Array<{ actor: ActorSummary; depth: number }> = [];
    const visit = (actor: ActorSummary, depth: number): void => {
      rows.push({ actor, depth });
      for (const child of byParent[actor.id] ?? []) visit(child, depth + 1);
    };
    for (const actor of calls[id] ?? []) visit(actor, 0);
    const fields: Record<string, string[]> = {
      channel: [],
      caller: [],
      exten: [],
      state: [],
      call: [id.toLowerCase()],
    };
    for (const { actor } of rows) {
      if (actor.kind === 'channel') fields.channel?.push(actor.label.toLowerCase());
      if (actor.callerId) fields.caller?.push(actor.callerId.toLowerCase());
      if (actor.exten) fields.exten?.push(actor.exten.toLowerCase());
      fields.state?.push(actor.state.toLowerCase(), actor.label.toLowerCase());
    }
    return { id, rows, ended: rows.every((row) => row.actor.ended), fields };
  });
}

/**
 * Whether a call matches a search: every word must match. `caller:`, `exten:`, `channel:`,
 * `state:` and `call:` look at that only (`exten:500`, `state:menu`, `caller:alice`); a bare word
 * at any of them. Case does not matter; an empty search matches everything.
 *
 * @example
 * matchesFilter(call, 'exten:500 state:menu');
 */
export function matchesFilter(call: CallEntry, filter: string): boolean {
  for (const word of filter.toLowerCase().split(/\s+/)) {
    if (word === '') continue;
    const colon = word.indexOf(':');
    const field = colon > 0 ? word.slice(0, colon) : '';
    const lists =
      field !== '' && call.fields[field] ? [call.fields[field] ?? []] : Object.values(call.fields);
    const needle = field !== '' && call.fields[field] ? word.slice(colon + 1) : word;
    if (!lists.some((list) => list.some((value) => value.includes(needle)))) return false;
  }
  return true;
}

/** Applies one message of the actor list stream (`reset`, `actors`) to the page's state. */
export function applyListMessage(
  state: PageState,
  kind: string,
  data: { upsert?: ActorSummary[]; removed?: string[] },
): void {
  if (kind === 'reset') state.actors = {};
  for (const actor of data.upsert ?? []) state.actors[actor.id] = actor;
  for (const id of data.removed ?? []) delete state.actors[id];
}

/**
 * Applies one message of a call's stream (`reset`, `actors`, `steps`) to the page's state,
 * keeping at most `maxSteps` steps.
 */
export function applyCallMessage(
  state: PageState,
  kind: string,
  data: {
    call?: CallSummary | null;
    upsert?: ActorDetail[];
    removed?: string[];
    steps?: StepSummary[];
  },
  maxSteps: number,
): void {
  if (kind === 'reset' || !state.call) state.call = { info: null, actors: {}, steps: [] };
  const call = state.call;
  if (kind === 'reset') call.info = data.call ?? null;
  for (const actor of data.upsert ?? []) call.actors[actor.id] = actor;
  for (const id of data.removed ?? []) delete call.actors[id];
  if (data.steps && data.steps.length > 0) {
    const last = call.steps.length > 0 ? (call.steps[call.steps.length - 1]?.seq ?? 0) : 0;
    call.steps = call.steps.concat(data.steps.filter((step) => step.seq > last)).slice(-maxSteps);
  }
}
