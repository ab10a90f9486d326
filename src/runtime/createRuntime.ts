import { type Actor, type ActorOptions, createActor, type Subscription, waitFor } from 'xstate';
import { type ChannelActorRef, supervisorMachine } from '../actors/supervisorMachine.js';
import { AmiConnection, type AmiConnectionOptions } from '../connection/AmiConnection.js';
import type { AmiClient } from '../connection/client.js';
import { createEmitter, type Emitter } from '../connection/emitter.js';
import type { AmiMessage } from '../connection/message.js';
import { getDefaultLogger, type Logger } from '../logger.js';
import type { channelMachine } from '../machines/channelMachine.js';
import { describeChannel } from '../machines/describeChannel.js';
import { type CallHandler, CallHandlers, type CallMatch } from './callHandlers.js';
import type { RuntimeEvents } from './runtimeEvents.js';

/** How to reach Asterisk and how to run. */
export interface RuntimeOptions {
  /** An AMI client to use as is (not closed by `close()`): a connection you own, or a fake. */
  readonly client?: AmiClient;
  /** `ami://user:secret@host:port` or `amis://...` (TLS); used when no `client` is given. */
  readonly url?: string;
  /** Connection settings (host, port, credentials, `tls`...), alone or overriding the URL's. */
  readonly connection?: Partial<AmiConnectionOptions>;
  readonly logger?: Logger;
  /** How long a hung-up channel stays reachable, in ms (default 2,000). */
  readonly lingerMs?: number;
  /** The channel statechart to run (an extended `channelMachine`). */
  readonly channelLogic?: typeof channelMachine;
  /** The clock of the actor system (a `SimulatedClock` in tests). */
  readonly clock?: ActorOptions<typeof supervisorMachine>['clock'];
}

/** A thin Originate (issue 5 completes it: outcome, AGI correlation). */
export interface OriginateOptions {
  readonly channel: string;
  readonly context?: string;
  readonly exten?: string;
  readonly priority?: number;
  readonly application?: string;
  readonly data?: string;
  readonly variables?: Readonly<Record<string, string>>;
  readonly callerId?: string;
  /** Ring timeout, ms. */
  readonly timeoutMs?: number;
}

/** The live channels, by Uniqueid or name. */
export interface ChannelLookup {
  /** A channel's actor: live, or lingering after its hang-up. */
  get(uniqueid: string): ChannelActorRef | undefined;
  /** The actor of the channel currently named `name`. */
  byName(name: string): ChannelActorRef | undefined;
  /** Every channel that has not hung up. */
  all(): ChannelActorRef[];
}

export interface Runtime {
  readonly channels: ChannelLookup;
  readonly bus: Emitter<RuntimeEvents>;
  /** The supervisor actor (system id `ami`), for inspection. */
  readonly supervisor: Actor<typeof supervisorMachine>;
  /** Give matching calls to `handler` (first match wins, once per channel); returns an unsubscribe. */
  handle(match: CallMatch, handler: CallHandler): () => void;
  /** Send an asynchronous `Originate`; resolves with Asterisk's response (queued or not). */
  originate(options: OriginateOptions): Promise<AmiMessage>;
  /** Resolves once connected and resynchronised (rejects if the runtime closes first). */
  ready(): Promise<void>;
  /** Stop supervising; closes the connection if the runtime opened it. */
  close(): Promise<void>;
}

/**
 * Starts octostate: an AMI connection, the supervisor, one statechart per channel.
 *
 * @example
 * const runtime = createRuntime({ url: 'ami://manager:secret@127.0.0.1:5038' });
 * runtime.bus.on('channelState', ({ name, state }) => console.log(name, state));
 * runtime.handle({ context: 'default', exten: '403', inAgi: true }, (channel) => {
 *   channel.send({ type: 'hangup' });
 * });
 * await runtime.ready();
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const logger = options.logger ?? getDefaultLogger();
  const owned = options.client === undefined;
  const client = options.client ?? openConnection(options, logger);
  const bus = createEmitter<RuntimeEvents>();
  const handlers = new CallHandlers();
  const supervisor = createActor(supervisorMachine, {
    input: {
      client,
      ...(options.lingerMs === undefined ? {} : { lingerMs: options.lingerMs }),
      ...(options.channelLogic ? { channelLogic: options.channelLogic } : {}),
    },
    systemId: 'ami',
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const directory = () => supervisor.getSnapshot().context.router.directory;
  const watching = new Map<string, Subscription>();

  const reportError = (error: unknown, during: string) => {
    logger.warn({ err: error, during }, 'octostate: failure');
    bus.emit('error', { error, during });
  };

  /** Follow one channel: state labels to the bus, and to a handler once one matches. */
  const watch = (uniqueid: string, ref: ChannelActorRef) => {
    let previous = describeChannel(ref.getSnapshot());
    let claimed = false;
    const offer = () => {
      if (claimed || handlers.size === 0) return;
      const snapshot = ref.getSnapshot();
      if (snapshot.status !== 'active') return;
      const handler = handlers.find(snapshot.context, previous);
      if (!handler) return;
      claimed = true;
      try {
        Promise.resolve(handler(ref)).catch((error: unknown) =>
          reportError(error, `handler ${uniqueid}`),
        );
      } catch (error) {
        reportError(error, `handler ${uniqueid}`);
      }
    };
    const subscription = ref.subscribe({
      next: (snapshot) => {
        const state = describeChannel(snapshot);
        if (state !== previous) {
          const before = previous;
          previous = state;
          bus.emit('channelState', {
            uniqueid,
            name: snapshot.context.name,
            state,
            previous: before,
          });
        }
        offer();
      },
      // A failing channel actor (a provided hook threw) is reported by the supervisor as `error`;
      // without this listener XState would also rethrow it as an unhandled error.
      error: () => {},
    });
    watching.set(uniqueid, subscription);
    offer();
  };

  supervisor.on('channel', ({ uniqueid, ref }) => {
    watch(uniqueid, ref);
    bus.emit('channel', { uniqueid, ref });
  });
  supervisor.on('hangup', ({ uniqueid, output }) => bus.emit('hangup', { uniqueid, output }));
  supervisor.on('removed', ({ uniqueid }) => {
    watching.get(uniqueid)?.unsubscribe();
    watching.delete(uniqueid);
    bus.emit('removed', { uniqueid });
  });
  supervisor.on('bridge', ({ type: _type, ...change }) => bus.emit('bridge', change));
  supervisor.on('resync', ({ type: _type, ...report }) => {
    logger.info(report, 'octostate: resynchronised channels');
    bus.emit('resync', report);
  });
  supervisor.on('connection', ({ state, error }) => {
    logger.info({ state, err: error }, 'octostate: connection');
    bus.emit('connection', error ? { state, error } : { state });
  });
  supervisor.on('error', ({ error, during }) => reportError(error, during));
  supervisor.start();

  if (owned && client instanceof AmiConnection) {
    client.connect().catch((error: unknown) => reportError(error, 'connect'));
  }

  let closing: Promise<void> | undefined;
  return {
    bus,
    supervisor,
    channels: {
      get: (uniqueid) => directory().get(uniqueid),
      byName: (name) => {
        const uniqueid = directory().uniqueidByName(name);
        return uniqueid === undefined ? undefined : directory().get(uniqueid);
      },
      all: () =>
        directory()
          .refs()
          .filter((ref) => ref.getSnapshot().status === 'active'),
    },
    handle: (match, handler) => handlers.add(match, handler),
    originate: (originate) => client.action('Originate', originateFields(originate)),
    ready: async () => {
      const snapshot = await waitFor(
        supervisor,
        (s) => s.matches({ connected: 'live' }) || s.status !== 'active',
        { timeout: Number.POSITIVE_INFINITY },
      );
      if (snapshot.status !== 'active')
        throw new Error('octostate runtime closed before it was ready');
    },
    close: () => {
      closing ??= (async () => {
        supervisor.send({ type: 'close' });
        for (const subscription of watching.values()) subscription.unsubscribe();
        watching.clear();
        supervisor.stop();
        if (owned && client instanceof AmiConnection) await client.close();
      })();
      return closing;
    },
  };
}

function openConnection(options: RuntimeOptions, logger: Logger): AmiConnection {
  const overrides = { logger, ...options.connection };
  if (options.url) return AmiConnection.fromUrl(options.url, overrides);
  const { host, port, username, secret } = options.connection ?? {};
  if (!host || !username || secret === undefined) {
    throw new TypeError('createRuntime needs a client, a url, or connection host/username/secret');
  }
  return new AmiConnection({ ...overrides, host, port: port ?? 5038, username, secret });
}

function originateFields(options: OriginateOptions): Array<readonly [string, string]> {
  const fields: Array<readonly [string, string]> = [['Channel', options.channel]];
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined) fields.push([key, String(value)]);
  };
  add('Context', options.context);
  add('Exten', options.exten);
  add('Priority', options.priority ?? (options.exten === undefined ? undefined : 1));
  add('Application', options.application);
  add('Data', options.data);
  add('CallerID', options.callerId);
  add('Timeout', options.timeoutMs);
  for (const [name, value] of Object.entries(options.variables ?? {}))
    add('Variable', `${name}=${value}`);
  fields.push(['Async', 'true']);
  return fields;
}
