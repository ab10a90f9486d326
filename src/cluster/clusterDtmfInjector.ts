import { InvalidDtmfError, NoSuchCallError } from '../calls/errors.js';
import type { InjectDtmfOptions } from '../calls/originateOptions.js';
import type { DtmfInjector } from '../runtime/dtmfInjectionServer.js';
import { type ClusterClient, RemoteCommandError } from './ClusterClient.js';
import type { CallRef } from './commandTypes.js';

/**
 * DTMF injection into an Asterisk of the cluster from any node: `startDtmfInjectionServer` takes
 * it in place of a runtime. The digit goes to the node that supervises the Asterisk (a NATS
 * request); the errors that node reports come back as the same classes (a bad digit, no call at
 * that extension), so the HTTP endpoint answers 400 and 404 as it does on the owning node.
 *
 * @example
 * const server = await startDtmfInjectionServer({
 *   runtime: clusterDtmfInjector(node.client, 'pbx2'),
 *   token: process.env.DTMF_TOKEN!,
 * });
 */
export function clusterDtmfInjector(client: ClusterClient, asterisk: string): DtmfInjector {
  return {
    injectDtmf: async (options: InjectDtmfOptions): Promise<CallRef> => {
      try {
        return await client.injectDtmf(asterisk, options);
      } catch (error) {
        if (error instanceof RemoteCommandError && error.remoteName === 'InvalidDtmfError')
          throw new InvalidDtmfError(error.message, { cause: error });
        if (error instanceof RemoteCommandError && error.remoteName === 'NoSuchCallError')
          throw new NoSuchCallError(error.message, { cause: error });
        throw error;
      }
    },
  };
}
