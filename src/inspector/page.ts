import { DIAGRAM_STYLE } from '../diagram/svg.js';
import {
  activeNodeIds,
  applyCallMessage,
  applyListMessage,
  callEntries,
  lastEdgeIds,
  matchesFilter,
} from './pageModel.js';
import {
  escapeHtml,
  renderActorHead,
  renderActorRow,
  renderCallList,
  renderStepDetail,
  renderTimeline,
  stepLabel,
} from './pageViews.js';

/** The functions the page's script is made of, in order. */
export const PAGE_FUNCTIONS = [
  escapeHtml,
  activeNodeIds,
  lastEdgeIds,
  callEntries,
  matchesFilter,
  applyListMessage,
  applyCallMessage,
  renderActorRow,
  renderCallList,
  stepLabel,
  renderTimeline,
  renderStepDetail,
  renderActorHead,
] as const;

const STYLE = `
:root { color-scheme: light; --active: #1a7f37; --muted: #d0d7de; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; height: 100vh; display: grid;
  grid-template-rows: auto 1fr; grid-template-columns: 380px 1fr; color: #24292f; }
header { grid-column: 1 / 3; display: flex; gap: 12px; align-items: center; padding: 6px 12px;
  border-bottom: 1px solid var(--muted); background: #f6f8fa; }
header h1 { font-size: 15px; margin: 0; }
#filter { flex: 1; max-width: 520px; padding: 4px 8px; font: inherit; border: 1px solid var(--muted); border-radius: 6px; }
#count, #status { font-size: 12px; color: #57606a; }
#list { overflow: auto; border-right: 1px solid var(--muted); padding: 4px 0; }
#detail { overflow: auto; padding: 8px 16px; }
.call { border-bottom: 1px solid #eaeef2; padding: 2px 0 4px; }
.call-head { cursor: pointer; padding: 2px 8px; display: flex; justify-content: space-between; font-weight: 600; }
.call-head .tag { font-size: 11px; font-weight: 400; color: #57606a; }
.call.ended { opacity: .6; }
.actor { cursor: pointer; padding: 1px 8px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.actor:hover, .call-head:hover { background: #eaeef2; }
.actor.selected { background: #ddf4ff; }
.actor .state { font: 12px ui-monospace, monospace; color: #57606a; }
.actor.flow .label::before, .actor.child .label::before { content: "⚙ "; }
.actor.status-done .label, .actor.ended .label { text-decoration: line-through; text-decoration-color: #8c959f; }
.more { padding: 6px 8px; color: #57606a; font-style: italic; }
h1 { font-size: 16px; margin: 4px 0; } h1 small { font-weight: 400; color: #57606a; }
h2 { font-size: 14px; margin: 16px 0 6px; }
#chart { overflow: auto; border: 1px solid var(--muted); border-radius: 6px; max-height: 60vh; background: #fff; }
#chart svg { display: block; }
#chart.fit svg { width: 100%; height: auto; }
#zoom { font: 12px system-ui; margin-left: 8px; }
.columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 12px; align-items: start; }
#timeline { overflow: auto; max-height: 50vh; border: 1px solid var(--muted); border-radius: 6px; }
table.timeline { border-collapse: collapse; font-size: 12px; width: 100%; }
table.timeline th { position: sticky; top: 0; background: #f6f8fa; text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--muted); white-space: nowrap; }
table.timeline td { padding: 1px 6px; border-left: 1px dotted var(--muted); white-space: nowrap; }
table.timeline td.time { color: #57606a; font: 11px ui-monospace, monospace; border-left: none; }
.chip { font: 11px ui-monospace, monospace; border: 1px solid var(--muted); border-radius: 10px; background: #fff; padding: 0 6px; cursor: pointer;
  max-width: 240px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chip.ami { background: #f6f8fa; }
.chip.moved { border-color: var(--active); color: var(--active); font-weight: 600; }
.chip.selected { background: #ddf4ff; border-color: var(--accent); }
#step pre, #context { background: #f6f8fa; padding: 6px; overflow: auto; max-height: 40vh; font-size: 12px; }
${DIAGRAM_STYLE}
`;

const SCRIPT = `
const MAX_STEPS = 2000, LIST_LIMIT = 200, TIMELINE_LIMIT = 500;
const view = { actors: {}, call: null };
const machines = {};
let selected = null, callId = null, callStream = null, filter = '', selectedSeq = null;
let listDirty = true, detailDirty = true, pending = false;
const $ = (id) => document.getElementById(id);

function renderList() {
  listDirty = false;
  const result = renderCallList(callEntries(Object.values(view.actors)), (call) => matchesFilter(call, filter), selected, LIST_LIMIT);
  $('calls').innerHTML = result.html;
  $('count').textContent = result.shown + ' of ' + result.total + ' calls';
}
function renderChart(actor) {
  const chart = $('chart');
  const machine = actor.machine && machines[actor.machine];
  if (!machine) {
    if (actor.machine) loadMachine(actor.machine);
    chart.dataset.machine = '';
    chart.innerHTML = '<p>drawing the statechart…</p>';
    return;
  }
  const fresh = chart.dataset.machine !== actor.machine || chart.dataset.actor !== actor.id;
  if (chart.dataset.machine !== actor.machine) {
    chart.innerHTML = machine.svg;
    chart.dataset.machine = actor.machine;
  }
  chart.dataset.actor = actor.id;
  const active = new Set(activeNodeIds(machine.json.root, actor.value));
  let deepest = null;
  for (const g of chart.querySelectorAll('g[data-node]')) {
    const on = active.has(g.getAttribute('data-node'));
    g.classList.toggle('active', on);
    if (on) deepest = g;
  }
  // A newly shown chart is scrolled to its active state (the channel's chart is wide).
  const box = deepest && deepest.querySelector('rect');
  if (fresh && box && !chart.classList.contains('fit')) {
    chart.scrollLeft = Number(box.getAttribute('x')) - chart.clientWidth / 3;
    chart.scrollTop = Number(box.getAttribute('y')) - chart.clientHeight / 3;
  }
  const last = new Set(lastEdgeIds(actor.lastTransitions || []));
  for (const g of chart.querySelectorAll('g[data-edge]')) g.classList.toggle('last', last.has(g.getAttribute('data-edge')));
}
function renderDetail() {
  detailDirty = false;
  const actor = selected && view.call && view.call.actors[selected];
  if (!selected) { $('head').innerHTML = '<p>Select a call or an actor.</p>'; $('body').hidden = true; return; }
  if (!actor) {
    $('body').hidden = true;
    $('head').innerHTML = view.actors[selected] || (callStream && !view.call) ? '<p>loading…</p>' : '<p>' + escapeHtml(selected) + ' is gone.</p>';
    return;
  }
  $('body').hidden = false;
  $('head').innerHTML = renderActorHead(actor);
  renderChart(actor);
  $('timeline').innerHTML = renderTimeline(view.call.steps, view.call.actors, selectedSeq, TIMELINE_LIMIT);
  $('context').textContent = JSON.stringify(actor.context, null, 2);
}
function render() {
  pending = false;
  if (listDirty) renderList();
  if (detailDirty) renderDetail();
}
function schedule(list, detail) {
  listDirty = listDirty || list;
  detailDirty = detailDirty || detail;
  if (!pending) { pending = true; requestAnimationFrame(render); }
}
function loadMachine(id) {
  if (machines[id] !== undefined) return;
  machines[id] = null;
  const base = 'api/machines/' + encodeURIComponent(id);
  Promise.all([fetch(base).then((r) => r.ok ? r.json() : null), fetch(base + '/diagram').then((r) => r.ok ? r.text() : null)])
    .then(([json, svg]) => { machines[id] = json && svg ? { json, svg } : undefined; schedule(false, true); });
}
function followCall(group) {
  if (group === callId) return;
  if (callStream) callStream.close();
  callId = group;
  view.call = null;
  selectedSeq = null;
  $('step').innerHTML = '<p>Select a step of the time line.</p>';
  callStream = group === null ? null : new EventSource('events?call=' + encodeURIComponent(group));
  if (!callStream) return;
  for (const kind of ['reset', 'actors', 'steps']) {
    callStream.addEventListener(kind, (message) => {
      applyCallMessage(view, kind, JSON.parse(message.data), MAX_STEPS);
      schedule(false, true);
    });
  }
}
function select(id) {
  selected = id;
  // The selection is in the address (#channel:1795808408.3), so a link shows the same actor.
  if (decodeURIComponent(location.hash.slice(1)) !== id) history.replaceState(null, '', '#' + encodeURIComponent(id));
  const known = view.actors[id];
  if (known) followCall(known.group);
  else fetch('api/actors/' + encodeURIComponent(id)).then((r) => r.ok ? r.json() : null).then((data) => {
    if (data && selected === id) followCall(data.actor.group);
    schedule(false, true);
  });
  schedule(true, true);
}
function selectStep(seq) {
  selectedSeq = seq;
  schedule(false, true);
  fetch('api/calls/' + encodeURIComponent(callId) + '/steps/' + seq).then((r) => r.ok ? r.json() : null).then((step) => {
    if (step && selectedSeq === seq) $('step').innerHTML = renderStepDetail(step);
  });
}
$('calls').addEventListener('click', (event) => {
  const row = event.target.closest('[data-actor]');
  if (row && row.getAttribute('data-actor')) select(row.getAttribute('data-actor'));
});
$('timeline').addEventListener('click', (event) => {
  const chip = event.target.closest('[data-seq]');
  if (chip && chip.classList.contains('chip')) selectStep(Number(chip.getAttribute('data-seq')));
});
$('zoom').addEventListener('click', () => {
  const fit = $('chart').classList.toggle('fit');
  $('zoom').textContent = fit ? 'actual size' : 'fit to width';
});
$('filter').addEventListener('input', () => {
  filter = $('filter').value;
  renderList();
});
const source = new EventSource('events');
for (const kind of ['reset', 'actors']) {
  source.addEventListener(kind, (message) => {
    applyListMessage(view, kind, JSON.parse(message.data));
    schedule(true, !!selected && !view.call);
  });
}
if (location.hash.length > 1) select(decodeURIComponent(location.hash.slice(1)));
source.onopen = () => { $('status').textContent = 'live'; };
source.onerror = () => { $('status').textContent = 'disconnected, retrying…'; };
schedule(true, true);
`;

/**
 * The inspector's page (served at `/`): one self-contained HTML document, no CDN. Its script is
 * the tested functions of `pageModel.ts` and `pageViews.ts` plus the glue to the server: the list
 * stream (`events`), the selected call's stream (`events?call=`), the statechart drawn by the
 * server (`api/machines/:id/diagram`, the same SVG as `octostate diagram`) with active states and
 * the last transition marked, the call's time line, and the step selected in it. Its requests are
 * relative to the page, so that a cluster's inspector can serve it under a prefix.
 *
 * @example
 * response.end(inspectorPage());
 */
export function inspectorPage(): string {
  // A bundler that keeps function names (esbuild's keepNames, used by tsx) wraps them in `__name`.
  const functions = PAGE_FUNCTIONS.map((fn) => fn.toString()).join('\n\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>octostate inspector</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>octostate inspector</h1>
<input id="filter" type="search" placeholder="filter: caller:alice exten:500 state:menu channel:PJSIP/… or any word" autocomplete="off">
<span id="count"></span><span id="status">connecting…</span></header>
<nav id="list"><div id="calls"></div></nav>
<main id="detail"><div id="head"></div>
<div id="body" hidden>
<h2>Statechart <button id="zoom" type="button">fit to width</button></h2><div id="chart"></div>
<div class="columns"><div><h2>Time line of the call</h2><div id="timeline"></div></div>
<div><h2>Selected step</h2><div id="step"><p>Select a step of the time line.</p></div></div></div>
<h2>Context</h2><pre id="context"></pre>
</div></main>
<script>
"use strict";
var __name = (fn) => fn;
${functions}
${SCRIPT}
</script>
</body>
</html>
`;
}
