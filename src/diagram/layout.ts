import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { type ElkInWorker, elkInWorker } from './elkWorker.js';
import { type GraphNode, graphNodes, type MachineGraph } from './machineGraph.js';

/** Text is set in a monospace font of this size, so that its width is known without a browser. */
export const FONT_SIZE = 12;
/** The advance of one character of that font, in px (DejaVu Sans Mono, Menlo, Consolas: ~0.6 em). */
export const CHAR_WIDTH = 7.3;
/** The height of one line of text, in px. */
export const LINE_HEIGHT = 16;

const PAD = 10;

/**
 * Options ELK reads from each box with children (with the whole hierarchy laid out at once,
 * spacing and ordering are still properties of each parent).
 */
const SPACING = {
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '32',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.edgeEdge': '12',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.separateConnectedComponents': 'false',
};
const INITIAL_SIZE = 10;

/** A box placed by the layout: a state, a machine's frame, or an initial-state dot. */
export interface PlacedNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The node of the graph it draws; absent for the dot that points at an initial state. */
  readonly node?: GraphNode;
  /** For an initial dot: the graph id of the state it points at. */
  readonly initialOf?: string;
  readonly depth: number;
}

/** An arrow placed by the layout, with where its label goes. */
export interface PlacedEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Its route, start to end (the end touches the target). */
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly labels: readonly string[];
  readonly events: readonly string[];
  readonly label?: {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
  };
  /** Whether it is the arrow from an initial dot. */
  readonly initial: boolean;
}

/** A laid-out graph: every box and arrow with its coordinates (from the top left, in px). */
export interface Layout {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

/** The width of a line of text, in px. */
export function textWidth(text: string): number {
  return Math.ceil([...text].length * CHAR_WIDTH);
}

/** The lines written in a state's box above its children: name, invokes, internal transitions. */
export function headerLines(node: GraphNode): string[] {
  return [
    node.label,
    ...node.invokes.map((name) => `invoke ${name}`),
    ...node.internal.map((label) => `on ${label}`),
  ];
}

function initialId(node: GraphNode): string {
  return `${node.id}#initial`;
}

function elkNode(node: GraphNode): ElkNode {
  const lines = headerLines(node);
  const header = PAD + lines.length * LINE_HEIGHT;
  const width = Math.max(...lines.map(textWidth)) + 2 * PAD;
  if (node.children.length === 0) {
    return { id: node.id, width: Math.max(width, 60), height: header + PAD };
  }
  const children: ElkNode[] = node.children.map(elkNode);
  if (node.initial !== undefined) {
    children.unshift({ id: initialId(node), width: INITIAL_SIZE, height: INITIAL_SIZE });
  }
  return {
    id: node.id,
    children,
    layoutOptions: {
      ...SPACING,
      'elk.padding': `[top=${header + PAD},left=${PAD},bottom=${PAD},right=${PAD}]`,
      'elk.nodeSize.minimum': `(${width}, ${header + PAD})`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      // Regions of a parallel state side by side: a row, not a column.
      ...(node.type === 'parallel' ? { 'elk.aspectRatio': '100' } : {}),
    },
  };
}

function labelSize(labels: readonly string[]): { width: number; height: number } {
  return {
    width: Math.max(...labels.map(textWidth)) + 4,
    height: labels.length * LINE_HEIGHT,
  };
}

/**
 * Lays a graph out with ELK (the Eclipse Layout Kernel, `elkjs`, which runs offline, here in a
 * worker thread so that the caller's event loop goes on meanwhile): the layered
 * algorithm over the whole hierarchy at once, so that arrows may cross state boundaries, with room
 * at the top of each box for its name, what it invokes and its internal transitions, and a place
 * for each arrow's label. The same graph always gives the same layout. Give an {@link ElkInWorker}
 * to lay out several graphs with one thread; without one, a thread is started and ended for this.
 *
 * @example
 * const layout = await layoutGraph(machineGraph(ivrMachine));
 * layout.nodes.find((node) => node.id === 'ivr.menu'); // { x, y, width, height, ... }
 */
export async function layoutGraph(graph: MachineGraph, worker?: ElkInWorker): Promise<Layout> {
  const edges: ElkExtendedEdge[] = graph.edges.map((edge) => ({
    id: edge.id,
    sources: [edge.source],
    targets: [edge.target],
    labels: [{ id: `${edge.id}#label`, text: edge.labels.join('\n'), ...labelSize(edge.labels) }],
  }));
  for (const node of graphNodes(graph.root)) {
    if (node.initial === undefined) continue;
    edges.push({
      id: `${initialId(node)}->${node.initial}`,
      sources: [initialId(node)],
      targets: [node.initial],
    });
  }
  const root: ElkNode = {
    id: '#diagram',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      ...SPACING,
      'elk.padding': '[top=8,left=8,bottom=8,right=8]',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.randomSeed': '1',
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
    },
    children: [elkNode(graph.root)],
    edges,
  };
  const elk = worker ?? elkInWorker();
  let laid: ElkNode;
  try {
    laid = await elk.elk.layout(root);
  } finally {
    if (!worker) await elk.close();
  }
  const byId = new Map(graphNodes(graph.root).map((node) => [node.id, node]));
  const nodes: PlacedNode[] = [];
  const place = (elkChild: ElkNode, depth: number) => {
    const node = byId.get(elkChild.id);
    const initialOf = elkChild.id.endsWith('#initial')
      ? byId.get(elkChild.id.slice(0, -'#initial'.length))?.initial
      : undefined;
    nodes.push({
      id: elkChild.id,
      x: elkChild.x ?? 0,
      y: elkChild.y ?? 0,
      width: elkChild.width ?? 0,
      height: elkChild.height ?? 0,
      depth,
      ...(node ? { node } : {}),
      ...(initialOf === undefined ? {} : { initialOf }),
    });
    for (const child of elkChild.children ?? []) place(child, depth + 1);
  };
  for (const child of laid.children ?? []) place(child, 0);
  const source = new Map(graph.edges.map((edge) => [edge.id, edge]));
  const placedEdges: PlacedEdge[] = (laid.edges ?? []).map((edge) => {
    const section = edge.sections?.[0];
    const points: Array<readonly [number, number]> = section
      ? [
          [section.startPoint.x, section.startPoint.y],
          ...(section.bendPoints ?? []).map((p) => [p.x, p.y] as const),
          [section.endPoint.x, section.endPoint.y],
        ]
      : [];
    const label = edge.labels?.[0];
    const original = source.get(edge.id);
    return {
      id: edge.id,
      source: edge.sources[0] ?? '',
      target: edge.targets[0] ?? '',
      points,
      labels: original?.labels ?? [],
      events: original?.events ?? [],
      initial: original === undefined,
      ...(label && original
        ? {
            label: {
              x: label.x ?? 0,
              y: label.y ?? 0,
              width: label.width ?? 0,
              height: label.height ?? 0,
            },
          }
        : {}),
    };
  });
  return {
    id: graph.id,
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    nodes,
    edges: placedEdges,
  };
}
