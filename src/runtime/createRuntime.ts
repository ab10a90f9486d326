import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type ActorOptions,
  type AnyActorRef,
  createActor,
  type Subscription,
  waitFor,
} from 'xstate';
import { type ChannelActorRef, supervisorMachine } from '../actors/supervisorMachine.js';
import { AsyncAgi } from '../calls/asyncAgi.js';
import { Call } from '../calls/Call.js';
import {
  type CallHandler,
  CallHandlers,
  type CallLogic,
  type CallMatch,
} from '../calls/callHandlers.js';
import { InvalidDtmfError, NoSuchCallError } from '../calls/errors.js';
import {
  type InjectDtmfOptions,
  type OriginateOptions,
  type OriginateToAgiOptions,
  originateFields,
} from '../calls/originateOptions.js';
import { OriginateTracker } from '../calls/originateTracker.js';
import { AmiConnection, type AmiConnectionOptions } from '../connection/AmiConnection.js';
import type { AmiClient } from '../connection/client.js';
import { createEmitter, type Emitter } from '../connection/emitter.js';
import { AmiConnectionClosedError } from '../connection/errors.js';
import { getDefaultLogger, type Logger } from '../connection/logger.js';
import type { channelMachine } from '../machines/channel/channelMachine.js';
import { isInAgi } from '../machines/channel/channelSnapshot.js';
import { describeChannel } from '../machines/channel/describeChannel.js';

export type {
  InjectDtmfOptions,
  OriginateOptions,
  OriginateToAgiOptions,
} from '../calls/originateOptions.js';

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

/** Counters of what a runtime holds (see `Runtime.stats`). */
export interface RuntimeStats {
  /** Channel actors, live or lingering after their hang-up. */
  readonly channels: number;
  /** `Call` objects handed out (one per channel that was looked at). */
  readonly calls: number;
  /** Call-logic actors running. */
  readonly flows: number;
  /** AGI commands waiting for their `AsyncAGIExec`. */
  readonly agiCommands: number;
  /** Originates waiting for their `OriginateResponse` or their channel. */
  readonly originates: number;
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
  /** The {@link Call} of a live (or lingering) channel, by Uniqueid. */
  call(uniqueid: string): Call | undefined;
  /** The actor running call logic for a channel (see `handle`), while it runs: for inspection. */
  flow(uniqueid: string): AnyActorRef | undefined;
  /** What the runtime holds right now, for monitoring (all 0 on an idle PBX once calls are gone). */
  stats(): RuntimeStats;
  /**
   * Give matching calls to `handler` (first match wins, once per channel): a function called with
   * the {@link Call}, or call logic (a machine with input `{ call }`, e.g. built on `agiServices`)
   * run as an actor for that call. Returns a function that unregisters it.
   */
  handle(match: CallMatch, handler: CallHandler): () => void;
  /**
   * Originates a call and resolves, once Asterisk reports it answered (`OriginateResponse` with
   * this originate's ActionID), with the originated channel's {@link Call}; rejects with an
   * `OriginateError` naming the reason (`no-answer`, `busy`, `congestion`, `failed`...).
   */
  originate(options: OriginateOptions): Promise<Call>;
  /**
   * Originates a call straight into `AGI(agi:async)` and resolves with the originated channel's
   * {@link Call} once its AGI session has started. On a Local channel whose dialplan also runs
   * AsyncAGI both halves start AGI: the promise gets the originated half (`;1`); the other one goes
   * to the registered handlers like any call, and is `call.peer`.
   */
  originateToAgi(options: OriginateToAgiOptions): Promise<Call>;
  /**
   * Plays a DTMF digit into the live call at an extension, as if the far end pressed it: with
   * `PlayDTMF` on the other half of a Local pair, or with `Receive: true` on the channel itself.
   * Resolves with the call it went to; rejects with an `AmiError` when no call is at that extension.
   */
  injectDtmf(options: InjectDtmfOptions): Promise<Call>;
  /**
   * Resolves once connected and resynchronised. Rejects with the error that stopped the connection
   * (`AmiAuthenticationError` for a refused login, with the server's answer as `cause`), or with
   * `AmiConnectionClosedError` if the runtime is closed first.
   */
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
  // AGI results reach each Call through its channel actor; a lost connection fails them all.
  const agi = new AsyncAgi(client);
  const originates = new OriginateTracker(client);
  const onDisconnected = (): void => agi.fail('the AMI connection dropped');
  client.bus.on('disconnected', onDisconnected);
  const calls = new Map<string, Call>();
  const lookupCall = (uniqueid: string): Call | undefined => {
    const known = calls.get(uniqueid);
    if (known) return known;
    const ref = supervisor.getSnapshot().context.router.directory.get(uniqueid);
    return ref ? callFor(uniqueid, ref) : undefined;
  };
  const callFor = (uniqueid: string, ref: ChannelActorRef): Call => {
    let call = calls.get(uniqueid);
    if (!call) {
      call = new Call(ref, client, agi, lookupCall);
      calls.set(uniqueid, call);
    }
    return call;
  };
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

  /** Call-flow actors started by `handle(match, logic)`, by Uniqueid, until done or removed. */
  const flows = new Map<string, AnyActorRef>();
  const stopFlow = (uniqueid: string): void => {
    flows.get(uniqueid)?.stop();
    flows.delete(uniqueid);
  };
  /**
   * Runs an application's call logic (a machine taking `{ call }`) for one call. It outlives the
   * hang-up by the channel's linger, so it can react to it (its pending AGI services reject), and is
   * stopped when the channel is removed, if it has not finished by then.
   */
  const runCallLogic = (logic: CallLogic, call: Call): void => {
    const actor = createActor(logic, { input: { call } });
    flows.set(call.uniqueid, actor);
    actor.subscribe({
      complete: () => flows.delete(call.uniqueid),
      error: (error) => {
        flows.delete(call.uniqueid);
        reportError(error, `call logic ${call.uniqueid}`);
      },
    });
    actor.start();
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
      const call = callFor(uniqueid, ref);
      if (typeof handler !== 'function') {
        runCallLogic(handler, call);
        return;
      }
      try {
        Promise.resolve(handler(call)).catch((error: unknown) =>
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
    calls.delete(uniqueid);
    stopFlow(uniqueid);
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

  /** The live call at an extension: preferably one in AsyncAGI, then the dialplan half (`;2`). */
  const callAtExtension = (exten: string, context: string | undefined): Call | undefined => {
    const candidates = directory()
      .refs()
      .filter((ref) => {
        const snapshot = ref.getSnapshot();
        const position = snapshot.context.dialplan;
        return (
          snapshot.status === 'active' &&
          position.exten === exten &&
          (context === undefined || position.context === context)
        );
      });
    const rank = (ref: ChannelActorRef): number =>
      (isInAgi(ref.getSnapshot()) ? 0 : 2) +
      (ref.getSnapshot().context.name.endsWith(';1') ? 1 : 0);
    const best = candidates.sort((a, b) => rank(a) - rank(b))[0];
    return best ? callFor(best.getSnapshot().context.uniqueid, best) : undefined;
  };

  /** Waits of `originate`/`originateToAgi` for their channel: rejected if the runtime closes. */
  const waits = new Set<(error: Error) => void>();

  /**
   * Resolves with the Call of `uniqueid` once its actor exists (an `OriginateResponse` can come
   * before the `Newchannel`) and `ready` holds; rejects if it hangs up first or time runs out.
   */
  const waitForCall = (
    uniqueid: string,
    ready: (call: Call) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<Call> =>
    new Promise((resolve, reject) => {
      let subscription: Subscription | undefined;
      let settled = false;
      const finish = (outcome: () => void): true => {
        if (settled) return true;
        settled = true;
        bus.off('channel', onChannel);
        subscription?.unsubscribe();
        clearTimeout(timer);
        waits.delete(abort);
        outcome();
        return true;
      };
      const abort = (error: Error): void => {
        finish(() => reject(error));
      };
      waits.add(abort);
      const check = (ref: ChannelActorRef): boolean => {
        const call = callFor(uniqueid, ref);
        if (ready(call)) return finish(() => resolve(call));
        if (call.hungUp) {
          return finish(() => reject(new NoSuchCallError(`${what}: ${call.name} hung up first`)));
        }
        return false;
      };
      const attach = (ref: ChannelActorRef): void => {
        if (check(ref)) return;
        subscription = ref.subscribe({
          next: () => check(ref),
          complete: () => check(ref),
          error: () => {},
        });
      };
      const onChannel = (event: RuntimeEvents['channel']): void => {
        if (event.uniqueid !== uniqueid) return;
        bus.off('channel', onChannel);
        attach(event.ref);
      };
      const timer = setTimeout(() => {
        finish(() =>
          reject(new NoSuchCallError(`${what}: channel ${uniqueid} not ready in ${timeoutMs} ms`)),
        );
      }, timeoutMs);
      timer.unref?.();
      const existing = directory().get(uniqueid);
      if (existing) attach(existing);
      else bus.on('channel', onChannel);
    });

  const originate = async (options: OriginateOptions): Promise<Call> => {
    const response = await originates.originate(
      originateFields(options),
      options.outcomeTimeoutMs ?? (options.timeoutMs ?? 30_000) + 60_000,
    );
    const uniqueid = response.get('Uniqueid') ?? '';
    return waitForCall(uniqueid, () => true, 'originate');
  };

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
    call: lookupCall,
    flow: (uniqueid) => flows.get(uniqueid),
    stats: () => ({
      channels: directory().refs().length,
      calls: calls.size,
      flows: flows.size,
      agiCommands: agi.size,
      originates: originates.size + waits.size,
    }),
    handle: (match, handler) => handlers.add(match, handler),
    originate,
    originateToAgi: async (options) => {
      const variable = options.correlationVariable ?? 'AsyncOrigId';
      const call = await originate({
        ...options,
        application: 'AGI',
        data: 'agi:async',
        variables: { ...options.variables, [variable]: randomUUID() },
      });
      return waitForCall(call.uniqueid, (c) => c.inAgi, 'originateToAgi');
    },
    injectDtmf: async ({ exten, context, digit, durationMs }) => {
      if (!/^[0-9*#A-D]$/i.test(digit)) {
        throw new InvalidDtmfError(`Not a DTMF digit: ${JSON.stringify(digit)}`);
      }
      const call = callAtExtension(exten, context);
      if (!call) {
        throw new NoSuchCallError(
          `No live call at extension ${context ? `${context}/` : ''}${exten}`,
        );
      }
      // The other half of a Local pair sends the tone towards this half, which then receives it.
      const peer = call.peer;
      if (peer && !peer.hungUp) {
        await client.action('PlayDTMF', {
          Channel: peer.name,
          Digit: digit,
          ...(durationMs === undefined ? {} : { Duration: String(durationMs) }),
        });
      } else {
        await call.playDtmf(digit, {
          receive: true,
          ...(durationMs === undefined ? {} : { durationMs }),
        });
      }
      return call;
    },
    ready: async () => {
      const snapshot = await waitFor(
        supervisor,
        (s) => s.matches({ connected: 'live' }) || s.status !== 'active',
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
        supervisor.send({ type: 'close' });
        client.bus.off('disconnected', onDisconnected);
        agi.fail('the runtime closed');
        originates.close();
        for (const abort of [...waits]) abort(new AmiConnectionClosedError('the runtime closed'));
        calls.clear();
        for (const uniqueid of [...flows.keys()]) stopFlow(uniqueid);
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
