import { type GraphNode, graphNodes, type MachineGraph } from './machineGraph.js';

/** A double-quoted DOT string. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const cluster = (node: GraphNode) => quote(`cluster_${node.id}`);
/** A point inside each box with children, where arrows to or from the box end (lhead, ltail). */
const anchor = (node: GraphNode) => quote(`${node.id}#anchor`);

function body(node: GraphNode): string[] {
  return [
    node.label,
    ...node.invokes.map((name) => `invoke ${name}`),
    ...node.internal.map((l) => `on ${l}`),
  ];
}

function lines(node: GraphNode, indent: string): string[] {
  if (node.children.length === 0) {
    const shape =
      node.type === 'history' ? 'shape=circle label="H"' : `label=${quote(body(node).join('\n'))}`;
    return [
      `${indent}${quote(node.id)} [${shape}${node.type === 'final' ? ' peripheries=2' : ''}];`,
    ];
  }
  const style = node.isMachine ? 'bold' : node.type === 'parallel' ? 'dashed,rounded' : 'rounded';
  const inner = `${indent}  `;
  const out = [
    `${indent}subgraph ${cluster(node)} {`,
    `${inner}label=${quote(body(node).join('\n'))}; style=${quote(style)}; labeljust=l;`,
    `${inner}${anchor(node)} [shape=point style=invis width=0 height=0];`,
  ];
  if (node.initial !== undefined) {
    const initial = quote(`${node.id}#initial`);
    out.push(
      `${inner}${initial} [shape=point width=0.12];`,
      `${inner}${initial} -> ${quote(node.initial)};`,
    );
  }
  for (const child of node.children) out.push(...lines(child, inner));
  out.push(`${indent}}`);
  return out;
}

/**
 * A machine as a Graphviz graph (`dot -Tsvg`): compound and parallel states as clusters (dashed
 * for parallel), arrows to or from a compound state clipped at its border (`compound=true`,
 * `lhead`, `ltail`), initial dots, doubled final states, labelled transitions.
 *
 * @example
 * writeFileSync('ivr.dot', renderDot(machineGraph(ivrMachine)));
 */
export function renderDot(graph: MachineGraph): string {
  const byId = new Map(graphNodes(graph.root).map((node) => [node.id, node]));
  const out = [
    `digraph ${quote(graph.id)} {`,
    '  compound=true; rankdir=TB; fontname="monospace"; fontsize=11;',
    '  node [shape=box style=rounded fontname="monospace" fontsize=11];',
    '  edge [fontname="monospace" fontsize=10 color="#8c959f" fontcolor="#0550ae"];',
    ...lines(graph.root, '  '),
  ];
  for (const edge of graph.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    const from = source.children.length > 0 ? anchor(source) : quote(source.id);
    const to = target.children.length > 0 ? anchor(target) : quote(target.id);
    const clip = [
      source.children.length > 0 && !isAncestor(source, target) ? `ltail=${cluster(source)}` : '',
      target.children.length > 0 && !isAncestor(target, source) ? `lhead=${cluster(target)}` : '',
    ].filter(Boolean);
    out.push(
      `  ${from} -> ${to} [label=${quote(edge.labels.join('\n'))}${clip.map((c) => ` ${c}`).join('')}];`,
    );
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

function isAncestor(node: GraphNode, other: GraphNode): boolean {
  return node.children.some((child) => child === other || isAncestor(child, other));
}
