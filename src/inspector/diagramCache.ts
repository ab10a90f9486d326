import type { AnyStateMachine } from 'xstate';
import { type ElkInWorker, elkInWorker } from '../diagram/elkWorker.js';
import { layoutGraph } from '../diagram/layout.js';
import { machineGraph } from '../diagram/machineGraph.js';
import { renderSvg } from '../diagram/svg.js';

/**
 * The statecharts an inspector draws, each laid out once (in ELK's worker thread, off the
 * runtime's event loop) and kept: a machine's structure does not change while it runs.
 *
 * @example
 * const diagrams = new DiagramCache();
 * const svg = await diagrams.svg(ivrMachine);
 * await diagrams.close();
 */
export class DiagramCache {
  private readonly drawn = new WeakMap<AnyStateMachine, Promise<string>>();
  private worker: ElkInWorker | undefined;

  /** The machine's SVG (see `renderSvg`): the same drawing as `octostate diagram`. */
  svg(machine: AnyStateMachine): Promise<string> {
    let svg = this.drawn.get(machine);
    if (!svg) {
      this.worker ??= elkInWorker();
      svg = layoutGraph(machineGraph(machine), this.worker).then(renderSvg);
      this.drawn.set(machine, svg);
      // A failed layout is tried again next time.
      svg.catch(() => this.drawn.delete(machine));
    }
    return svg;
  }

  /** Stops ELK's thread (a later drawing starts it again). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close();
  }
}
