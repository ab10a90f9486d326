import type { AnyActorRef } from 'xstate';
import type { ChannelContext } from '../machines/channel/channelContext.js';
import { describeChannel } from '../machines/channel/describeChannel.js';
import { safeJson } from './safeJson.js';

/** What an actor is to the runtime. */
export type ActorKind = 'supervisor' | 'channel' | 'flow' | 'child';

/**
 * One actor in a line, as the inspector's list shows it (`GET /api/actors`, the `/events`
 * stream): small, so that hundreds of calls stream cheaply. {@link ActorDetail} adds the rest.
 */
export interface ActorSummary {
  /** `supervisor`, `channel:<Uniqueid>`, `flow:<Uniqueid>`, `flow:<Uniqueid>/<child id>`. */
  readonly id: string;
  readonly kind: ActorKind;
  /** The id of the actor it belongs to (`null` for the supervisor). */
  readonly parent: string | null;
  /** Its machine's id, for `GET /api/machines/:id` (`ami`, `channel`, `ivr`...). */
  readonly machine: string | null;
  /** A name for people: the channel's name, the machine's id. */
  readonly label: string;
  /** The call it belongs to (its channel's Linkedid), `null` for the supervisor. */
  readonly group: string | null;
  /** A short label of the state (`answered+inAgi` for channels, `passcode` for an IVR). */
  readonly state: string;
  /** `active`, `done` (final state: a channel that hung up), `error` or `stopped`. */
  readonly status: string;
  /** Whether the actor is gone and only kept for its ended call's record. */
  readonly ended: boolean;
  /** For channels, what a search looks at: the caller ID (`"Alice" <100>`) and the extension. */
  readonly callerId?: string;
  readonly exten?: string;
}

/** An actor in full (`GET /api/actors/:id`, a call's `/events?call=` stream). */
export interface ActorDetail extends ActorSummary {
  /** The XState state value (`{ live: { line: 'answered', ... } }`). */
  readonly value: unknown;
  /** The context, summarised (see `safeJson`: no secrets, no class internals). */
  readonly context: unknown;
  /** The transitions its last step took (state node ids), for a chart to mark. */
  readonly lastTransitions: readonly TransitionTaken[];
}

/** A transition an actor took: from a state node, on an event, to state nodes. */
export interface TransitionTaken {
  readonly source: string;
  readonly event: string;
  readonly targets: readonly string[];
}

/**
 * A state value as one short line: regions in parentheses.
 *
 * @example
 * stateLabel({ live: { line: 'answered', dial: 'idle' } }); // 'live.(line.answered, dial.idle)'
 */
export function stateLabel(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const parts = Object.entries(value).map(([key, child]) => {
      const inner = stateLabel(child);
      return inner === '' ? key : `${key}.${inner}`;
    });
    return parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(', ')})`;
  }
  return '';
}

/** `"Alice" <100>`, `<100>` or `Alice`: a channel's caller ID as people write it. */
export function callerIdText(context: Pick<ChannelContext, 'callerId'>): string {
  const { name, num } = context.callerId;
  const quoted = name ? `"${name}"` : '';
  const number = num ? `<${num}>` : '';
  return [quoted, number].filter(Boolean).join(' ');
}

/**
 * What to call a call-logic actor: its id when someone named it (`passcode`), else its machine's
 * id (`ivr`, `hello`) rather than the `x:17` XState makes up for unnamed actors.
 */
export function actorLabel(refId: string, machineId: string | undefined): string {
  return /^x:\d+$/.test(refId) && machineId ? machineId : refId;
}

interface TransitionLike {
  readonly source?: { readonly id: string };
  readonly eventType?: string;
  readonly target?: ReadonlyArray<{ readonly id: string }> | undefined;
}

/** The transitions of XState's `@xstate.microstep` inspection events, as node ids. */
export function transitionsTaken(transitions: readonly unknown[]): TransitionTaken[] {
  return transitions.map((raw) => {
    const transition = raw as TransitionLike;
    return {
      source: transition.source?.id ?? '',
      event: transition.eventType ?? '',
      targets: (transition.target ?? []).map((target) => target.id),
    };
  });
}

/** What an actor's snapshot holds that the inspector shows. */
export interface SnapshotLike {
  readonly value?: unknown;
  readonly context?: unknown;
  readonly status?: string;
}

/** An actor's state label: `describeChannel` for channels, the state value in a line otherwise. */
export function stateOf(kind: ActorKind, snapshot: SnapshotLike): string {
  if (kind === 'channel') {
    return describeChannel(snapshot as Parameters<typeof describeChannel>[0]);
  }
  return stateLabel(snapshot.value);
}

/** A live actor in a line, from its snapshot now. */
export function actorSummary(
  actor: {
    readonly id: string;
    readonly kind: ActorKind;
    readonly parent: string | null;
    readonly ref: AnyActorRef;
    readonly machine: { readonly id: string } | undefined;
  },
  group: string | null,
): ActorSummary {
  const snapshot = actor.ref.getSnapshot() as SnapshotLike;
  const channel = actor.kind === 'channel' ? (snapshot.context as ChannelContext) : undefined;
  return {
    id: actor.id,
    kind: actor.kind,
    parent: actor.parent,
    machine: actor.machine?.id ?? null,
    label:
      channel?.name ??
      (actor.kind === 'supervisor' ? 'supervisor' : actorLabel(actor.ref.id, actor.machine?.id)),
    group,
    state: stateOf(actor.kind, snapshot),
    status: snapshot.status ?? 'active',
    ended: false,
    ...(channel ? { callerId: callerIdText(channel), exten: channel.dialplan.exten } : {}),
  };
}

/** An actor in full: its line, its state value, its context summarised, its last transitions. */
export function actorDetail(
  summary: ActorSummary,
  snapshot: SnapshotLike,
  lastTransitions: readonly unknown[],
): ActorDetail {
  return {
    ...summary,
    value: snapshot.value ?? null,
    context: safeJson(snapshot.context),
    lastTransitions: transitionsTaken(lastTransitions),
  };
}
