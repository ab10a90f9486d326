import type { AnyStateMachine } from 'xstate';

/** One transition of a state node, as the inspector draws it. */
export interface TransitionJson {
  /** The event type (`ami.Hangup`, `xstate.done.actor.passcode`...); `''` for `always`. */
  readonly event: string;
  /** The state node ids it goes to; empty for a targetless transition (actions only). */
  readonly targets: readonly string[];
  /** The guard's name, when it has one. */
  readonly guard?: string;
}

/** One state node and its children: the statechart's structure as JSON. */
export interface StateNodeJson {
  /** The node's id (`channel.live.line.answered`), unique in the machine. */
  readonly id: string;
  /** The key in its parent (`answered`); the machine's id for the root. */
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** The initial child's key of a compound node. */
  readonly initial?: string;
  /** What the node invokes while active (`src` names). */
  readonly invoke: readonly string[];
  readonly transitions: readonly TransitionJson[];
  readonly states: readonly StateNodeJson[];
}

/** A machine's structure, served at `/api/machines/:id`. */
export interface StatechartJson {
  /** The machine's id (`channel`, `ami`, `ivr`...). */
  readonly id: string;
  readonly root: StateNodeJson;
}

interface NodeLike {
  id: string;
  key: string;
  type: StateNodeJson['type'];
  parent?: NodeLike | undefined;
  config: { initial?: unknown };
  states: Record<string, NodeLike>;
  transitions: Map<string, ReadonlyArray<TransitionLike>>;
  always?: ReadonlyArray<TransitionLike> | undefined;
  invoke: ReadonlyArray<{ src: unknown; id?: string }>;
}

interface TransitionLike {
  eventType: string;
  target?: ReadonlyArray<{ id: string }> | undefined;
  guard?: unknown;
}

function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'guard';
  if (guard && typeof guard === 'object' && 'type' in guard) return String(guard.type);
  return undefined;
}

function transitionJson(transition: TransitionLike, event: string): TransitionJson {
  const guard = guardName(transition.guard);
  return {
    event,
    targets: (transition.target ?? []).map((target) => target.id),
    ...(guard === undefined ? {} : { guard }),
  };
}

function nodeJson(node: NodeLike): StateNodeJson {
  const transitions: TransitionJson[] = [];
  for (const [event, list] of node.transitions) {
    for (const transition of list) transitions.push(transitionJson(transition, event));
  }
  for (const transition of node.always ?? []) transitions.push(transitionJson(transition, ''));
  const initial = node.config.initial;
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    ...(typeof initial === 'string' ? { initial } : {}),
    invoke: node.invoke.map((invoke) =>
      typeof invoke.src === 'string' ? invoke.src : (invoke.id ?? 'actor'),
    ),
    transitions,
    states: Object.values(node.states).map(nodeJson),
  };
}

/**
 * A machine's structure as JSON: nested state nodes (with their type: compound, parallel,
 * final...), each with its transitions (event, guard, target ids) and what it invokes. Built from
 * `machine.root`, so it shows any machine, including ones extended with `.provide()`.
 *
 * @example
 * const chart = statechartGraph(channelMachine);
 * chart.root.states[0].type; // 'parallel' (channel.live: line, dial, agi, bridge)
 */
export function statechartGraph(machine: AnyStateMachine): StatechartJson {
  return { id: machine.id, root: nodeJson(machine.root as unknown as NodeLike) };
}
