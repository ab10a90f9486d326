import type { AnyStateMachine } from 'xstate';
import { type LabelContext, transitionLabel } from './labels.js';

/** What a box of the diagram is. */
export type GraphNodeType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** One state (or a machine's root) of a {@link MachineGraph}, with the states inside it. */
export interface GraphNode {
  /** Unique in the graph: the state node id, prefixed for a machine drawn inside another. */
  readonly id: string;
  /** XState's id of the state node (`ivr.menu`), to match a running actor's state value. */
  readonly stateId: string;
  /** The key people read (`menu`), the machine's id for a machine's root. */
  readonly label: string;
  readonly type: GraphNodeType;
  /** Whether it is a machine's root: the frame of a machine, drawn with its id. */
  readonly isMachine: boolean;
  /** The graph id of the initial child of a compound state. */
  readonly initial?: string;
  /** What it invokes while active, by name (`passcode`, `answer`). */
  readonly invokes: readonly string[];
  /** Transitions that change no state (actions only), as labels: listed inside the box. */
  readonly internal: readonly string[];
  readonly children: readonly GraphNode[];
}

/** A transition (or several between the same states), drawn as one labelled arrow. */
export interface GraphEdge {
  /** `<source>-><target>`, unique in the graph. */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** One label per transition it stands for (`done: answer`, `Hangup [is self]`). */
  readonly labels: readonly string[];
  /** The event types of those transitions (`xstate.done.actor.0.ivr.answering`...). */
  readonly events: readonly string[];
}

/** A machine as boxes and arrows, ready to lay out or to write as Mermaid or DOT. */
export interface MachineGraph {
  readonly id: string;
  readonly root: GraphNode;
  readonly edges: readonly GraphEdge[];
}

/** How to turn a machine into a graph. */
export interface MachineGraphOptions {
  /**
   * Draw the machines that states invoke inside those states (the IVR's `passcode` state holds
   * the passcode machine), each once. Default false: only their names.
   */
  readonly invoked?: boolean;
}

interface StateNodeLike {
  readonly id: string;
  readonly key: string;
  readonly type: GraphNodeType;
  readonly states: Record<string, StateNodeLike>;
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly always?: readonly TransitionLike[];
  readonly after?: ReadonlyArray<TransitionLike & { readonly delay?: unknown }>;
  readonly invoke: ReadonlyArray<{ readonly id: string; readonly src: unknown }>;
  readonly initial?: { readonly target?: ReadonlyArray<{ readonly id: string }> };
}

interface TransitionLike {
  readonly eventType: string;
  readonly target?: ReadonlyArray<{ readonly id: string }> | undefined;
  readonly guard?: unknown;
  readonly description?: unknown;
}

function isMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'root' in logic && 'config' in logic;
}

function walk(node: StateNodeLike, visit: (node: StateNodeLike) => void): void {
  visit(node);
  for (const child of Object.values(node.states)) walk(child, visit);
}

/** The machine's initial context from an empty input, if it can be had without running it. */
function initialContext(machine: AnyStateMachine): unknown {
  const context = (machine.config as { context?: unknown }).context;
  if (typeof context !== 'function') return context;
  try {
    return context({ input: {}, self: undefined, spawn: () => undefined });
  } catch {
    return undefined;
  }
}

const contexts = new WeakMap<AnyStateMachine, LabelContext>();

/**
 * What the labeller needs to know of a machine (invoke names, delay lengths, state keys), worked
 * out once per machine.
 */
export function labelContext(machine: AnyStateMachine): LabelContext {
  let context = contexts.get(machine);
  if (!context) {
    context = readLabelContext(machine);
    contexts.set(machine, context);
  }
  return context;
}

function readLabelContext(machine: AnyStateMachine): LabelContext {
  const invokes = new Map<string, string>();
  const states = new Map<string, string>();
  walk(machine.root as unknown as StateNodeLike, (node) => {
    states.set(node.id, node.key);
    for (const invoke of node.invoke) {
      invokes.set(invoke.id, typeof invoke.src === 'string' ? invoke.src : invoke.id);
    }
  });
  const delays = new Map<string, number>();
  const context = initialContext(machine);
  const implementations = (machine.implementations?.delays ?? {}) as Record<string, unknown>;
  for (const [name, delay] of Object.entries(implementations)) {
    let ms: unknown = delay;
    if (typeof delay === 'function') {
      try {
        ms = delay({ context, event: { type: 'xstate.init' } }, undefined);
      } catch {
        ms = undefined;
      }
    }
    if (typeof ms === 'number' && Number.isFinite(ms)) delays.set(name, ms);
  }
  return { invokes, delays, states };
}

/** The machine a state's invoke runs, when it is a machine (by name, or inline). */
function invokedMachine(machine: AnyStateMachine, src: unknown): AnyStateMachine | undefined {
  if (isMachine(src)) return src;
  if (typeof src !== 'string') return undefined;
  const logic = (machine.implementations?.actors as Record<string, unknown> | undefined)?.[src];
  return isMachine(logic) ? logic : undefined;
}

/**
 * A machine as a graph: its states nested as XState nests them (compound, parallel, final,
 * history), one arrow per pair of states with a transition between them (labelled with every
 * transition it stands for, see `transitionLabel`), the transitions that change no state listed
 * in their state, and what each state invokes. Built from `machine.root`, so it shows any
 * machine, including one extended with `.provide()`.
 *
 * @example
 * const graph = machineGraph(ivrMachine, { invoked: true });
 * graph.edges.find((edge) => edge.source === 'ivr.answering')?.labels; // ['done: answer']
 */
export function machineGraph(
  machine: AnyStateMachine,
  options: MachineGraphOptions = {},
): MachineGraph {
  const edges = new Map<
    string,
    { source: string; target: string; labels: string[]; events: string[] }
  >();
  const drawn = new Set<AnyStateMachine>();

  const visitMachine = (current: AnyStateMachine, prefix: string): GraphNode => {
    drawn.add(current);
    const context = labelContext(current);
    const gid = (id: string) => `${prefix}${id}`;
    const visit = (node: StateNodeLike, isRoot: boolean): GraphNode => {
      const children = Object.values(node.states).map((child) => visit(child, false));
      const delays = new Map((node.after ?? []).map((t) => [t.eventType, t.delay]));
      const internal: string[] = [];
      const transitions = [...node.transitions.values()].flat().concat(node.always ?? []);
      for (const transition of transitions) {
        const label = transitionLabel(
          { ...transition, delay: delays.get(transition.eventType) },
          context,
        );
        const targets = transition.target ?? [];
        if (targets.length === 0 && !internal.includes(label)) internal.push(label);
        for (const target of targets) {
          const id = `${gid(node.id)}->${gid(target.id)}`;
          const edge = edges.get(id) ?? {
            source: gid(node.id),
            target: gid(target.id),
            labels: [],
            events: [],
          };
          if (!edge.labels.includes(label)) edge.labels.push(label);
          edge.events.push(transition.eventType);
          edges.set(id, edge);
        }
      }
      if (options.invoked) {
        for (const invoke of node.invoke) {
          const child = invokedMachine(current, invoke.src);
          if (child && !drawn.has(child)) children.push(visitMachine(child, `${gid(node.id)}/`));
        }
      }
      const initial = node.type === 'compound' ? node.initial?.target?.[0]?.id : undefined;
      return {
        id: gid(node.id),
        stateId: node.id,
        label: isRoot ? (prefix === '' ? current.id : `machine ${current.id}`) : node.key,
        type: node.type,
        isMachine: isRoot,
        ...(initial === undefined ? {} : { initial: gid(initial) }),
        invokes: node.invoke.map((invoke) => context.invokes.get(invoke.id) ?? invoke.id),
        internal,
        children,
      };
    };
    return visit(current.root as unknown as StateNodeLike, true);
  };

  const root = visitMachine(machine, '');
  return {
    id: machine.id,
    root,
    edges: [...edges.entries()].map(([id, edge]) => ({
      id,
      ...edge,
      labels: mergeSameGuard(edge.labels),
    })),
  };
}

/**
 * Labels of one arrow that differ only by their event, written once:
 * `Newstate [line is down]` and `sync [line is down]` → `Newstate, sync [line is down]`.
 */
function mergeSameGuard(labels: readonly string[]): string[] {
  const byGuard = new Map<string, string[]>();
  for (const label of labels) {
    const at = label.indexOf(' [');
    const key = at > 0 && label.endsWith(']') ? label.slice(at) : `\u0000${label}`;
    const events = byGuard.get(key) ?? [];
    events.push(at > 0 && label.endsWith(']') ? label.slice(0, at) : label);
    byGuard.set(key, events);
  }
  return [...byGuard].map(([key, events]) =>
    key.startsWith('\u0000') ? (events[0] ?? '') : `${events.join(', ')}${key}`,
  );
}

/** Every node of a graph, depth first. */
export function graphNodes(node: GraphNode): GraphNode[] {
  return [node, ...node.children.flatMap(graphNodes)];
}
