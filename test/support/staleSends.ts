import { afterEach } from 'vitest';

/**
 * Fails the test during which XState warned that an event was sent to an actor that had already
 * stopped: the sender kept a reference (a listener, a timer, a second path to the same end) past
 * the actor's life, which the runtime promises not to do. XState prints the warning in its
 * development build, the one Vitest loads.
 */
const STALE_SEND = /was sent to stopped actor/;
const stale: string[] = [];
const warn = console.warn.bind(console);

console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && STALE_SEND.test(args[0])) stale.push(args[0]);
  warn(...args);
};

afterEach(() => {
  const found = stale.splice(0);
  if (found.length > 0) {
    throw new Error(
      `XState warned of ${found.length} event(s) sent to a stopped actor:\n${found.join('\n')}`,
    );
  }
});
