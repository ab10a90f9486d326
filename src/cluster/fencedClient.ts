import type { ActionFields } from '../connection/actionFields.js';
import type { ActionOptions, AmiClient } from '../connection/client.js';

/** An AMI action refused because this node's lease on the Asterisk is no longer valid. */
export class LeaseFencedError extends Error {
  override readonly name = 'LeaseFencedError';
}

/**
 * The AMI client a supervising node's runtime gets: every action (AGI commands, hang-ups, resync
 * lists...) first checks that the lease is still valid, on the monotonic clock, at the moment it is
 * sent. The lease's own timer also stops the runtime at the deadline, but a timer fires late when the
 * event loop is busy; this check does not depend on it, so no command leaves after the deadline.
 */
export function fencedClient(
  client: AmiClient,
  asterisk: string,
  mayDrive: () => boolean,
  onFenced: () => void,
): AmiClient {
  const refuse = (name: string): Promise<never> => {
    onFenced();
    return Promise.reject(
      new LeaseFencedError(`${name} not sent: this node's lease on ${asterisk} has run out`),
    );
  };
  return {
    bus: client.bus,
    get state() {
      return client.state;
    },
    action: (name: string, fields?: ActionFields, options?: ActionOptions) =>
      mayDrive() ? client.action(name, fields, options) : refuse(name),
    listAction: (name: string, fields?: ActionFields, options?: ActionOptions) =>
      mayDrive() ? client.listAction(name, fields, options) : refuse(name),
  };
}
