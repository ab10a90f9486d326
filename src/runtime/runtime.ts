import type { Actor, ActorOptions, AnyActorRef, Snapshot } from 'xstate';
import type { supervisorMachine } from '../actors/supervisorMachine.js';
import type { Call } from '../calls/Call.js';
import type { CallHandler, CallLogic, CallMatch, HandleOptions } from '../calls/callHandlers.js';
import type { DtmfInjectionLimits } from '../calls/injectDtmf.js';
import type {
  InjectDtmfOptions,
  OriginateOptions,
  OriginateToAgiOptions,
} from '../calls/originateOptions.js';
import type { AmiConnectionOptions } from '../connection/AmiConnection.js';
import type { AmiClient } from '../connection/client.js';
import type { Emitter } from '../connection/emitter.js';
import type { Logger } from '../connection/logger.js';
import type { channelMachine } from '../machines/channel/channelMachine.js';
import type { ChannelActorRef } from '../machines/channel/channelSnapshot.js';
import type { FastAgiRuntimeOptions } from './fastAgiCalls.js';
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
  /**
   * How long each new AMI session waits for Asterisk's `FullyBooted` before resyncing (ms; default
   * 3,000): after a core restart, Asterisk accepts logins before it is up. Users who may not read
   * `system` events never get it: set 0 for them. Originates called meanwhile wait with it.
   */
  readonly bootWaitMs?: number;
  /**
   * Most AMI events held while a (re)connect lists the channels (default 10,000). Past it the
   * runtime stops holding: it routes what it held, in order, then each event as it comes, and
   * applies the list when it completes (the `resync` report then says `routedBeforeList`).
   */
  readonly maxResyncBacklog?: number;
  /** The channel statechart to run (an extended `channelMachine`). */
  readonly channelLogic?: typeof channelMachine;
  /**
   * A persisted snapshot (`getPersistedSnapshot()`) to start a call's logic from instead of its
   * initial state, or undefined for a fresh start: how a flow moves to another process. Its
   * context gets `call` (the new {@link Call}) wherever the snapshot needs one: the function
   * revives it (see `octostate/cluster`).
   */
  readonly restoreFlow?: (call: Call, logic: CallLogic) => Snapshot<unknown> | undefined;
  /** Bounds of `injectDtmf`: injected digits not heard yet, per call and overall. */
  readonly dtmfInjection?: DtmfInjectionLimits;
  /** The clock of the actor system (a `SimulatedClock` in tests). */
  readonly clock?: ActorOptions<typeof supervisorMachine>['clock'];
  /**
   * Serve FastAGI (`AGI(agi://host:port/script)`) as well: `true` for 127.0.0.1:4573, or where to
   * listen and the server's bounds. Calls go to the handlers registered with an `agiScript`. With
   * neither `client`, `url` nor `connection`, the runtime serves FastAGI only, without AMI.
   */
  readonly fastAgi?: FastAgiRuntimeOptions | true;
}

/** Counters of what a runtime holds (see `Runtime.stats`): all 0 once the calls are gone. */
export interface RuntimeStats {
  /** Channel actors, live or lingering after their hang-up. */
  readonly channels: number;
  /** Of those, the ones that hung up and wait for their removal. */
  readonly lingering: number;
  /** Bridges known, and channels in them. */
  readonly bridges: number;
  readonly inBridges: number;
  /** Events held for a channel whose actor does not exist yet (an early `OriginateResponse`). */
  readonly heldEvents: number;
  /** Events held while a resync lists the channels (at most `maxResyncBacklog`). */
  readonly resyncBacklog: number;
  /** `Call` objects handed out (one per channel that was looked at). */
  readonly calls: number;
  /** Call-logic actors running. */
  readonly flows: number;
  /** AGI commands waiting for their result. */
  readonly agiCommands: number;
  /** Originates waiting for their `OriginateResponse` or their channel. */
  readonly originates: number;
  /** Digits `injectDtmf` played that their call has not heard yet. */
  readonly dtmfInjections: number;
  /** Delayed events scheduled in the runtime's actor system (the linger sweep, actor timers). */
  readonly timers: number;
  /** FastAGI connections being served. */
  readonly fastAgiSessions: number;
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
  /** Where the FastAGI server listens, once it does (see `ready()`); `undefined` without one. */
  readonly fastAgi: { readonly host: string; readonly port: number } | undefined;
  /** The {@link Call} of a live (or lingering) channel, by Uniqueid. */
  call(uniqueid: string): Call | undefined;
  /** The actor running call logic for a channel (see `handle`), while it runs. */
  flow(uniqueid: string): AnyActorRef | undefined;
  /** What the runtime holds right now, for monitoring (all 0 on an idle PBX once calls are gone). */
  stats(): RuntimeStats;
  /**
   * Give matching calls to `handler` (first match wins, once per channel): a function called with
   * the {@link Call}, or call logic (a machine with input `{ call, ...options.input }`, e.g. built
   * on `agiServices`) run as the channel actor's child for that call (announced by the `flow` bus
   * event). Returns a function that unregisters it.
   */
  handle(match: CallMatch, handler: CallHandler, options?: HandleOptions): () => void;
  /**
   * Originates a call and resolves, once Asterisk reports it answered (`OriginateResponse` with
   * this originate's ActionID), with the originated channel's {@link Call}; rejects with an
   * `OriginateError` naming the reason (`no-answer`, `busy`, `congestion`, `failed`...). Called
   * while a new session waits for Asterisk's `FullyBooted`, it is sent once that comes (at most
   * `bootWaitMs` later).
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
   * Plays a DTMF digit into the live call at an extension, as if the far end pressed it
   * (`PlayDTMF` with `Receive: true` on the call's channel, which never holds the AMI session).
   * Resolves with the call it went to once Asterisk queued the digit; rejects with an
   * `InvalidDtmfError` (digit, `durationMs` outside 80-2000), a `NoSuchCallError`, or a
   * `DtmfInjectionBusyError` when too many injected digits wait to be heard (16 per call, 256 in
   * all by default: `dtmfInjection`).
   */
  injectDtmf(options: InjectDtmfOptions): Promise<Call>;
  /**
   * Resolves once connected and resynchronised (and the FastAGI server, if any, listens; without
   * AMI, once it listens). Rejects with the error that stopped the connection
   * (`AmiAuthenticationError` for a refused login, with the server's answer as `cause`), or with
   * `AmiConnectionClosedError` if the runtime is closed first.
   */
  ready(): Promise<void>;
  /** Stop supervising; closes the connection if the runtime opened it. */
  close(): Promise<void>;
}
