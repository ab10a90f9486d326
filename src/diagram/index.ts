import type { AnyStateMachine } from 'xstate';
import { renderDot } from './dot.js';
import { layoutGraph } from './layout.js';
import { type MachineGraphOptions, machineGraph } from './machineGraph.js';
import { renderMermaid } from './mermaid.js';
import { renderSvg } from './svg.js';

export { renderDot } from './dot.js';
export { eventLabel, formatDelay, guardLabel, transitionLabel, words } from './labels.js';
export { type Layout, layoutGraph, type PlacedEdge, type PlacedNode } from './layout.js';
export {
  type GraphEdge,
  type GraphNode,
  type GraphNodeType,
  graphNodes,
  type MachineGraph,
  type MachineGraphOptions,
  machineGraph,
} from './machineGraph.js';
export { renderMermaid } from './mermaid.js';
export { DIAGRAM_STYLE, renderSvg } from './svg.js';

/** The formats a diagram is written in. */
export const DIAGRAM_FORMATS = ['svg', 'mermaid', 'dot'] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

/** How to draw a machine. */
export interface DiagramOptions extends MachineGraphOptions {
  readonly format: DiagramFormat;
}

/**
 * Draws any XState v5 machine, in SVG (laid out with ELK), Mermaid or Graphviz DOT, with labels
 * people read: `done: answer`, `Hangup [is self]`, `after 5 s`, a transition's `description` when
 * it has one. What `octostate diagram` writes.
 *
 * @example
 * import { ivrMachine } from 'octostate';
 * import { renderDiagram } from 'octostate/diagram';
 *
 * const svg = await renderDiagram(ivrMachine, { format: 'svg', invoked: true });
 */
export async function renderDiagram(
  machine: AnyStateMachine,
  options: DiagramOptions,
): Promise<string> {
  const graph = machineGraph(machine, options);
  switch (options.format) {
    case 'svg':
      return renderSvg(await layoutGraph(graph));
    case 'mermaid':
      return renderMermaid(graph);
    case 'dot':
      return renderDot(graph);
  }
}
