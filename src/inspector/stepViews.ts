import { eventLabel } from '../diagram/labels.js';
import { labelContext } from '../diagram/machineGraph.js';
import { type ActorKind, stateOf, type TransitionTaken, transitionsTaken } from './actorViews.js';
import type { StepRecord } from './callLog.js';
import { safeJson } from './safeJson.js';

/**
 * One step of an actor in a line: on a call's timeline, or in an actor's recent events. What the
 * event carried and the context after it are in {@link StepDetail}, fetched when selected.
 */
export interface StepSummary {
  readonly seq: number;
  readonly at: number;
  /** The actor's id (`channel:<Uniqueid>`...). */
  readonly actor: string;
  /** The event's type (`ami.Newstate`, `xstate.done.actor.passcode`, `agi.result`...). */
  readonly type: string;
  /** The event as the actor's diagram names it (`Newstate`, `done: answer`, `start`). */
  readonly label: string;
  /** The AMI event's name when it was one (`Newstate`), for a timeline to tell them apart. */
  readonly ami?: string;
  /** The actor's state after the step (`answered+inAgi`, `menu`). */
  readonly state: string;
  /** The transitions taken; empty when the event changed nothing but, maybe, the context. */
  readonly transitions: readonly TransitionTaken[];
}

/** A step in full (`GET /api/calls/:call/steps/:seq`). */
export interface StepDetail extends StepSummary {
  /** The AMI message's fields, or the event's other fields, summarised (secrets masked). */
  readonly detail: unknown;
  /** The state value and the context after the step, summarised. */
  readonly value: unknown;
  readonly context: unknown;
}

function kindOf(actor: string): ActorKind {
  if (actor === 'supervisor') return 'supervisor';
  if (actor.startsWith('channel:')) return 'channel';
  return actor.includes('/') ? 'child' : 'flow';
}

/** The AMI message an event carries (`{ type: 'ami.Newstate', message }`), if any. */
function amiMessageOf(event: object): { name?: unknown } | undefined {
  const message = (event as { message?: unknown }).message;
  return message && typeof message === 'object' ? (message as { name?: unknown }) : undefined;
}

/** A step in a line. */
export function stepSummary(step: StepRecord): StepSummary {
  const ami = amiMessageOf(step.event)?.name;
  return {
    seq: step.seq,
    at: step.at,
    actor: step.actor,
    type: step.event.type,
    label:
      step.event.type === 'xstate.init'
        ? 'start'
        : step.machine
          ? eventLabel(step.event.type, labelContext(step.machine))
          : step.event.type,
    ...(typeof ami === 'string' ? { ami } : {}),
    state: stateOf(kindOf(step.actor), step.snapshot),
    transitions: transitionsTaken(step.transitions),
  };
}

/** What an event carried, summarised: an AMI message's fields, or the event's other fields. */
export function eventDetail(event: { type: string }): unknown {
  const message = amiMessageOf(event);
  if (message) return safeJson(message);
  const { type: _type, ...rest } = event as Record<string, unknown>;
  return Object.keys(rest).length === 0 ? null : safeJson(rest);
}

/** A step in full: the event's detail, and the state and context after it. */
export function stepDetail(step: StepRecord): StepDetail {
  return {
    ...stepSummary(step),
    detail: eventDetail(step.event),
    value: safeJson(step.snapshot.value),
    context: safeJson(step.snapshot.context),
  };
}
