import { ActorRegistry } from '../inspector/actorRegistry.js';
import { statechartGraph } from '../inspector/statechartGraph.js';
import type { Runtime } from '../runtime/createRuntime.js';
import { ClusterCommandRequestError, type InspectQuery } from './commandTypes.js';

/** Largest `actors` answer, in bytes of JSON: NATS carries 1 MiB per message by default. */
export const MAX_INSPECT_REPLY_BYTES = 768 * 1024;
/** The registry stops following the runtime this long after the last question, in ms. */
const IDLE_MS = 30_000;
const MAX_ID_LENGTH = 256;

/**
 * The owner's side of a remote inspector: an `ActorRegistry` on the runtime, started by the first
 * `inspect` request and stopped after 30 s without one (a node nobody inspects pays nothing), so
 * the recent events it shows are those since it started. An `actors` answer holds as many actors
 * as fit in {@link MAX_INSPECT_REPLY_BYTES}, in the registry's order, and says how many it left out.
 */
export class InspectionOnDemand {
  private registry: ActorRegistry | undefined;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly runtime: Runtime) {}

  answer(query: InspectQuery): unknown {
    const registry = this.wake();
    switch (query.what) {
      case 'actors':
        return fitReply(registry.list());
      case 'actor': {
        const actor = registry.get(checkId(query.id));
        return actor ? { actor, events: registry.events(query.id) } : null;
      }
      case 'machines':
        return { machines: registry.machineIds() };
      case 'machine': {
        const machine = registry.machine(checkId(query.id));
        return machine ? statechartGraph(machine) : null;
      }
      default:
        throw new ClusterCommandRequestError(
          `inspect: what must be actors, actor, machines or machine`,
        );
    }
  }

  stop(): void {
    clearTimeout(this.idle);
    this.registry?.close();
    this.registry = undefined;
  }

  private wake(): ActorRegistry {
    if (!this.registry) {
      this.registry = new ActorRegistry(this.runtime);
      this.registry.start();
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), IDLE_MS);
    this.idle.unref?.();
    return this.registry;
  }
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length > MAX_ID_LENGTH)
    throw new ClusterCommandRequestError(
      `inspect: id must be a string of ${MAX_ID_LENGTH} at most`,
    );
  return id;
}

function fitReply(actors: readonly unknown[]): { actors: unknown[]; truncated: number } {
  const kept: unknown[] = [];
  let size = 0;
  for (const actor of actors) {
    size += JSON.stringify(actor).length + 1;
    if (size > MAX_INSPECT_REPLY_BYTES) break;
    kept.push(actor);
  }
  return { actors: kept, truncated: actors.length - kept.length };
}
