import type { NatsConnection } from '@nats-io/transport-node';
import type { Runtime } from '../runtime/createRuntime.js';
import type { RuntimeEvents } from '../runtime/runtimeEvents.js';
import { type CallEventKind, callEventSubject, gapSubject } from './subjects.js';

/** Events kept while NATS is unreachable; past it the oldest are dropped and counted. */
export const DEFAULT_OUTAGE_BUFFER = 10_000;

/** A call event as published (JSON): which Asterisk and node, which call, what happened. */
export interface CallEventMessage {
  readonly asterisk: string;
  readonly node: string;
  readonly linkedid: string;
  readonly uniqueid: string;
  readonly event: CallEventKind;
  /** Wall-clock time on the publishing node, in ms. */
  readonly at: number;
  readonly [detail: string]: unknown;
}

/** What {@link publishCallEvents} returns. */
export interface CallEventPublisher {
  /** Published so far (handed to the connection). */
  readonly published: number;
  /** Waiting for NATS to come back. */
  readonly buffered: number;
  /** Dropped because the outage buffer was full. */
  readonly dropped: number;
  /** Stops listening to the runtime (what is buffered is dropped). */
  stop(): void;
}

/**
 * Publishes what happens to an Asterisk's calls on `octostate.<asterisk>.call.<linkedid>.<event>`,
 * with core NATS (no per-message acknowledgement: the events stream keeps what reaches the server).
 * While the connection is down, events wait in a buffer of `outageBuffer` (oldest dropped past it)
 * and go out in order once it is back, after a `octostate.<asterisk>.gap` message saying how many
 * were dropped, if any.
 */
export function publishCallEvents(
  runtime: Pick<Runtime, 'bus' | 'channels'>,
  nc: NatsConnection,
  source: { asterisk: string; node: string },
  options: {
    outageBuffer?: number;
    isConnected: () => boolean;
    /** Whether a call's logic resumed from a stored snapshot (the `flow` event says so). */
    restored?: (uniqueid: string) => boolean;
  } = { isConnected: () => true },
): CallEventPublisher {
  const limit = options.outageBuffer ?? DEFAULT_OUTAGE_BUFFER;
  const waiting: Array<[string, string]> = [];
  let published = 0;
  let dropped = 0;
  let droppedSinceGap = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const send = (subject: string, payload: string): boolean => {
    try {
      nc.publish(subject, payload);
      published += 1;
      return true;
    } catch {
      return false;
    }
  };
  const drain = (): void => {
    if (!options.isConnected()) return;
    if (
      droppedSinceGap > 0 &&
      send(
        gapSubject(source.asterisk),
        JSON.stringify({ ...source, dropped: droppedSinceGap, at: Date.now() }),
      )
    ) {
      droppedSinceGap = 0;
    }
    while (waiting.length > 0 && options.isConnected()) {
      const [subject, payload] = waiting[0]!;
      if (!send(subject, payload)) break;
      waiting.shift();
    }
    if (waiting.length === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const emit = (
    uniqueid: string,
    linkedid: string,
    event: CallEventKind,
    detail: Record<string, unknown>,
  ): void => {
    const message: CallEventMessage = {
      ...source,
      linkedid,
      uniqueid,
      event,
      at: Date.now(),
      ...detail,
    };
    const subject = callEventSubject(source.asterisk, linkedid, event);
    const payload = JSON.stringify(message);
    if (waiting.length === 0 && options.isConnected() && send(subject, payload)) return;
    waiting.push([subject, payload]);
    if (waiting.length > limit) {
      waiting.shift();
      dropped += 1;
      droppedSinceGap += 1;
    }
    // Try again every 100 ms until the backlog is out.
    timer ??= setInterval(drain, 100);
  };
  const linkedidOf = (uniqueid: string): string =>
    runtime.channels.get(uniqueid)?.getSnapshot().context.linkedid ?? uniqueid;

  const handlers = {
    channel: ({ uniqueid, ref }: RuntimeEvents['channel']) => {
      const { name, linkedid } = ref.getSnapshot().context;
      emit(uniqueid, linkedid || uniqueid, 'channel', { name });
    },
    channelState: ({ uniqueid, name, state, previous }: RuntimeEvents['channelState']) =>
      emit(uniqueid, linkedidOf(uniqueid), 'state', { name, state, previous }),
    hangup: ({ uniqueid, output }: RuntimeEvents['hangup']) =>
      emit(uniqueid, output.linkedid || uniqueid, 'hangup', {
        name: output.name,
        cause: output.cause,
        causeText: output.causeText,
        lost: output.lost,
      }),
    bridge: ({ action, bridgeId, uniqueid, members }: RuntimeEvents['bridge']) => {
      if (uniqueid !== undefined) {
        emit(uniqueid, linkedidOf(uniqueid), 'bridge', { action, bridgeId, members });
      }
    },
    flow: ({ uniqueid, ref }: RuntimeEvents['flow']) =>
      emit(uniqueid, linkedidOf(uniqueid), 'flow', {
        actor: ref.id,
        restored: options.restored?.(uniqueid) ?? false,
      }),
  };
  runtime.bus.on('channel', handlers.channel);
  runtime.bus.on('channelState', handlers.channelState);
  runtime.bus.on('hangup', handlers.hangup);
  runtime.bus.on('bridge', handlers.bridge);
  runtime.bus.on('flow', handlers.flow);
  return {
    get published() {
      return published;
    },
    get buffered() {
      return waiting.length;
    },
    get dropped() {
      return dropped;
    },
    stop: () => {
      runtime.bus.off('channel', handlers.channel);
      runtime.bus.off('channelState', handlers.channelState);
      runtime.bus.off('hangup', handlers.hangup);
      runtime.bus.off('bridge', handlers.bridge);
      runtime.bus.off('flow', handlers.flow);
      clearInterval(timer);
      waiting.length = 0;
    },
  };
}
