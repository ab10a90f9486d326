import mittModule, { type Emitter, type EventType } from 'mitt';

// mitt ships CommonJS-style typings for an ESM default export; under NodeNext the default import is
// typed as the module object. At run time the ESM build is loaded and its default is the function.
const mitt = mittModule as unknown as typeof mittModule.default;

/**
 * A typed `mitt` event bus. Re-exported so that other modules need not repeat the interop cast above.
 *
 * @example
 * const bus = createEmitter<{ hello: string }>();
 * bus.on('hello', (who) => log.info({ who }, 'hello'));
 * bus.emit('hello', 'world');
 */
export function createEmitter<Events extends Record<EventType, unknown>>(): Emitter<Events> {
  return mitt<Events>();
}

export type { Emitter, EventType };
