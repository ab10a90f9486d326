import type { AnyActorRef, AnyStateMachine, InspectionEvent, Subscription } from 'xstate';
import type { ChannelActorRef } from '../machines/channel/channelSnapshot.js';
import type { Runtime } from '../runtime/createRuntime.js';
import type { RuntimeEvents } from '../runtime/runtimeEvents.js';
import type { ActorRegistry } from './actorRegistry.js';

function isMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'root' in logic && 'id' in logic;
}

/** The machine an actor runs (`Actor.logic`, not on the `ActorRef` type), if it runs one. */
function machineOf(ref: AnyActorRef): AnyStateMachine | undefined {
  const logic = (ref as { logic?: unknown }).logic;
  return isMachine(logic) ? logic : undefined;
}

/**
 * Feeds an {@link ActorRegistry} from a runtime: the supervisor, each channel actor (from its
 * creation, through its hang-up, until it is removed), each call-logic actor (the channel actor's
 * child, announced by the `flow` bus event) under its channel, and the machines those invoke (an
 * IVR's `passcode`, `menu`), with every step each takes. It listens through XState's inspection
 * API (`system.inspect`) on the runtime's one actor system, which holds all of them; until
 * started, the runtime pays nothing.
 *
 * @example
 * const registry = new ActorRegistry();
 * const watch = new RuntimeWatch(runtime, registry);
 * watch.start();
 * registry.list().map((actor) => `${actor.label}: ${actor.state}`);
 * watch.stop();
 */
export class RuntimeWatch {
  private inspection: Subscription | undefined;
  private started = false;
  /** Inspection events it failed to follow (a bug of its own), and the last error. */
  failures = 0;
  lastFailure: unknown;

  constructor(
    private readonly runtime: Runtime,
    private readonly registry: ActorRegistry,
  ) {}

  /** Starts following the runtime: the actors that exist now, then every change. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const supervisor = this.runtime.supervisor;
    this.registry.track({
      id: 'supervisor',
      kind: 'supervisor',
      parent: null,
      ref: supervisor,
      machine: machineOf(supervisor),
    });
    this.inspection = supervisor.system.inspect((inspection) => this.observe(inspection));
    for (const ref of this.runtime.channels.all()) this.addChannel(ref);
    this.runtime.bus.on('channel', this.onChannel);
    this.runtime.bus.on('flow', this.onFlow);
    this.runtime.bus.on('hangup', this.onHangup);
    this.runtime.bus.on('removed', this.onRemoved);
  }

  /** Stops following the runtime (the registry keeps what it has). */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.runtime.bus.off('channel', this.onChannel);
    this.runtime.bus.off('flow', this.onFlow);
    this.runtime.bus.off('hangup', this.onHangup);
    this.runtime.bus.off('removed', this.onRemoved);
    this.inspection?.unsubscribe();
    this.inspection = undefined;
  }

  private addChannel(ref: ChannelActorRef): void {
    const uniqueid = ref.id;
    this.registry.track({
      id: `channel:${uniqueid}`,
      kind: 'channel',
      parent: 'supervisor',
      ref,
      machine: machineOf(ref),
      uniqueid,
    });
    const flow = this.runtime.flow(uniqueid);
    if (flow) this.addFlow(uniqueid, flow);
  }

  /** A call-logic actor: the `logic` child of the channel actor of `uniqueid`. */
  private addFlow(uniqueid: string, flow: AnyActorRef): void {
    if (this.registry.idOf(flow) !== undefined) return;
    const id = `flow:${uniqueid}`;
    const tracked = this.registry.track({
      id,
      kind: 'flow',
      parent: `channel:${uniqueid}`,
      ref: flow,
      machine: machineOf(flow),
      uniqueid,
    });
    if (!tracked) return;
    this.registry.hold(
      id,
      flow.subscribe({
        complete: () => this.registry.touch(id),
        error: () => this.registry.touch(id),
      }),
    );
    // Children invoked before we looked (the watch may start in the middle of a call).
    const children = (flow.getSnapshot() as { children?: Record<string, AnyActorRef> }).children;
    for (const child of Object.values(children ?? {})) this.addChild(child, id, uniqueid);
  }

  /** A machine invoked by a call-logic actor (or by one of its children). */
  private addChild(ref: AnyActorRef, flowId: string, uniqueid: string): void {
    const machine = machineOf(ref);
    if (this.registry.idOf(ref) !== undefined || !machine) return;
    const parentRef = ref._parent;
    const parent = (parentRef && this.registry.idOf(parentRef)) ?? flowId;
    const id = `${parent}/${ref.id}`;
    const tracked = this.registry.track({ id, kind: 'child', parent, ref, machine, uniqueid });
    if (!tracked) return;
    this.registry.hold(
      id,
      ref.subscribe({
        complete: () => this.registry.untrack(id),
        error: () => this.registry.untrack(id),
      }),
    );
  }

  /**
   * One inspection event of the runtime's actor system. It runs inside the runtime's event
   * handling: whatever goes wrong here must not reach it.
   */
  private readonly observe = (inspection: InspectionEvent): void => {
    this.guard(() => this.follow(inspection));
  };

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.failures += 1;
      this.lastFailure = error;
    }
  }

  private follow(inspection: InspectionEvent): void {
    const ref = inspection.actorRef as AnyActorRef;
    switch (inspection.type) {
      case '@xstate.microstep':
        this.registry.transitions(
          ref,
          (inspection as { _transitions?: unknown[] })._transitions ?? [],
        );
        return;
      case '@xstate.event': {
        // An actor starts with this event (its snapshot can be read from then on, not before:
        // XState announces it with `@xstate.actor` while it is still being built).
        if (inspection.event.type !== 'xstate.init') return;
        if (this.registry.idOf(ref) === undefined && machineOf(ref)) this.addStarted(ref);
        this.registry.stepped(ref, inspection.event, ref.getSnapshot() as never);
        return;
      }
      case '@xstate.snapshot': {
        // The step of `xstate.init` was taken from its event, above.
        if (inspection.event.type === 'xstate.init') return;
        // Facts folded in one step (`ami.batch`) are shown as they came: one step per AMI event.
        const batch = (inspection.event as { events?: ReadonlyArray<{ type: string }> }).events;
        if (inspection.event.type === 'ami.batch' && batch) {
          for (const event of batch)
            this.registry.stepped(ref, event, inspection.snapshot as never);
          return;
        }
        this.registry.stepped(ref, inspection.event, inspection.snapshot as never);
        return;
      }
    }
  }

  /**
   * An actor that just started, placed by its parent: a channel actor (the supervisor's child), its
   * call logic (the channel actor's child), or a machine the call logic invoked, however deep.
   */
  private addStarted(ref: AnyActorRef): void {
    const supervisor = this.runtime.supervisor;
    if (ref._parent === supervisor) {
      this.addChannel(ref as ChannelActorRef);
      return;
    }
    let channel = ref._parent;
    while (channel && channel._parent !== supervisor) channel = channel._parent;
    if (!channel) return;
    const uniqueid = channel.id;
    if (ref._parent === channel) this.addFlow(uniqueid, ref);
    else this.addChild(ref, `flow:${uniqueid}`, uniqueid);
  }

  private readonly onChannel = ({ ref }: RuntimeEvents['channel']): void => {
    this.guard(() => this.addChannel(ref));
  };

  private readonly onFlow = ({ uniqueid, ref }: RuntimeEvents['flow']): void => {
    this.guard(() => this.addFlow(uniqueid, ref));
  };

  private readonly onHangup = ({ uniqueid }: RuntimeEvents['hangup']): void => {
    this.guard(() => this.registry.touch(`channel:${uniqueid}`));
  };

  private readonly onRemoved = ({ uniqueid }: RuntimeEvents['removed']): void => {
    this.guard(() => this.registry.untrack(`channel:${uniqueid}`));
  };
}
