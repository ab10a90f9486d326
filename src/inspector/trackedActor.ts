import type { AnyActorRef, AnyStateMachine } from 'xstate';
import type { ChannelContext } from '../machines/channel/channelContext.js';
import { type ActorDetail, type ActorKind, type ActorSummary, actorDetail } from './actorViews.js';
import type { StepRecord } from './callLog.js';

/** A change of the registry, delivered synchronously to its listeners. */
export interface RegistryChange {
  /** `ended`: the actor went away but its call is kept; `removed`: it is forgotten. */
  readonly kind: 'added' | 'updated' | 'ended' | 'removed';
  readonly id: string;
  /** The call it belongs to (`null` for the supervisor). */
  readonly group: string | null;
}

/** What the registry is told about an actor to follow (see `RuntimeWatch`). */
export interface TrackedActor {
  readonly id: string;
  readonly kind: ActorKind;
  readonly parent: string | null;
  readonly ref: AnyActorRef;
  readonly machine: AnyStateMachine | undefined;
  /** The channel it runs for (its own Uniqueid for a channel). */
  readonly uniqueid?: string;
}

/** An actor gone while its call is kept: its last look, summarised when first asked for. */
export interface EndedActor {
  readonly summary: ActorSummary;
  readonly snapshot: StepRecord['snapshot'];
  readonly transitions: readonly unknown[];
  detail?: ActorDetail;
}

/** An ended actor in full, summarised once. */
export function endedDetail(ended: EndedActor): ActorDetail {
  ended.detail ??= actorDetail(ended.summary, ended.snapshot, ended.transitions);
  return ended.detail;
}

/** How an actor that goes away is kept with its call: as it was last. */
export function endedActor(
  summary: ActorSummary,
  actor: { readonly ref: AnyActorRef; readonly lastTransitions: readonly unknown[] },
): EndedActor {
  return {
    summary: { ...summary, ended: true },
    snapshot: actor.ref.getSnapshot() as StepRecord['snapshot'],
    transitions: actor.lastTransitions,
  };
}

/**
 * The call of a channel actor: its Linkedid (or its own Uniqueid). XState's inspection announces
 * an actor before its first snapshot exists: then it is grouped at its first step.
 */
export function channelCall(channel: TrackedActor): string | null {
  const context = (channel.ref.getSnapshot() as { context?: ChannelContext } | undefined)?.context;
  return context ? context.linkedid || context.uniqueid : (channel.uniqueid ?? null);
}
