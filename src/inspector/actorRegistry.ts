import type { AnyActorRef, AnyStateMachine, InspectionEvent, Subscription } from 'xstate';
import type { ChannelActorRef } from '../actors/supervisorMachine.js';
import { collectDigitsMachine } from '../calls/collectDigitsMachine.js';
import { channelMachine } from '../machines/channel/channelMachine.js';
import { describeChannel } from '../machines/channel/describeChannel.js';
import { helloMachine } from '../machines/flows/helloMachine.js';
import { ivrMachine } from '../machines/flows/ivrMachine.js';
import { menuMachine } from '../machines/flows/menuMachine.js';
import { passcodeMachine } from '../machines/flows/passcodeMachine.js';
import type { Runtime } from '../runtime/createRuntime.js';
import type { RuntimeEvents } from '../runtime/runtimeEvents.js';
import { safeJson } from './safeJson.js';

/** What an actor is to the runtime. */
export type ActorKind = 'supervisor' | 'channel' | 'flow' | 'child';

/** One live actor as the inspector shows it (`GET /api/actors`). */
export interface ActorInfo {
  /** `supervisor`, `channel:<Uniqueid>`, `flow:<Uniqueid>`, `flow:<Uniqueid>/<child id>`. */
  readonly id: string;
  readonly kind: ActorKind;
  /** The id of the actor it belongs to (`null` for the supervisor). */
  readonly parent: string | null;
  /** Its machine's id, for `GET /api/machines/:id` (`ami`, `channel`, `ivr`...). */
  readonly machine: string | null;
  /** A name for people: the channel's name, the machine's id. */
  readonly label: string;
  /** The call it belongs to (the channel's Linkedid), `null` for the supervisor. */
  readonly group: string | null;
  /** The XState state value (`{ live: { line: 'answered', ... } }`). */
  readonly value: unknown;
  /** A short label of the state (`answered+inAgi` for channels, `passcode` for an IVR). */
  readonly state: string;
  /** `active`, `done` (final state: a channel that hung up), `error` or `stopped`. */
  readonly status: string;
  /** The context, summarised (see `safeJson`: no secrets, no class internals). */
  readonly context: unknown;
}

/** One event an actor received, as the inspector shows it. */
export interface ActorEventRecord {
  /** Increasing over the registry's life: which events a client has already seen. */
  readonly seq: number;
  /** `Date.now()` when it was received. */
  readonly at: number;
  readonly type: string;
  /** The AMI message's fields, or the event's other fields, summarised. */
  readonly detail: unknown;
}

/** A change of the registry, delivered synchronously to its listeners. */
export interface RegistryChange {
  readonly kind: 'added' | 'updated' | 'removed';
  readonly id: string;
}

interface Entry {
  readonly id: string;
  readonly kind: ActorKind;
  readonly parent: string | null;
  readonly ref: AnyActorRef;
  readonly machine: AnyStateMachine | undefined;
  /** The ids of the actors whose parent it is. */
  readonly children: Set<string>;
  /** Raw events, summarised only when asked for: recording one costs a push. */
  readonly events: Array<{ seq: number; at: number; event: { type: string } }>;
  /** For a flow: its own actor system's inspection, and its channel's Uniqueid. */
  inspection?: Subscription;
  /** For a flow or a child: the completion watch. */
  watch?: Subscription;
  uniqueid?: string;
}

/** How an {@link ActorRegistry} runs. */
export interface ActorRegistryOptions {
  /** Events kept per actor (default 20). */
  readonly maxEvents?: number;
  /**
   * Machines to show before any actor runs them (default: octostate's own: `channel`, `ivr`,
   * `passcode`, `menu`, `collectDigits`, `hello`). A running actor's machine replaces the one of
   * the same id.
   */
  readonly machines?: readonly AnyStateMachine[];
}

const KNOWN_MACHINES: readonly AnyStateMachine[] = [
  channelMachine,
  ivrMachine,
  passcodeMachine,
  menuMachine,
  collectDigitsMachine,
  helloMachine,
];

function isMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'root' in logic && 'id' in logic;
}

/** The machine an actor runs (`Actor.logic`, not on the `ActorRef` type), if it runs one. */
function machineOf(ref: AnyActorRef): AnyStateMachine | undefined {
  const logic = (ref as { logic?: unknown }).logic;
  return isMachine(logic) ? logic : undefined;
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

function eventDetail(event: { type: string }): unknown {
  if ('message' in event) return safeJson(event.message);
  const { type: _type, ...rest } = event as Record<string, unknown>;
  return Object.keys(rest).length === 0 ? undefined : safeJson(rest);
}

/**
 * Which actors a runtime has right now: the supervisor, each channel actor (from its creation,
 * through its hang-up, until it is removed), each call-logic actor (`runtime.flow`) under its
 * channel, and the machines those invoke (an IVR's `passcode`, `menu`), with the events each
 * received lately.
 *
 * It listens through XState's inspection API (`system.inspect`) on the supervisor's actor system
 * and on each call-logic actor's; with no registry started, the runtime pays nothing. Recording an
 * event or a snapshot is a map lookup and a push; states and contexts are summarised only when
 * someone asks (`list`, `get`), so listeners should batch (the inspector server flushes every
 * 100 ms).
 *
 * @example
 * const registry = new ActorRegistry(runtime);
 * registry.subscribe(({ kind, id }) => console.log(kind, id));
 * registry.start();
 * registry.list().map((actor) => `${actor.label}: ${actor.state}`);
 * registry.close();
 */
export class ActorRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly ids = new Map<AnyActorRef, string>();
  private readonly machines = new Map<string, AnyStateMachine>();
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  private readonly maxEvents: number;
  private inspection: Subscription | undefined;
  private seq = 0;
  private started = false;

  constructor(
    private readonly runtime: Runtime,
    options: ActorRegistryOptions = {},
  ) {
    this.maxEvents = options.maxEvents ?? 20;
    for (const machine of options.machines ?? KNOWN_MACHINES)
      this.machines.set(machine.id, machine);
  }

  /** Starts following the runtime: the actors that exist now, then every change. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const supervisor = this.runtime.supervisor;
    this.add({
      id: 'supervisor',
      kind: 'supervisor',
      parent: null,
      ref: supervisor,
      machine: machineOf(supervisor),
      events: [],
      children: new Set(),
    });
    this.inspection = supervisor.system.inspect((inspection) => this.observe(inspection));
    for (const ref of this.runtime.channels.all()) this.addChannel(ref);
    this.runtime.bus.on('channel', this.onChannel);
    this.runtime.bus.on('hangup', this.onHangup);
    this.runtime.bus.on('removed', this.onRemoved);
  }

  /** Stops following the runtime and forgets every actor (listeners are told nothing more). */
  close(): void {
    if (!this.started) return;
    this.started = false;
    this.runtime.bus.off('channel', this.onChannel);
    this.runtime.bus.off('hangup', this.onHangup);
    this.runtime.bus.off('removed', this.onRemoved);
    this.inspection?.unsubscribe();
    this.inspection = undefined;
    for (const entry of this.entries.values()) {
      entry.inspection?.unsubscribe();
      entry.watch?.unsubscribe();
    }
    this.entries.clear();
    this.ids.clear();
    this.listeners.clear();
  }

  /** Calls `listener` on each change; returns a function that stops it. */
  subscribe(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many actors are known (the supervisor included). */
  get size(): number {
    return this.entries.size;
  }

  /** Every known actor, the supervisor first, then in the order they appeared. */
  list(): ActorInfo[] {
    return [...this.entries.values()].map((entry) => this.describe(entry));
  }

  /** One actor, or `undefined` when it is not (or no longer) known. */
  get(id: string): ActorInfo | undefined {
    const entry = this.entries.get(id);
    return entry ? this.describe(entry) : undefined;
  }

  /** The last events an actor received (after `afterSeq` when given), oldest first. */
  events(id: string, afterSeq = 0): ActorEventRecord[] {
    const entry = this.entries.get(id);
    if (!entry) return [];
    return entry.events
      .filter((record) => record.seq > afterSeq)
      .map(({ seq, at, event }) => ({ seq, at, type: event.type, detail: eventDetail(event) }));
  }

  /** The sequence number of the last event recorded (see {@link ActorEventRecord.seq}). */
  get lastSeq(): number {
    return this.seq;
  }

  /** The ids of the machines seen running. */
  machineIds(): string[] {
    return [...this.machines.keys()];
  }

  /** A machine seen running, by its id (`ami`, `channel`, `ivr`...). */
  machine(id: string): AnyStateMachine | undefined {
    return this.machines.get(id);
  }

  private describe(entry: Entry): ActorInfo {
    const snapshot = entry.ref.getSnapshot() as {
      status: string;
      value?: unknown;
      context?: unknown;
    };
    const isChannel = entry.kind === 'channel';
    const channel = isChannel
      ? (snapshot as ReturnType<ChannelActorRef['getSnapshot']>).context
      : undefined;
    const parent = entry.parent === null ? undefined : this.entries.get(entry.parent);
    const group =
      channel?.linkedid ??
      (parent?.kind === 'channel'
        ? (parent.ref.getSnapshot() as ReturnType<ChannelActorRef['getSnapshot']>).context.linkedid
        : entry.uniqueid !== undefined
          ? (this.groupOf(entry.uniqueid) ?? null)
          : null);
    return {
      id: entry.id,
      kind: entry.kind,
      parent: entry.parent,
      machine: entry.machine?.id ?? null,
      label: channel?.name ?? (entry.kind === 'supervisor' ? 'supervisor' : actorLabel(entry)),
      group,
      value: snapshot.value ?? null,
      state: isChannel
        ? describeChannel(snapshot as ReturnType<ChannelActorRef['getSnapshot']>)
        : stateLabel(snapshot.value),
      status: snapshot.status,
      context: safeJson(snapshot.context),
    };
  }

  private groupOf(uniqueid: string): string | undefined {
    const channel = this.entries.get(`channel:${uniqueid}`);
    return channel
      ? (channel.ref.getSnapshot() as ReturnType<ChannelActorRef['getSnapshot']>).context.linkedid
      : undefined;
  }

  private emit(kind: RegistryChange['kind'], id: string): void {
    for (const listener of this.listeners) listener({ kind, id });
  }

  private add(entry: Entry): void {
    if (this.entries.has(entry.id)) return;
    this.entries.set(entry.id, entry);
    if (entry.parent !== null) this.entries.get(entry.parent)?.children.add(entry.id);
    this.ids.set(entry.ref, entry.id);
    if (entry.machine) this.machines.set(entry.machine.id, entry.machine);
    this.emit('added', entry.id);
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    for (const child of [...entry.children]) this.remove(child);
    if (entry.parent !== null) this.entries.get(entry.parent)?.children.delete(id);
    entry.inspection?.unsubscribe();
    entry.watch?.unsubscribe();
    this.entries.delete(id);
    if (this.ids.get(entry.ref) === id) this.ids.delete(entry.ref);
    this.emit('removed', id);
  }

  private addChannel(ref: ChannelActorRef): void {
    const uniqueid = ref.id;
    this.add({
      id: `channel:${uniqueid}`,
      kind: 'channel',
      parent: 'supervisor',
      ref,
      machine: machineOf(ref),
      events: [],
      children: new Set(),
      uniqueid,
    });
    this.checkFlow(uniqueid);
  }

  /** The runtime starts call logic from a channel's snapshot listener: look after each one. */
  private checkFlow(uniqueid: string): void {
    const id = `flow:${uniqueid}`;
    if (this.entries.has(id)) return;
    const flow = this.runtime.flow(uniqueid);
    if (!flow) return;
    const entry: Entry = {
      id,
      kind: 'flow',
      parent: `channel:${uniqueid}`,
      ref: flow,
      machine: machineOf(flow),
      events: [],
      children: new Set(),
      uniqueid,
    };
    this.add(entry);
    entry.inspection = flow.system.inspect((inspection) => this.observe(inspection, id));
    entry.watch = flow.subscribe({
      complete: () => this.emit('updated', id),
      error: () => this.emit('updated', id),
    });
    // Children invoked before we looked (a flow's first state may invoke one at once).
    for (const child of Object.values(
      (flow.getSnapshot() as { children?: Record<string, AnyActorRef> }).children ?? {},
    )) {
      this.addChild(child, id);
    }
  }

  /** A machine invoked by a call-logic actor (or by one of its children). */
  private addChild(ref: AnyActorRef, flowId: string): void {
    const machine = machineOf(ref);
    if (this.ids.has(ref) || !machine) return;
    const parentRef = ref._parent;
    const parent = (parentRef && this.ids.get(parentRef)) ?? flowId;
    const id = `${parent}/${ref.id}`;
    const flow = this.entries.get(flowId);
    const entry: Entry = {
      id,
      kind: 'child',
      parent,
      ref,
      machine,
      events: [],
      children: new Set(),
      ...(flow?.uniqueid === undefined ? {} : { uniqueid: flow.uniqueid }),
    };
    this.add(entry);
    entry.watch = ref.subscribe({
      complete: () => this.remove(id),
      error: () => this.remove(id),
    });
  }

  /** One inspection event of the supervisor's system, or of the system of the flow `flowId`. */
  private readonly observe = (inspection: InspectionEvent, flowId?: string): void => {
    const ref = inspection.actorRef as AnyActorRef;
    const id = this.ids.get(ref);
    switch (inspection.type) {
      case '@xstate.event': {
        if (id === undefined) return;
        const entry = this.entries.get(id);
        if (!entry) return;
        this.seq += 1;
        entry.events.push({ seq: this.seq, at: Date.now(), event: inspection.event });
        if (entry.events.length > this.maxEvents) entry.events.shift();
        this.emit('updated', id);
        return;
      }
      case '@xstate.snapshot': {
        if (id === undefined) return;
        this.emit('updated', id);
        const entry = this.entries.get(id);
        if (entry?.kind === 'channel' && entry.uniqueid !== undefined)
          this.checkFlow(entry.uniqueid);
        return;
      }
      case '@xstate.actor': {
        if (id !== undefined || !machineOf(ref)) return;
        if (flowId !== undefined) this.addChild(ref, flowId);
        else if (ref._parent === this.runtime.supervisor) this.addChannel(ref as ChannelActorRef);
        return;
      }
    }
  };

  private readonly onChannel = ({ ref }: RuntimeEvents['channel']): void => {
    this.addChannel(ref);
  };

  private readonly onHangup = ({ uniqueid }: RuntimeEvents['hangup']): void => {
    if (this.entries.has(`channel:${uniqueid}`)) this.emit('updated', `channel:${uniqueid}`);
  };

  private readonly onRemoved = ({ uniqueid }: RuntimeEvents['removed']): void => {
    this.remove(`channel:${uniqueid}`);
  };
}

/**
 * What to call a call-logic actor: its id when someone named it (`passcode`), else its machine's
 * id (`ivr`, `hello`) rather than the `x:17` XState makes up for unnamed actors.
 */
function actorLabel(entry: {
  readonly ref: { readonly id: string };
  readonly machine?: { readonly id: string } | undefined;
}): string {
  return /^x:\d+$/.test(entry.ref.id) && entry.machine ? entry.machine.id : entry.ref.id;
}
