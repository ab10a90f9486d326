import { fromPromise } from 'xstate';
import type { AmiClient } from '../connection/client.js';
import type { AmiMessage } from '../connection/message.js';

/**
 * One `CoreShowChannels`: resolves with its `CoreShowChannel` items (every channel up right now).
 *
 * @example
 * invoke: { src: 'listChannels', input: ({ context }) => ({ client: context.client }) }
 */
export const listChannels = fromPromise<readonly AmiMessage[], { client: AmiClient }>(
  async ({ input }) => (await input.client.listAction('CoreShowChannels')).items,
);
