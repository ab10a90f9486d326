import { type ActorOptions, type AnyActorRef, createActor } from 'xstate';
import { Call } from '../calls/Call.js';
import type { CallHandlers } from '../calls/callHandlers.js';
import type { CallRegistry } from '../calls/callRegistry.js';
import type { FastAgiSession } from '../calls/fastagi/FastAgiSession.js';
import {
  type FastAgiServer,
  type FastAgiServerOptions,
  startFastAgiServer,
} from '../calls/fastagi/fastAgiServer.js';
import type { AmiClient } from '../connection/client.js';
import type { Logger } from '../connection/logger.js';
import { channelInputFrom } from '../machines/channel/channelContext.js';
import { toChannelEvent } from '../machines/channel/channelEvents.js';
import { channelMachine } from '../machines/channel/channelMachine.js';
import type { ChannelActorRef } from '../machines/channel/channelSnapshot.js';
import type { AmiMessage } from '../protocol/message.js';
import { createMessage } from '../protocol/serialize.js';

/** FastAGI in a runtime: where to listen, the server's bounds, and how long to wait for AMI. */
export interface FastAgiRuntimeOptions extends FastAgiServerOptions {
  /**
   * How long a FastAGI call waits for its channel's actor when the AMI side has not routed the
   * channel's `Newchannel` yet, in ms; then it is served with what its AGI environment says (and
   * a warning is logged). Default 2,000. A runtime without AMI does not wait: its supervisor
   * makes the channel's actor from the AGI environment.
   */
  readonly channelWaitMs?: number;
}

/** What the FastAGI side needs from the rest of the runtime. */
export interface FastAgiDeps {
  readonly options: FastAgiRuntimeOptions;
  readonly handlers: CallHandlers;
  /** The runtime's Calls: a FastAGI call is its channel's Call while its connection is open. */
  readonly calls: CallRegistry;
  /** AMI actions for the calls (`Hangup` with a cause, `PlayDTMF`...); refusals without AMI. */
  readonly client: Pick<AmiClient, 'action'>;
  /** Whether there is an AMI side at all: without one, channels are never waited for. */
  readonly withAmi: boolean;
  /** The clock of the runtime's actor system, for the actors of calls of their own. */
  readonly clock?: ActorOptions<typeof channelMachine>['clock'];
  /** The actor of a channel the AMI side knows, by Uniqueid or else by name. */
  findChannel(uniqueid: string, name: string): ChannelActorRef | undefined;
  /** Calls `listener` when a channel actor appears; returns an unsubscribe. */
  onChannel(listener: (uniqueid: string, ref: ChannelActorRef) => void): () => void;
  /**
   * Without AMI: routes an AMI event made from a FastAGI call (its `Newchannel` from the AGI
   * environment, its `Hangup`) through the runtime's supervisor, as if Asterisk had sent it, so
   * that the call's channel actor is the supervisor's like any (`channels.get()`, the bus, the
   * inspector, lingering and removal). Absent with AMI, whose events alone make the supervisor's
   * channels.
   */
  adopt?(message: AmiMessage): void;
  /** Reports a failure nobody waits for (the runtime's `error` bus event). */
  reportError(error: unknown, during: string): void;
  readonly logger: Logger;
}

/** The FastAGI side of a runtime: the server and the calls it serves. */
export interface FastAgiCalls {
  readonly server: FastAgiServer;
  /** FastAGI connections being served. */
  readonly sessions: number;
  /** The actor of its own of a call whose channel AMI did not route in time, by Uniqueid. */
  ownChannel(uniqueid: string): ChannelActorRef | undefined;
  /** The call logic running under those actors. */
  readonly ownFlows: number;
  /** Stops listening, ends every connection and stops the actors of their own it made. */
  close(): Promise<void>;
}

/**
 * Serves FastAGI calls with the same `Call` API as AsyncAGI ones: each connection is joined to
 * its channel's actor (waiting a bounded time for the AMI side to route the channel), becomes that
 * channel's Call, is handed to the handlers registered with an `agiScript` (call logic runs as the
 * channel actor's child, like any), and is closed once its handler is done (the dialplan then goes
 * on after `AGI()`). Without AMI the supervisor makes the call's channel actor from the AGI
 * environment (`adopt`); with AMI, a call whose channel never came in time gets an actor of its
 * own, made the same way. Either hangs up when the connection says `HANGUP` or ends.
 */
export async function serveFastAgi(deps: FastAgiDeps): Promise<FastAgiCalls> {
  const { logger } = deps;
  const sessions = new Set<FastAgiSession>();
  const own = new Map<string, ChannelActorRef>();
  const server = await startFastAgiServer(deps.options, {
    session: (session) => {
      sessions.add(session);
      session.on('end', () => sessions.delete(session));
      serve(deps, session, own).catch((error: unknown) => {
        deps.reportError(error, `FastAGI ${session.channel}`);
        session.destroy(error instanceof Error ? error : undefined);
      });
    },
    rejected: (error, remote) => {
      logger.warn({ err: error, remote }, 'FastAGI connection refused');
      deps.reportError(error, `FastAGI connection from ${remote}`);
    },
  });
  logger.info({ host: server.host, port: server.port }, 'FastAGI server listening');
  return {
    server,
    get sessions() {
      return sessions.size;
    },
    ownChannel: (uniqueid) => own.get(uniqueid),
    get ownFlows() {
      let flows = 0;
      for (const ref of own.values()) {
        const logic = (ref.getSnapshot().children as Record<string, AnyActorRef | undefined>).logic;
        if (logic?.getSnapshot().status === 'active') flows++;
      }
      return flows;
    },
    close: async () => {
      await server.close();
      for (const ref of own.values()) ref.stop();
      own.clear();
    },
  };
}

async function serve(
  deps: FastAgiDeps,
  session: FastAgiSession,
  own: Map<string, ChannelActorRef>,
): Promise<void> {
  const known = await channelActor(deps, session);
  if (session.ended) return;
  const actor =
    known ?? (deps.adopt ? adoptedActor(deps, session, deps.adopt) : ownActor(deps, session, own));
  if (!known && deps.withAmi) {
    deps.logger.warn(
      { channel: session.channel, uniqueid: session.uniqueid, withAmi: deps.withAmi },
      'FastAGI call served with what its AGI environment says (no channel actor)',
    );
  }
  const call = new Call(actor, deps.client, session, (peer) => deps.calls.get(peer));
  deps.calls.serve(call);
  session.on('end', () => deps.calls.release(call));
  const taken = deps.handlers.takeFastAgi(session.request.script, actor, call);
  if (!taken) {
    deps.logger.warn(
      { script: session.request.script, channel: session.channel },
      'no handler for this FastAGI script: the connection is closed, the dialplan goes on',
    );
  }
  await taken?.done;
  await session.close();
}

/** The channel's actor: known already, or routed within `channelWaitMs`, or none. */
function channelActor(
  deps: FastAgiDeps,
  session: FastAgiSession,
): Promise<ChannelActorRef | undefined> {
  const known = deps.findChannel(session.uniqueid, session.channel);
  const waitMs = deps.withAmi ? (deps.options.channelWaitMs ?? 2_000) : 0;
  if (known || waitMs <= 0) return Promise.resolve(known);
  return new Promise((resolve) => {
    const done = (ref: ChannelActorRef | undefined): void => {
      clearTimeout(timer);
      unsubscribe();
      stopWaiting();
      resolve(ref);
    };
    const unsubscribe = deps.onChannel((uniqueid, ref) => {
      if (uniqueid === session.uniqueid) done(ref);
    });
    const timer = setTimeout(() => done(undefined), waitMs);
    timer.unref?.();
    const stopWaiting = session.on('end', () => done(undefined));
  });
}

/**
 * A channel actor of the call's own, from the AGI environment: no AMI events feed it, so the
 * connection's `HANGUP` (or its end) is its `Hangup`. It is forgotten once it has ended.
 */
function ownActor(
  deps: FastAgiDeps,
  session: FastAgiSession,
  own: Map<string, ChannelActorRef>,
): ChannelActorRef {
  const actor = createActor(channelMachine, {
    input: channelInputFrom(newchannelMessage(session)),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  own.set(session.uniqueid, actor);
  actor.subscribe({
    complete: () => {
      if (own.get(session.uniqueid) === actor) own.delete(session.uniqueid);
    },
    error: () => {},
  });
  actor.start();
  // `HANGUP` comes before the connection's end, or the end alone: the first of them ends the actor.
  const hangup = (): void => {
    if (actor.getSnapshot().status === 'active') actor.send(toChannelEvent(hangupMessage(session)));
  };
  session.on('hangup', hangup);
  session.on('end', hangup);
  return actor;
}

/**
 * The channel actor of a call served without AMI, made by the supervisor from a `Newchannel` that
 * says what the AGI environment says; the connection's `HANGUP` (or its end) is its `Hangup`.
 */
function adoptedActor(
  deps: FastAgiDeps,
  session: FastAgiSession,
  adopt: (message: AmiMessage) => void,
): ChannelActorRef {
  adopt(newchannelMessage(session));
  const actor = deps.findChannel(session.uniqueid, session.channel);
  if (!actor) throw new Error(`the supervisor made no channel actor for ${session.channel}`);
  let hungUp = false;
  const hangup = (): void => {
    if (hungUp) return;
    hungUp = true;
    adopt(hangupMessage(session));
  };
  session.on('hangup', hangup);
  session.on('end', hangup);
  return actor;
}

/**
 * What an AMI `Newchannel` for the call would say, from its AGI environment. The environment does
 * not tell the channel's state: it is left at 0 with no description, as for any channel whose
 * state nobody reported.
 */
function newchannelMessage(session: FastAgiSession): AmiMessage {
  const env = session.env;
  return createMessage([
    ['Event', 'Newchannel'],
    ['Channel', session.channel],
    ['ChannelState', '0'],
    ['ChannelStateDesc', ''],
    ['CallerIDNum', env.agi_callerid ?? ''],
    ['CallerIDName', env.agi_calleridname ?? ''],
    ['Context', env.agi_context ?? ''],
    ['Exten', env.agi_extension ?? ''],
    ['Priority', env.agi_priority ?? '0'],
    ['Uniqueid', session.uniqueid],
    ['Linkedid', session.uniqueid],
  ]);
}

/** What an AMI `Hangup` would say; FastAGI does not tell the cause. */
function hangupMessage(session: FastAgiSession) {
  return createMessage([
    ['Event', 'Hangup'],
    ['Channel', session.channel],
    ['Uniqueid', session.uniqueid],
    ['Cause', '0'],
    ['Cause-txt', 'Unknown'],
  ]);
}
