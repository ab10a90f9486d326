import type { AnyMachineSnapshot, AnyStateMachine, EventFromLogic } from 'xstate';
import { createTestModel } from 'xstate/graph';

interface Stepped {
  readonly steps: ReadonlyArray<{ readonly event: { readonly type: string } }>;
}

/** A generated path's events, as a test name: `WRONG_CODE PROMPT_END CORRECT_CODE`. */
export function stepsOf(path: Stepped): string {
  const steps = path.steps.map(({ event }) => event.type).filter((type) => type !== 'xstate.init');
  return steps.join(' ') || '(start)';
}

/** Paths with distinct event sequences (shortest and simple paths overlap). */
export function uniquePaths<T extends Stepped>(paths: readonly T[]): T[] {
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = stepsOf(path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The paths a call-flow model is tested along: every simple path to an end (`complete`; no path
 * goes on past one), and those with the shortest path to every state, without repeats (`paths`). States are told
 * apart by value and context, so a retry counter makes a new state.
 *
 * @example
 * const { complete, paths } = modelPaths(model, ['CORRECT_CODE', 'WRONG_CODE', 'HANGUP']);
 */
export function modelPaths<TMachine extends AnyStateMachine>(
  model: TMachine,
  eventTypes: ReadonlyArray<EventFromLogic<TMachine>['type']>,
) {
  // The models' snapshots are machine snapshots; the generic type cannot say so by itself.
  const machineSnapshot = (snapshot: unknown) => snapshot as AnyMachineSnapshot;
  const testModel = createTestModel(model, {
    events: eventTypes.map((type) => ({ type }) as EventFromLogic<TMachine>),
    filterEvents: (snapshot) => machineSnapshot(snapshot).status !== 'done',
    serializeState: (snapshot) => {
      const { value, context } = machineSnapshot(snapshot);
      return JSON.stringify([value, context]);
    },
  });
  const shortest = testModel.getShortestPaths();
  const complete = testModel.getSimplePaths({
    toState: (snapshot) => machineSnapshot(snapshot).status === 'done',
  });
  return { complete, paths: uniquePaths([...shortest, ...complete]) };
}
