import { InvalidDtmfError, NoSuchCallError } from '../calls/errors.js';
import type { InjectDtmfOptions } from '../calls/originateOptions.js';
import { AmbiguousCallError, type DtmfInjector } from '../runtime/dtmfInjectionServer.js';
import { type ClusterClient, RemoteCommandError } from './ClusterClient.js';
import type { CallRef } from './commandTypes.js';

/**
 * DTMF injection into the calls of the cluster from any node: `startDtmfInjectionServer` takes it
 * in place of a runtime. The digit goes to the node that supervises the call's Asterisk (a NATS
 * request); the errors that node reports come back as the same classes (a bad digit, no call at
 * that extension), so the HTTP endpoint answers 400 and 404 as it does on the owning node.
 *
 * With one Asterisk, every digit goes there. With several, a request may name one (`asterisk`);
 * one that does not is sent to the Asterisk whose owner lists a live call at that extension (and
 * context, when given): none is a `NoSuchCallError` (404), more than one an `AmbiguousCallError`
 * (409). Finding the call costs one `channels` request per Asterisk, sent side by side; an
 * Asterisk nobody supervises at that moment (mid-failover) is left out of the search.
 *
 * @example
 * const server = await startDtmfInjectionServer({
 *   runtime: clusterDtmfInjector(node.client, ['pbx1', 'pbx2', 'pbx3']),
 *   token: process.env.DTMF_TOKEN!,
 * });
 * // curl -H "Authorization: Bearer $DTMF_TOKEN" -d '{"extension":"500","digit":"1"}' $URL
 */
export function clusterDtmfInjector(
  client: ClusterClient,
  asterisks: string | readonly string[],
): DtmfInjector {
  const reached = typeof asterisks === 'string' ? [asterisks] : [...asterisks];
  if (reached.length === 0) throw new TypeError('clusterDtmfInjector needs an Asterisk');
  const locate = async ({ exten, context }: InjectDtmfOptions): Promise<string> => {
    if (reached.length === 1) return reached[0]!;
    const listings = await Promise.allSettled(reached.map((id) => client.channels(id)));
    const holding = reached.filter((_, index) => {
      const listing = listings[index]!;
      return (
        listing.status === 'fulfilled' &&
        listing.value.some(
          (channel) =>
            channel.state !== 'hungUp' &&
            channel.exten === exten &&
            (context === undefined || channel.context === context),
        )
      );
    });
    const where = `extension ${context ? `${context}/` : ''}${exten}`;
    if (holding.length === 1) return holding[0]!;
    if (holding.length > 1) {
      throw new AmbiguousCallError(
        `Live calls at ${where} on ${holding.join(', ')}: name one ("asterisk")`,
        holding,
      );
    }
    const silent = reached.filter((_, index) => listings[index]!.status === 'rejected');
    throw new NoSuchCallError(
      `No live call at ${where} on ${reached.join(', ')}${silent.length > 0 ? ` (${silent.join(', ')} not answering)` : ''}`,
    );
  };
  return {
    asterisks: reached,
    injectDtmf: async ({ asterisk, ...options }): Promise<CallRef> => {
      if (!/^[0-9*#A-D]$/i.test(options.digit))
        throw new InvalidDtmfError(`Not a DTMF digit: ${JSON.stringify(options.digit)}`);
      const target = asterisk ?? (await locate(options));
      try {
        return await client.injectDtmf(target, options);
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
