import { afterAll, describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { elkInWorker } from '../../src/diagram/elkWorker.js';
import { DIAGRAM_FORMATS, renderDiagram } from '../../src/diagram/index.js';
import { CHAR_WIDTH, headerLines, layoutGraph } from '../../src/diagram/layout.js';
import { graphNodes, machineGraph } from '../../src/diagram/machineGraph.js';
import { escapeXml, renderSvg } from '../../src/diagram/svg.js';
import * as octostate from '../../src/index.js';

/** octostate's exported machines: what `octostate diagram` draws by name. */
const MACHINES = Object.values(octostate).filter(
  (value): value is AnyStateMachine =>
    typeof value === 'object' && value !== null && 'root' in value && 'config' in value,
);

const elk = elkInWorker();
afterAll(() => elk.close());

/** Throws unless `xml` is well formed: balanced tags, quoted attributes, escaped text. */
function checkXml(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<\?xml[^>]*\?>/g;
  let at = 0;
  for (const match of xml.matchAll(tag)) {
    const text = xml.slice(at, match.index);
    if (/<|&(?!(amp|lt|gt|quot|#39);)/.test(text))
      throw new Error(`bad text ${JSON.stringify(text)}`);
    at = (match.index ?? 0) + match[0].length;
    const [, closing, name, , selfClosing] = match;
    if (name === undefined) continue;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else if (!selfClosing) stack.push(name);
  }
  if (xml.slice(at).trim() !== '') throw new Error('text after the root');
  if (stack.length > 0) throw new Error(`unclosed ${stack.join(', ')}`);
}

describe('diagrams of every exported machine', () => {
  it("should find octostate's machines among its exports", () => {
    expect(MACHINES.map((machine) => machine.id).sort()).toEqual(
      expect.arrayContaining(['channel', 'collectDigits', 'hello', 'ivr', 'menu', 'passcode']),
    );
  });

  it.each(MACHINES.map((machine) => [machine.id, machine] as const))(
    'should render %s as SVG: every state a box, every transition a labelled arrow, text inside',
    async (_id, machine) => {
      const graph = machineGraph(machine);
      const layout = await layoutGraph(graph, elk);
      const svg = renderSvg(layout);
      checkXml(svg);
      for (const node of graphNodes(graph.root)) {
        expect(svg).toContain(`data-node="${node.stateId}"`);
        const placed = layout.nodes.find((p) => p.id === node.id)!;
        expect(placed.width, node.id).toBeGreaterThanOrEqual(
          Math.max(...headerLines(node).map((line) => line.length * CHAR_WIDTH)),
        );
      }
      for (const edge of layout.edges.filter((e) => !e.initial)) {
        expect(edge.points.length, edge.id).toBeGreaterThanOrEqual(2);
        expect(svg).toContain(`data-edge="${escapeXml(edge.id)}"`);
        for (const label of edge.labels) expect(svg).toContain(`>${escapeXml(label)}<`);
        expect(edge.label!.width).toBeGreaterThanOrEqual(
          Math.max(...edge.labels.map((l) => l.length * CHAR_WIDTH)),
        );
      }
      // Children lie inside their parents.
      for (const placed of layout.nodes) {
        const parent = layout.nodes.find((p) => p.node?.children.some((c) => c.id === placed.id));
        if (!parent) continue;
        expect(placed.x).toBeGreaterThanOrEqual(parent.x);
        expect(placed.y).toBeGreaterThanOrEqual(parent.y);
        expect(placed.x + placed.width).toBeLessThanOrEqual(parent.x + parent.width + 0.01);
        expect(placed.y + placed.height).toBeLessThanOrEqual(parent.y + parent.height + 0.01);
      }
    },
    30_000,
  );

  it.each(MACHINES.map((machine) => [machine.id, machine] as const))(
    'should write %s as Mermaid and DOT with every state and transition',
    async (_id, machine) => {
      const graph = machineGraph(machine);
      const mermaid = await renderDiagram(machine, { format: 'mermaid' });
      expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
      const mermaidId = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');
      for (const node of graphNodes(graph.root)) {
        expect(mermaid).toContain(`as ${mermaidId(node.id)}\n`);
      }
      for (const edge of graph.edges) {
        expect(mermaid).toContain(`${mermaidId(edge.source)} --> ${mermaidId(edge.target)} : `);
      }
      // Mermaid's special characters are written as entities in labels.
      for (const line of mermaid.split('\n').filter((l) => l.includes(' : '))) {
        expect(line.slice(line.indexOf(' : ') + 3)).not.toMatch(/:/);
      }
      const dot = await renderDiagram(machine, { format: 'dot' });
      expect(dot.startsWith(`digraph "${machine.id}" {`)).toBe(true);
      expect(dot.match(/{/g)?.length).toBe(dot.match(/}/g)?.length);
      for (const edge of graph.edges) expect(dot).toContain(`label="${edge.labels.join('\\n')}"`);
      expect(DIAGRAM_FORMATS).toEqual(['svg', 'mermaid', 'dot']);
    },
  );
});
