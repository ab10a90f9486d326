/**
 * The inspector page's HTML, as pure functions of its state (see `pageModel.ts` for the rules:
 * the page's script is their source). They import nothing but types: what they need of the model
 * is passed in, since a test runner may rewrite imported names in a function's source.
 */

import type { ActorDetail, ActorSummary } from './actorViews.js';
import type { CallEntry } from './pageModel.js';
import type { StepDetail, StepSummary } from './stepViews.js';

/** Text made safe to put in HTML. */
export function escapeHtml(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One actor in the list, indented by its depth in its call, marked when selected. */
export function renderActorRow(
  actor: ActorSummary,
  depth: number,
  selected: string | null,
): string {
  const classes = ['actor', actor.kind, `status-${actor.status}`];
  if (actor.ended) classes.push('ended');
  if (actor.id === selected) classes.push('selected');
  const state = actor.status === 'active' ? actor.state : `${actor.state} (${actor.status})`;
  return (
    `<div class="${classes.join(' ')}" data-actor="${escapeHtml(actor.id)}" style="padding-left:${depth * 14 + 8}px">` +
    `<span class="label">${escapeHtml(actor.label)}</span> ` +
    `<span class="state">${escapeHtml(state)}</span></div>`
  );
}

/**
 * The list of calls that `matches` (`matchesFilter` with the page's search), at most `limit` of
 * them (the others counted): a header per call (caller ID, extension, live or ended), then its
 * actors as a tree, the selected one marked. The supervisor comes first, outside any call.
 */
export function renderCallList(
  calls: readonly CallEntry[],
  matches: (call: CallEntry) => boolean,
  selected: string | null,
  limit: number,
): { html: string; total: number; shown: number } {
  let html = '';
  let total = 0;
  let shown = 0;
  for (const call of calls) {
    if (call.id === '') {
      for (const row of call.rows) html += renderActorRow(row.actor, 0, selected);
      continue;
    }
    total += 1;
    if (!matches(call)) continue;
    shown += 1;
    if (shown > limit) continue;
    const first = call.rows[0]?.actor;
    const caller = call.rows.find((row) => row.actor.callerId)?.actor.callerId ?? '';
    const exten = call.rows.find((row) => row.actor.exten)?.actor.exten ?? '';
    html +=
      `<div class="call${call.ended ? ' ended' : ''}" data-call="${escapeHtml(call.id)}">` +
      `<div class="call-head" data-actor="${escapeHtml(first?.id ?? '')}">` +
      `<span class="who">${escapeHtml(caller || first?.label || call.id)}${exten ? ` → ${escapeHtml(exten)}` : ''}</span>` +
      `<span class="tag">${call.ended ? 'ended' : 'live'}</span></div>` +
      call.rows.map((row) => renderActorRow(row.actor, row.depth, selected)).join('') +
      '</div>';
  }
  if (shown > limit) {
    html += `<div class="more">… ${shown - limit} more calls match: narrow the filter</div>`;
  }
  return { html, total, shown };
}

/** What a step says in a timeline chip: its event, and the move it made (`done: passcode: passcode → menu`). */
export function stepLabel(step: StepSummary): string {
  const key = (id: string) => id.slice(id.lastIndexOf('.') + 1);
  const moves = step.transitions.filter((t) => t.targets.length > 0);
  if (moves.length === 0) return step.label;
  if (step.ami !== undefined) return `${step.label} → ${step.state}`;
  const move = moves.map((t) => `${key(t.source)} → ${t.targets.map(key).join(', ')}`).join('; ');
  return `${step.label}: ${move}`;
}

/**
 * A call's steps on one time axis, one lane per actor (its channels first, then its call logic and
 * what that invokes): a row per step, oldest first, at most the last `limit`, with the time since
 * the call's first step; each step a chip (AMI event, state change, other event) to select.
 */
export function renderTimeline(
  steps: readonly StepSummary[],
  actors: Record<string, ActorDetail>,
  selectedSeq: number | null,
  limit: number,
): string {
  const lanes: string[] = [];
  const rank = (id: string) => (id.startsWith('channel:') ? 0 : id.includes('/') ? 2 : 1);
  for (const id of [...Object.keys(actors), ...steps.map((step) => step.actor)]) {
    if (!lanes.includes(id)) lanes.push(id);
  }
  lanes.sort((a, b) => rank(a) - rank(b));
  const start = steps[0]?.at ?? 0;
  const head = lanes
    .map(
      (id) =>
        `<th data-lane="${escapeHtml(id)}">${escapeHtml(actors[id]?.label ?? id.replace(/^.*\//, ''))}</th>`,
    )
    .join('');
  const rows = steps
    .slice(-limit)
    .map((step) => {
      const kind = step.ami !== undefined ? 'ami' : 'event';
      const moved = step.transitions.some((t) => t.targets.length > 0) ? ' moved' : '';
      const chosen = step.seq === selectedSeq ? ' selected' : '';
      const cells = lanes
        .map((lane) =>
          lane === step.actor
            ? `<td><button class="chip ${kind}${moved}${chosen}" data-seq="${step.seq}" title="${escapeHtml(`${step.type} → ${step.state}`)}">${escapeHtml(stepLabel(step))}</button></td>`
            : '<td></td>',
        )
        .join('');
      return `<tr data-seq="${step.seq}"><td class="time">+${((step.at - start) / 1000).toFixed(3)} s</td>${cells}</tr>`;
    })
    .join('');
  return `<table class="timeline"><thead><tr><th>time</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** A selected step: the event it carried and the context after it. */
export function renderStepDetail(step: StepDetail): string {
  return (
    `<h3>${escapeHtml(step.label)} <small>step ${step.seq}, ${escapeHtml(step.type)}</small></h3>` +
    `<p>${escapeHtml(step.actor)} → <code>${escapeHtml(step.state)}</code></p>` +
    `<h4>event</h4><pre>${escapeHtml(JSON.stringify(step.detail, null, 2))}</pre>` +
    `<h4>context after</h4><pre>${escapeHtml(JSON.stringify(step.context, null, 2))}</pre>`
  );
}

/** The selected actor's heading: name, id, machine, status and state. */
export function renderActorHead(actor: ActorDetail): string {
  return (
    `<h1>${escapeHtml(actor.label)} <small>${escapeHtml(actor.id)}</small></h1>` +
    `<p>machine <b>${escapeHtml(actor.machine ?? '?')}</b>, ${actor.ended ? 'ended, ' : ''}status <b>${escapeHtml(actor.status)}</b>, ` +
    `state <code class="current-state">${escapeHtml(actor.state)}</code></p>`
  );
}
