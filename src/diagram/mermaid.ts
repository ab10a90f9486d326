import type { GraphNode, MachineGraph } from './machineGraph.js';

/** An id Mermaid accepts: letters, digits and `_`. */
function mermaidId(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Label text with Mermaid's special characters written as entity codes. */
function mermaidText(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/:/g, '#58;')
    .replace(/;(?<!#\d+;)/g, '#59;');
}

function lines(node: GraphNode, indent: string): string[] {
  const id = mermaidId(node.id);
  const out = [`${indent}state "${mermaidText(node.label)}" as ${id}`];
  for (const invoke of node.invokes) out.push(`${indent}${id} : invoke ${mermaidText(invoke)}`);
  for (const internal of node.internal) out.push(`${indent}${id} : on ${mermaidText(internal)}`);
  if (node.type === 'final') out.push(`${indent}${id} --> [*]`);
  if (node.children.length === 0) return out;
  out.push(`${indent}state ${id} {`);
  const inner = `${indent}  `;
  if (node.initial !== undefined) out.push(`${inner}[*] --> ${mermaidId(node.initial)}`);
  node.children.forEach((child, index) => {
    if (node.type === 'parallel' && index > 0) out.push(`${inner}--`);
    out.push(...lines(child, inner));
  });
  out.push(`${indent}}`);
  return out;
}

/**
 * A machine as a Mermaid state diagram (`stateDiagram-v2`), for a README or a review on a forge
 * that renders Mermaid: nested states, parallel regions separated by `--`, initial and final
 * states, labelled transitions, and what each state invokes as its description.
 *
 * @example
 * renderMermaid(machineGraph(ivrMachine)); // 'stateDiagram-v2\n  state "ivr" as ivr\n...'
 */
export function renderMermaid(graph: MachineGraph): string {
  const out = ['stateDiagram-v2', ...lines(graph.root, '  ')];
  for (const edge of graph.edges) {
    out.push(
      `  ${mermaidId(edge.source)} --> ${mermaidId(edge.target)} : ${mermaidText(edge.labels.join(' / '))}`,
    );
  }
  return `${out.join('\n')}\n`;
}
