import type { AmiClient, AmiConnectionEvents } from '../connection/client.js';
import { createEmitter } from '../connection/emitter.js';
import { AmiConnectionClosedError } from '../connection/errors.js';

/**
 * The AMI client of a runtime that serves FastAGI only: it never connects, and every action is
 * refused at once with an `AmiConnectionClosedError` saying why (a call's `playDtmf`, `hangup`
 * with a cause, `originate`...). AGI commands do not need it: they go over the FastAGI connection.
 */
export function noAmiClient(): AmiClient {
  const refuse = (name: string) =>
    Promise.reject(
      new AmiConnectionClosedError(`${name}: this runtime has no AMI connection (FastAGI only)`),
    );
  return {
    bus: createEmitter<AmiConnectionEvents>(),
    state: 'idle',
    action: (name: string, ..._rest: unknown[]) => refuse(name),
    listAction: (name: string, ..._rest: unknown[]) => refuse(name),
  };
}
