import { PAGE_FUNCTIONS } from './pageModel.js';

const STYLE = `
:root { color-scheme: light dark; --active: #2f9e44; --muted: #8888; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.35 system-ui, sans-serif; display: flex; height: 100vh; }
#list { width: 360px; overflow: auto; border-right: 1px solid var(--muted); padding: 6px 0; }
#detail { flex: 1; overflow: auto; padding: 10px 14px; }
h1 { font-size: 15px; margin: 4px 8px 8px; }
h2 { font-size: 14px; margin: 14px 0 6px; }
.group { margin: 8px 6px 2px; font-size: 11px; text-transform: uppercase; opacity: .7; }
.actor { cursor: pointer; padding: 2px 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.actor:hover { background: #8882; }
.actor.selected { background: #2f9e4433; }
.actor .state { opacity: .8; font-family: ui-monospace, monospace; font-size: 12px; }
.actor.flow .label::before, .actor.child .label::before { content: "⚙ "; }
.actor.status-done, .actor.status-stopped, .actor.status-error { opacity: .45; }
.node { border: 1px solid var(--muted); border-radius: 6px; padding: 3px 6px 5px; margin: 4px; min-width: 90px; }
.node.parallel > .children { display: flex; flex-wrap: wrap; align-items: flex-start; }
.node.parallel { border-style: dashed; }
.node.final { border-width: 3px; border-style: double; }
.node.active { border-color: var(--active); background: #2f9e4414; }
.node.active > .title { color: var(--active); font-weight: 700; }
.title { font-weight: 600; }
.badge { font-size: 10px; font-weight: 400; margin-left: 6px; padding: 0 4px; border: 1px solid var(--muted); border-radius: 3px; }
.tx { margin: 2px 0 2px 4px; padding: 0; list-style: none; font-size: 11px; opacity: .75; }
.tx .guard { opacity: .7; }
pre { background: #8881; padding: 6px; overflow: auto; max-height: 320px; }
#events { font-size: 12px; padding-left: 16px; }
#events code { opacity: .7; word-break: break-all; }
#status { margin: 0 8px; font-size: 11px; opacity: .7; }
`;

const SCRIPT = `
const MAX_STEPS = 2000;
const view = { actors: {}, call: null };
const charts = {};
let selected = null;
let callStream = null;
let callId = null;
let pending = false;
const listEl = document.getElementById('actors');
const detailEl = document.getElementById('detail');
const statusEl = document.getElementById('status');

function render() {
  pending = false;
  listEl.innerHTML = renderActorList(Object.values(view.actors), selected);
  if (!selected) { detailEl.innerHTML = '<p>Select an actor.</p>'; return; }
  const actor = view.call && view.call.actors[selected];
  if (!actor) {
    detailEl.innerHTML = !view.call && view.actors[selected] ? '<p>loading…</p>' : '<p>' + escapeHtml(selected) + ' was removed.</p>';
    return;
  }
  const chart = actor.machine && charts[actor.machine];
  if (actor.machine && !chart) loadChart(actor.machine);
  detailEl.innerHTML =
    '<h1>' + escapeHtml(actor.label) + ' <small>' + escapeHtml(actor.id) + '</small></h1>' +
    '<p>machine <b>' + escapeHtml(actor.machine || '?') + '</b>, status <b>' + escapeHtml(actor.status) +
    '</b>, state <code>' + escapeHtml(actor.state) + '</code></p>' +
    (chart ? renderChart(chart.root, activeNodeIds(chart.root, actor.value)) : '<p>loading the statechart…</p>') +
    '<h2>Context</h2><pre>' + escapeHtml(JSON.stringify(actor.context, null, 2)) + '</pre>' +
    '<h2>Steps</h2><ul id="events">' + renderSteps(view.call.steps, actor.id) + '</ul>';
}
function schedule() {
  if (!pending) { pending = true; requestAnimationFrame(render); }
}
function loadChart(machine) {
  if (charts[machine] !== undefined) return;
  charts[machine] = null;
  fetch('/api/machines/' + encodeURIComponent(machine)).then((r) => r.ok ? r.json() : null)
    .then((chart) => { charts[machine] = chart || undefined; schedule(); });
}
function followCall(group) {
  if (group === callId) return;
  if (callStream) callStream.close();
  callId = group;
  view.call = null;
  callStream = group === null ? null : new EventSource('/events?call=' + encodeURIComponent(group));
  if (!callStream) return;
  for (const kind of ['reset', 'actors', 'steps']) {
    callStream.addEventListener(kind, (message) => {
      applyCallMessage(view, kind, JSON.parse(message.data), MAX_STEPS);
      schedule();
    });
  }
}
function select(id) {
  selected = id;
  // The selection is in the address (#channel:1795808408.3), so a link shows the same actor.
  if (decodeURIComponent(location.hash.slice(1)) !== id) history.replaceState(null, '', '#' + encodeURIComponent(id));
  const known = view.actors[id];
  if (known) followCall(known.group);
  else fetch('/api/actors/' + encodeURIComponent(id)).then((r) => r.ok ? r.json() : null).then((data) => {
    if (data && selected === id) followCall(data.actor.group);
    schedule();
  });
  schedule();
}
listEl.addEventListener('click', (event) => {
  const row = event.target.closest('[data-actor]');
  if (row) select(row.getAttribute('data-actor'));
});
const source = new EventSource('/events');
for (const kind of ['reset', 'actors']) {
  source.addEventListener(kind, (message) => {
    applyListMessage(view, kind, JSON.parse(message.data));
    schedule();
  });
}
if (location.hash.length > 1) select(decodeURIComponent(location.hash.slice(1)));
source.onopen = () => { statusEl.textContent = 'live'; };
source.onerror = () => { statusEl.textContent = 'disconnected, retrying…'; };
schedule();
`;

/**
 * The inspector's page (served at `/`): one self-contained HTML document, its script made of
 * the tested functions of `pageModel.ts` plus the glue to the server (`EventSource('/events')`,
 * `fetch('/api/...')`).
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
<nav id="list"><h1>octostate actors</h1><div id="status">connecting…</div><div id="actors"></div></nav>
<main id="detail"></main>
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
