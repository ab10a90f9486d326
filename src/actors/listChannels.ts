import { fromPromise } from 'xstate';
import type { AmiClient } from '../connection/client.js';
import { AmiPermissionError } from '../connection/errors.js';
import type { AmiMessage } from '../protocol/message.js';

/**
 * The channels up right now, for a (re)connect resync: the `CoreShowChannel` items of one
 * `CoreShowChannels`. That action needs the `system` or `reporting` write class; a user with only
 * `call` is refused it but may run `Status`, whose `Status` items describe the same channels (with
 * `BridgeID` and `Data` where CoreShowChannel says `BridgeId` and `ApplicationData`, which
 * `channelInputFrom` reads either way). So on `Permission denied` the list comes from `Status`.
 *
 * @example
 * invoke: { src: 'listChannels', input: ({ context }) => ({ client: context.client }) }
 */
export const listChannels = fromPromise<readonly AmiMessage[], { client: AmiClient }>(
  async ({ input }) => {
    try {
      return (await input.client.listAction('CoreShowChannels')).items;
    } catch (error) {
      if (!(error instanceof AmiPermissionError)) throw error;
      return (await input.client.listAction('Status')).items;
    }
  },
);
