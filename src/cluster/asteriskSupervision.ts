import type { NatsConnection } from '@nats-io/transport-node';
import type { CallHandler, CallMatch, HandleOptions } from '../calls/callHandlers.js';
import { AmiConnection, type AmiConnectionOptions } from '../connection/AmiConnection.js';
import type { Logger } from '../connection/logger.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime/createRuntime.js';
import type { ClusterStores } from './clusterStores.js';
import { answerCommands } from './commandResponder.js';
import { type CallEventPublisher, publishCallEvents } from './eventPublisher.js';
import { fencedClient } from './fencedClient.js';
import { type FlowPersistence, persistFlows } from './flowPersistence.js';
import { StoredFlows } from './flowRestore.js';

/** One Asterisk of the cluster. */
export interface AsteriskConfig {
  /** Its name in the cluster (subjects, keys): letters, digits, `-`, `_`. */
  readonly id: string;
  /** `ami://user:secret@host:port` (or `amis://`). */
  readonly url: string;
  /** AMI connection settings overriding the URL's. */
  readonly connection?: Partial<AmiConnectionOptions>;
}

/** Runtime settings a cluster node applies to every Asterisk it supervises. */
export type ClusterRuntimeOptions = Omit<
  RuntimeOptions,
  'client' | 'url' | 'connection' | 'restoreFlow' | 'logger'
>;

/** What a node needs to supervise one Asterisk it holds the lease of. */
export interface SupervisionContext {
  readonly asterisk: AsteriskConfig;
  readonly node: string;
  readonly nc: NatsConnection;
  readonly stores: ClusterStores;
  /** Whether this node holds the Asterisk's lease now (checked before every action and write). */
  readonly mayDrive: () => boolean;
  readonly handlers: ReadonlyArray<readonly [CallMatch, CallHandler, HandleOptions]>;
  readonly runtimeOptions: ClusterRuntimeOptions;
  readonly logger: Logger;
  readonly isConnected: () => boolean;
  readonly onError: (error: unknown, during: string) => void;
  /** Called when an action was refused because the lease ran out (the node lets go). */
  readonly onFenced: () => void;
}

/** An Asterisk this node drives, with everything attached to its runtime. */
export interface Supervision {
  readonly runtime: Runtime;
  readonly persistence: FlowPersistence;
  readonly publisher: CallEventPublisher;
  /** How many stored flows the takeover found, and how many belonged to calls already gone. */
  readonly restored: { readonly found: number; readonly dropped: number };
  /** Stops driving at once, leaving the calls and their stored flows as they are (fencing). */
  stop(): Promise<void>;
}

/**
 * Takes an Asterisk over: reads the flow snapshots stored for it, connects a runtime (which
 * rebuilds the channels that are up from `CoreShowChannels`), resumes each stored flow when its
 * call is offered to the handlers, persists flows from then on, publishes call events and answers
 * commands. Resolves once the runtime is resynchronised.
 */
export async function superviseAsterisk(context: SupervisionContext): Promise<Supervision> {
  const { asterisk, node, logger } = context;
  const log = logger.child({ asterisk: asterisk.id });
  const stored = await StoredFlows.load(context.stores.flows, asterisk.id);
  const found = stored.size;
  const client = AmiConnection.fromUrl(asterisk.url, { logger: log, ...asterisk.connection });
  const runtime = createRuntime({
    ...context.runtimeOptions,
    client: fencedClient(client, asterisk.id, context.mayDrive, context.onFenced),
    logger: log,
    restoreFlow: (call) =>
      stored.restore(call, (error) => context.onError(error, `restoring flow ${call.uniqueid}`)),
  });
  runtime.bus.on('error', ({ error, during }) => context.onError(error, during));
  for (const [match, handler, options] of context.handlers) runtime.handle(match, handler, options);
  const persistence = persistFlows(runtime, context.stores.flows, asterisk.id, {
    mayWrite: context.mayDrive,
    onError: context.onError,
  });
  const publisher = publishCallEvents(
    runtime,
    context.nc,
    { asterisk: asterisk.id, node },
    { isConnected: context.isConnected, restored: (uniqueid) => stored.wasResumed(uniqueid) },
  );
  // Its commands act through the runtime's Calls, on the fenced client.
  const responder = answerCommands(context.nc, asterisk.id, node, runtime);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Detach first: closing the runtime stops flows and removes channels, which must neither
      // delete stored snapshots nor publish anything now that another node may own the Asterisk.
      persistence.detach();
      publisher.stop();
      responder.stop();
      await runtime.close();
      await client.close();
    })();
    return stopping;
  };
  try {
    await client.connect();
    await runtime.ready();
    const dropped = await stored.dropUnclaimed((uniqueid) => {
      const actor = runtime.channels.get(uniqueid);
      return actor !== undefined && actor.getSnapshot().status === 'active';
    });
    log.info({ found, dropped }, 'octostate cluster: supervising');
    return { runtime, persistence, publisher, restored: { found, dropped }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
