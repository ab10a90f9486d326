import type { Actor, AnyActorRef } from 'xstate';
import type { supervisorMachine } from '../actors/supervisorMachine.js';
import { supervisorHoldings } from '../actors/supervisorQueries.js';
import type { AsyncAgi } from '../calls/asyncAgi.js';
import type { CallRegistry } from '../calls/callRegistry.js';
import type { DtmfInjector } from '../calls/injectDtmf.js';
import type { Originator } from '../calls/originate.js';
import type { RuntimeStats } from './runtime.js';

/**
 * What a runtime holds right now, counted from the parts that hold it: the supervisor's channel
 * directory, the call logic running under channel actors (those of FastAGI calls whose channel
 * AMI did not route in time included), the Calls, AGI commands and originates waiting, the
 * injected digits not heard yet, the delayed events of the actor system, and the FastAGI
 * connections open.
 */
export function runtimeStats(
  supervisor: Actor<typeof supervisorMachine>,
  parts: {
    calls: CallRegistry;
    asyncAgi: AsyncAgi;
    originator: Originator;
    fastAgi: { readonly sessions: number; readonly ownFlows: number } | undefined;
    injector: DtmfInjector;
  },
): RuntimeStats {
  const router = supervisor.getSnapshot().context.router;
  const directory = router.directory;
  const sizes = supervisorHoldings(supervisor);
  let flows = 0;
  for (const ref of directory.refs()) {
    const logic = (ref.getSnapshot().children as Record<string, AnyActorRef | undefined>).logic;
    if (logic?.getSnapshot().status === 'active') flows++;
  }
  return {
    channels: sizes.channels,
    lingering: sizes.lingering,
    bridges: sizes.bridges,
    inBridges: sizes.inBridges,
    heldEvents: sizes.early,
    resyncBacklog: router.resyncBacklog,
    calls: parts.calls.size,
    flows: flows + (parts.fastAgi?.ownFlows ?? 0),
    agiCommands: parts.asyncAgi.size,
    originates: parts.originator.size,
    dtmfInjections: parts.injector.inFlight,
    timers: sizes.timers,
    fastAgiSessions: parts.fastAgi?.sessions ?? 0,
  };
}
