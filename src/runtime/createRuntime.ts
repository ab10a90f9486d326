import { type Actor, type AnyActorRef, createActor, type SnapshotFrom, waitFor } from 'xstate';
import { supervisorMachine } from '../actors/supervisorMachine.js';
import { channelActorOf } from '../actors/supervisorQueries.js';
import { AsyncAgi } from '../calls/asyncAgi.js';
import { CallHandlers } from '../calls/callHandlers.js';
import { CallRegistry } from '../calls/callRegistry.js';
import { DtmfInjector } from '../calls/injectDtmf.js';
import { Originator } from '../calls/originate.js';
import { AmiConnection } from '../connection/AmiConnection.js';
import { createEmitter } from '../connection/emitter.js';
import { AmiConnectionClosedError } from '../connection/errors.js';
import { getDefaultLogger, type Logger } from '../connection/logger.js';
import { hasHungUp } from '../machines/channel/channelSnapshot.js';
import { relayConnection } from './connectionEvents.js';
import { type FastAgiCalls, serveFastAgi } from './fastAgiCalls.js';
import { followChannel } from './followChannel.js';
import { noAmiClient } from './noAmiClient.js';
import type { Runtime, RuntimeOptions } from './runtime.js';
import type { RuntimeEvents } from './runtimeEvents.js';
import { runtimeStats } from './runtimeStats.js';

export type { ChannelLookup, Runtime, RuntimeOptions, RuntimeStats } from './runtime.js';

/**
 * Starts octostate: an AMI connection, the supervisor, one statechart per channel, and the calls
 * an application handles. Everything per call lives in one actor system: supervisor -> channel
 * actor -> call logic (-> its children), on the runtime's clock.
 *
 * @example
 * const runtime = createRuntime({ url: 'ami://manager:secret@127.0.0.1:5038' });
 * runtime.bus.on('channelState', ({ name, state }) => console.log(name, state));
 * runtime.handle({ context: 'default', exten: '403', inAgi: true }, (call) => call.hangup());
 * await runtime.ready();
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const logger = options.logger ?? getDefaultLogger();
  // A runtime given FastAGI and no way to reach AMI serves FastAGI only.
  const withAmi =
    options.client !== undefined ||
    options.url !== undefined ||
    options.connection !== undefined ||
    options.fastAgi === undefined;
  const owned = options.client === undefined && withAmi;
  const client = options.client ?? (withAmi ? openConnection(options, logger) : noAmiClient());
  const bus = createEmitter<RuntimeEvents>();
  const reportError = (error: unknown, during: string): void => {
    logger.warn({ err: error, during }, 'octostate: failure');
    bus.emit('error', { error, during });
  };

  const supervisor = createActor(supervisorMachine, {
    input: {
      client,
      ...(options.lingerMs === undefined ? {} : { lingerMs: options.lingerMs }),
      ...(options.bootWaitMs === undefined ? {} : { bootWaitMs: options.bootWaitMs }),
      ...(options.maxResyncBacklog === undefined
        ? {}
        : { maxResyncBacklog: options.maxResyncBacklog }),
      ...(options.channelLogic ? { channelLogic: options.channelLogic } : {}),
      notify: (notice) => {
        switch (notice.type) {
          case 'channel':
            followChannel(notice.uniqueid, notice.ref, handlers, bus);
            originator.channelCreated(notice.uniqueid, notice.ref);
            return bus.emit('channel', { uniqueid: notice.uniqueid, ref: notice.ref });
          case 'removed':
            calls.forget(notice.uniqueid);
            return bus.emit('removed', { uniqueid: notice.uniqueid });
          case 'resync': {
            const { type: _type, ...report } = notice;
            logger.info(report, 'octostate: resynchronised channels');
            return bus.emit('resync', report);
          }
          case 'error':
            return reportError(notice.error, notice.during);
          default: {
            const { type, ...payload } = notice;
            return bus.emit(type, payload as never);
          }
        }
      },
    },
    systemId: 'ami',
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const channel = (uniqueid: string) => channelActorOf(supervisor, uniqueid);
  // AGI results reach each Call through its channel actor; a lost connection fails them all.
  const asyncAgi = new AsyncAgi(client, supervisor.clock);
  const calls = new CallRegistry(client, asyncAgi, channel);
  const handlers = new CallHandlers({
    call: (actor) => calls.of(actor),
    flow: (uniqueid, ref) => bus.emit('flow', { uniqueid, ref }),
    error: reportError,
    ...(options.restoreFlow ? { restore: options.restoreFlow } : {}),
  });
  const originator = new Originator(
    client,
    { channel, of: (actor) => calls.of(actor) },
    supervisor.clock,
    () => sessionBooted(supervisor),
  );
  const injector = new DtmfInjector(
    { live: () => liveChannels().map((ref) => calls.of(ref)) },
    supervisor.clock,
    options.dtmfInjection,
  );
  const onEvent = (event: Parameters<typeof originator.handleEvent>[0]) =>
    originator.handleEvent(event);
  const onDisconnected = ({ error }: { error?: Error | undefined }) => {
    asyncAgi.fail('the AMI connection dropped');
    originator.connectionLost(error);
  };
  client.bus.on('event', onEvent);
  client.bus.on('disconnected', onDisconnected);
  const connection = withAmi ? relayConnection(client, bus, logger) : undefined;
  supervisor.start();
  if (owned && client instanceof AmiConnection) {
    client.connect().catch((error: unknown) => reportError(error, 'connect'));
  }

  const directory = () => supervisor.getSnapshot().context.router.directory;
  const byName = (name: string) => {
    const uniqueid = directory().uniqueidByName(name);
    return uniqueid === undefined ? undefined : channel(uniqueid);
  };
  let fastAgi: FastAgiCalls | undefined;
  const fastAgiStarted = options.fastAgi
    ? serveFastAgi({
        options: options.fastAgi === true ? {} : options.fastAgi,
        handlers,
        calls,
        client,
        withAmi,
        ...(options.clock ? { clock: options.clock } : {}),
        findChannel: (uniqueid, name) => channel(uniqueid) ?? byName(name),
        onChannel: (listener) => {
          const onChannel = ({ uniqueid, ref }: RuntimeEvents['channel']) =>
            listener(uniqueid, ref);
          bus.on('channel', onChannel);
          return () => bus.off('channel', onChannel);
        },
        ...(withAmi
          ? {}
          : { adopt: (message) => supervisor.getSnapshot().context.router.route(message) }),
        reportError,
        logger,
      }).then((started) => {
        fastAgi = started;
        if (closing) void started.close();
      })
    : undefined;
  fastAgiStarted?.catch((error: unknown) => reportError(error, 'FastAGI server'));
  const liveChannels = () =>
    directory()
      .refs()
      .filter((ref) => !hasHungUp(ref.getSnapshot()));
  let closing: Promise<void> | undefined;
  return {
    bus,
    supervisor,
    get fastAgi() {
      return fastAgi && { host: fastAgi.server.host, port: fastAgi.server.port };
    },
    channels: { get: channel, byName, all: liveChannels },
    call: (uniqueid) => calls.get(uniqueid),
    flow: (uniqueid) => {
      const ref = channel(uniqueid) ?? fastAgi?.ownChannel(uniqueid);
      const children = ref?.getSnapshot().children;
      const logic = (children as Record<string, AnyActorRef | undefined> | undefined)?.logic;
      return logic?.getSnapshot().status === 'active' ? logic : undefined;
    },
    stats: () => runtimeStats(supervisor, { calls, asyncAgi, originator, fastAgi, injector }),
    handle: (match, handler, handleOptions) => handlers.add(match, handler, handleOptions),
    originate: (originateOptions) => originator.originate(originateOptions),
    originateToAgi: (originateOptions) => originator.originateToAgi(originateOptions),
    injectDtmf: (injectOptions) => injector.inject(injectOptions),
    ready: async () => {
      await fastAgiStarted;
      if (!withAmi) return;
      const snapshot = await waitFor(
        supervisor,
        (s) => s.matches({ session: 'live' }) || s.status !== 'active',
        { timeout: Number.POSITIVE_INFINITY },
      );
      if (snapshot.status !== 'active') {
        // The error that closed the connection (a refused login...) says why; an orderly close has none.
        throw (
          client.closeReason ??
          new AmiConnectionClosedError('the octostate runtime closed before it was ready')
        );
      }
    },
    close: () => {
      closing ??= (async () => {
        // A supervisor whose connection was refused for good has ended already.
        if (supervisor.getSnapshot().status === 'active') supervisor.send({ type: 'close' });
        client.bus.off('event', onEvent);
        client.bus.off('disconnected', onDisconnected);
        asyncAgi.fail('the runtime closed');
        injector.close();
        originator.close(new AmiConnectionClosedError('the runtime closed'));
        calls.clear();
        connection?.close();
        supervisor.stop();
        await fastAgiStarted?.catch(() => undefined);
        await fastAgi?.close();
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

/**
 * Resolves once the supervisor no longer waits for Asterisk's `FullyBooted`: at once unless it
 * does, else when it comes, when `bootWaitMs` runs out, or when the session or runtime ends.
 */
function sessionBooted(supervisor: Actor<typeof supervisorMachine>): Promise<void> {
  const booting = (snapshot: SnapshotFrom<typeof supervisorMachine>) =>
    snapshot.status === 'active' && snapshot.matches({ session: 'booting' });
  if (!booting(supervisor.getSnapshot())) return Promise.resolve();
  return waitFor(supervisor, (snapshot) => !booting(snapshot), {
    timeout: Number.POSITIVE_INFINITY,
  }).then(
    () => undefined,
    () => undefined,
  );
}
