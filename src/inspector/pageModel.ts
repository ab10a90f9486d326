/**
 * The inspector page's logic, as pure functions: the page's inline script is these functions'
 * source (see `page.ts`), so what the tests check here is what runs in the browser. Each function
 * may call only the others listed in `PAGE_FUNCTIONS`: no imports but types (erased), no module
 * state.
 */

import type { ActorDetail, ActorSummary } from './actorViews.js';
import type { CallSummary } from './callLog.js';
import type { StateNodeJson } from './statechartGraph.js';
import type { StepSummary } from './stepViews.js';

export type PageNode = StateNodeJson;

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

/** Text made safe to put in HTML. */
export function escapeHtml(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The ids of the state nodes a state value makes active: the root, and down each region.
 *
 * @example
 * activeNodeIds(ivrChart.root, 'menu'); // ['ivr', 'ivr.menu']
 */
export function activeNodeIds(node: PageNode, value: unknown): string[] {
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

/** A statechart as nested boxes (HTML), the active nodes marked `active`. */
export function renderChart(node: PageNode, active: readonly string[]): string {
  const classes = ['node', node.type];
  if (active.includes(node.id)) classes.push('active');
  const prefix = `${node.id.split('.').slice(0, -1).join('.')}.`;
  const short = (id: string): string => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
  const transitions = node.transitions
    .map((t) => {
      const event = t.event === '' ? '(always)' : t.event;
      const guard = t.guard ? ` <span class="guard">[${escapeHtml(t.guard)}]</span>` : '';
      const target =
        t.targets.length > 0 ? ` → ${escapeHtml(t.targets.map(short).join(', '))}` : '';
      return `<li><span class="event">${escapeHtml(event)}</span>${guard}${target}</li>`;
    })
    .join('');
  const badges = [
    node.type === 'parallel' || node.type === 'final' || node.type === 'history'
      ? `<span class="badge">${escapeHtml(node.type)}</span>`
      : '',
    node.invoke.length > 0
      ? `<span class="badge invoke">invokes ${escapeHtml(node.invoke.join(', '))}</span>`
      : '',
  ].join('');
  const children = node.states.map((child) => renderChart(child, active)).join('');
  return (
    `<div class="${classes.join(' ')}" data-node="${escapeHtml(node.id)}">` +
    `<div class="title">${escapeHtml(node.key)}${badges}</div>` +
    (transitions ? `<ul class="tx">${transitions}</ul>` : '') +
    (children ? `<div class="children ${node.type}">${children}</div>` : '') +
    '</div>'
  );
}

/**
 * The actors in list order, with their depth: the supervisor, then each call (by Linkedid, in the
 * order calls appeared) with its channels, each channel followed by its call logic and what that
 * invokes.
 */
export function actorRows(
  actors: readonly ActorSummary[],
): Array<{ actor: ActorSummary; depth: number; group: string | null }> {
  const byParent: Record<string, ActorSummary[]> = {};
  const roots: ActorSummary[] = [];
  const ids: Record<string, true> = {};
  for (const actor of actors) ids[actor.id] = true;
  for (const actor of actors) {
    if (actor.parent === null || actor.kind === 'channel' || !ids[actor.parent]) roots.push(actor);
    else {
      const siblings = byParent[actor.parent] ?? [];
      siblings.push(actor);
      byParent[actor.parent] = siblings;
    }
  }
  const rows: Array<{ actor: ActorSummary; depth: number; group: string | null }> = [];
  const visit = (actor: ActorSummary, depth: number, group: string | null): void => {
    rows.push({ actor, depth, group });
    for (const child of byParent[actor.id] ?? []) visit(child, depth + 1, group);
  };
  const groups: string[] = [];
  const members: Record<string, ActorSummary[]> = {};
  for (const actor of roots) {
    if (actor.kind === 'supervisor' || actor.group === null) {
      visit(actor, 0, null);
      continue;
    }
    if (!members[actor.group]) {
      members[actor.group] = [];
      groups.push(actor.group);
    }
    members[actor.group]?.push(actor);
  }
  for (const group of groups) {
    for (const actor of members[group] ?? []) visit(actor, 1, group);
  }
  return rows;
}

/** The actor list as HTML: one row per actor, a header per call, the selected one marked. */
export function renderActorList(actors: readonly ActorSummary[], selected: string | null): string {
  let html = '';
  let group: string | null = null;
  for (const row of actorRows(actors)) {
    if (row.group !== null && row.group !== group) {
      html += `<div class="group" data-call="${escapeHtml(row.group)}">call ${escapeHtml(row.group)}</div>`;
    }
    group = row.group;
    const actor = row.actor;
    const classes = ['actor', actor.kind, `status-${actor.status}`];
    if (actor.ended) classes.push('ended');
    if (actor.id === selected) classes.push('selected');
    html +=
      `<div class="${classes.join(' ')}" data-actor="${escapeHtml(actor.id)}" style="padding-left:${row.depth * 14 + 6}px">` +
      `<span class="label">${escapeHtml(actor.label)}</span> ` +
      `<span class="state">${escapeHtml(actor.status === 'active' ? actor.state : `${actor.state} (${actor.status})`)}</span>` +
      '</div>';
  }
  return html;
}

/** A call's steps, newest first, as HTML; `actor` narrows them to one actor. */
export function renderSteps(steps: readonly StepSummary[], actor: string | null): string {
  return steps
    .filter((step) => actor === null || step.actor === actor)
    .slice(-200)
    .reverse()
    .map((step) => {
      const time = new Date(step.at).toISOString().slice(11, 23);
      const moved = step.transitions.some((t) => t.targets.length > 0) ? ' moved' : '';
      return (
        `<li class="step${moved}" data-seq="${step.seq}"><span class="time">${time}</span> ` +
        `<b>${escapeHtml(step.type)}</b> → <code>${escapeHtml(step.state)}</code></li>`
      );
    })
    .join('');
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

/** The functions the page's script is made of, in order. */
export const PAGE_FUNCTIONS = [
  escapeHtml,
  activeNodeIds,
  renderChart,
  actorRows,
  renderActorList,
  renderSteps,
  applyListMessage,
  applyCallMessage,
] as const;
