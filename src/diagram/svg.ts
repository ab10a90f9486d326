import {
  CHAR_WIDTH,
  FONT_SIZE,
  headerLines,
  type Layout,
  LINE_HEIGHT,
  type PlacedEdge,
  type PlacedNode,
} from './layout.js';

/** Text made safe for XML. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The diagram's look. Classes a viewer may add: `active` on a state's `g` (its state is active),
 * `last` on an arrow's `g` (the transition just taken).
 */
export const DIAGRAM_STYLE = `
.octostate-diagram { font: ${FONT_SIZE}px ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; }
.octostate-diagram .node rect { fill: #fff; stroke: #5c6370; stroke-width: 1; }
.octostate-diagram .node.machine > rect { fill: #f6f8fa; stroke: #24292f; stroke-width: 1.5; }
.octostate-diagram .node.parallel > rect { stroke-dasharray: 5 3; fill: #fbfbfd; }
.octostate-diagram .node.final > rect.inner { fill: none; }
.octostate-diagram .node .title { font-weight: 700; fill: #24292f; }
.octostate-diagram .node .line { fill: #57606a; }
.octostate-diagram .initial { fill: #24292f; }
.octostate-diagram .edge path { fill: none; stroke: #8c959f; stroke-width: 1.2; }
.octostate-diagram .edge .label rect { fill: #fff; fill-opacity: 0.9; stroke: none; }
.octostate-diagram .edge .label text { fill: #0550ae; }
.octostate-diagram .edge.initial path { stroke: #24292f; }
.octostate-diagram .node.active:not(.machine) > rect { fill: #dafbe1; stroke: #1a7f37; stroke-width: 2; }
.octostate-diagram .node.active:not(.machine) > .title { fill: #1a7f37; }
.octostate-diagram .edge.last path { stroke: #bf5700; stroke-width: 2.5; }
.octostate-diagram .edge.last .label text { fill: #bf5700; font-weight: 700; }
`;

const round = (value: number) => Math.round(value * 10) / 10;

function nodeSvg(placed: PlacedNode, markerId: string): string {
  const { x, y, width, height } = placed;
  if (!placed.node) {
    const r = width / 2;
    return `<circle class="initial" cx="${round(x + r)}" cy="${round(y + r)}" r="${round(r)}"/>`;
  }
  const node = placed.node;
  const classes = ['node', node.isMachine ? 'machine' : node.type];
  if (node.isMachine && node.type === 'parallel') classes.push('parallel');
  const rect = (inset: number, extra = '') =>
    `<rect${extra} x="${round(x + inset)}" y="${round(y + inset)}" width="${round(width - 2 * inset)}" height="${round(height - 2 * inset)}" rx="${node.type === 'history' ? width / 2 : 6}"/>`;
  const lines = headerLines(node)
    .map((line, index) => {
      const ty = y + 8 + (index + 1) * LINE_HEIGHT - 4;
      const text = index === 0 && node.type === 'history' ? 'H' : line;
      return `<text class="${index === 0 ? 'title' : 'line'}" x="${round(x + 10)}" y="${round(ty)}">${escapeXml(text)}</text>`;
    })
    .join('');
  void markerId;
  return (
    `<g class="${classes.join(' ')}" data-node="${escapeXml(node.stateId)}" data-id="${escapeXml(node.id)}">` +
    rect(0) +
    (node.type === 'final' ? rect(3, ' class="inner"') : '') +
    lines +
    '</g>'
  );
}

function edgeSvg(edge: PlacedEdge, markerId: string): string {
  if (edge.points.length === 0) return '';
  const d = edge.points
    .map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${round(px)} ${round(py)}`)
    .join(' ');
  const label = edge.label;
  const text = label
    ? `<g class="label"><rect x="${round(label.x)}" y="${round(label.y)}" width="${round(label.width)}" height="${round(label.height)}" rx="3"/>` +
      edge.labels
        .map(
          (line, index) =>
            `<text x="${round(label.x + 2)}" y="${round(label.y + (index + 1) * LINE_HEIGHT - 4)}">${escapeXml(line)}</text>`,
        )
        .join('') +
      '</g>'
    : '';
  const classes = edge.initial ? 'edge initial' : 'edge';
  return (
    `<g class="${classes}" data-edge="${escapeXml(edge.id)}" data-source="${escapeXml(edge.source)}" data-target="${escapeXml(edge.target)}">` +
    `<path d="${d}" marker-end="url(#${markerId})"/>${text}</g>`
  );
}

/**
 * A laid-out statechart as a standalone SVG document: states as rounded boxes nested as in the
 * machine (parallel states dashed, final states doubled, the machine's frame shaded), a dot and an
 * arrow for each initial state, transitions as arrows with their labels. Each state's `g` carries
 * `data-node` (the XState state node id) and each arrow's `data-edge`, `data-source` and
 * `data-target`, so that a viewer can mark active states (`active`) and the last transition
 * (`last`). Text is monospace, so it fits its boxes in any viewer.
 *
 * @example
 * writeFileSync('ivr.svg', renderSvg(await layoutGraph(machineGraph(ivrMachine))));
 */
export function renderSvg(layout: Layout, options: { readonly standalone?: boolean } = {}): string {
  const markerId = `arrow-${layout.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const nodes = [...layout.nodes].sort((a, b) => a.depth - b.depth);
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const standalone = options.standalone ?? true;
  return [
    standalone ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '',
    `<svg xmlns="http://www.w3.org/2000/svg" class="octostate-diagram" data-machine="${escapeXml(layout.id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeXml(layout.id)} statechart</title>`,
    standalone ? `<style>${DIAGRAM_STYLE}</style>` : '',
    `<defs><marker id="${markerId}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="context-stroke"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...nodes.map((node) => nodeSvg(node, markerId)),
    ...layout.edges.map((edge) => edgeSvg(edge, markerId)),
    '</svg>\n',
  ].join('');
}

/** How wide a text line is drawn (for tests that check text fits its box). */
export function drawnWidth(text: string): number {
  return text.length * CHAR_WIDTH;
}
