import type { AnyStateMachine } from 'xstate';
import { collectDigitsMachine } from '../calls/collectDigitsMachine.js';
import { channelMachine } from '../machines/channel/channelMachine.js';
import { helloMachine } from '../machines/flows/helloMachine.js';
import { ivrMachine } from '../machines/flows/ivrMachine.js';
import { menuMachine } from '../machines/flows/menuMachine.js';
import { passcodeMachine } from '../machines/flows/passcodeMachine.js';

/** octostate's own machines, shown before any actor runs them. */
export const KNOWN_MACHINES: readonly AnyStateMachine[] = [
  channelMachine,
  ivrMachine,
  passcodeMachine,
  menuMachine,
  collectDigitsMachine,
  helloMachine,
];

/**
 * The machines an inspector can draw, by id: those it was given, then those it sees running (a
 * running actor's machine replaces one of the same id, so that `.provide()` versions show).
 *
 * @example
 * const catalog = new MachineCatalog(KNOWN_MACHINES);
 * catalog.get('ivr'); // ivrMachine
 */
export class MachineCatalog {
  private readonly machines = new Map<string, AnyStateMachine>();

  constructor(machines: readonly AnyStateMachine[] = KNOWN_MACHINES) {
    for (const machine of machines) this.machines.set(machine.id, machine);
  }

  /** Keeps a machine seen running. */
  add(machine: AnyStateMachine): void {
    this.machines.set(machine.id, machine);
  }

  get(id: string): AnyStateMachine | undefined {
    return this.machines.get(id);
  }

  ids(): string[] {
    return [...this.machines.keys()];
  }
}
