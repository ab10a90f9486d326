import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Call } from '../calls/Call.js';
import { NoSuchCallError } from '../calls/errors.js';
import { describeChannel } from '../machines/channel/describeChannel.js';
import type { Runtime } from '../runtime/createRuntime.js';
import {
  type CallRef,
  type ChannelTarget,
  ClusterCommandRequestError,
  type ClusterCommands,
  COMMAND_VERBS,
  type CommandReply,
  type CommandVerb,
  MAX_COMMAND_BYTES,
} from './commandTypes.js';
import { InspectionOnDemand } from './inspectionOnDemand.js';
import { commandSubject } from './subjects.js';

type Handlers = {
  [V in CommandVerb]: (args: ClusterCommands[V]['args']) => Promise<ClusterCommands[V]['result']>;
};

/**
 * Answers the commands for one Asterisk (`octostate.<asterisk>.cmd.<verb>`, a queue group so that
 * only one subscriber answers) with the runtime that supervises it. Only the lease holder
 * subscribes: the node that takes an Asterisk over starts answering, a fenced one stops.
 */
export function answerCommands(
  nc: NatsConnection,
  asterisk: string,
  node: string,
  runtime: Runtime,
): { stop(): void } {
  const callOf = (target: ChannelTarget): Call => {
    const uniqueid =
      'uniqueid' in target
        ? target.uniqueid
        : runtime.channels.byName(target.channel)?.getSnapshot().context.uniqueid;
    const call = uniqueid === undefined ? undefined : runtime.call(uniqueid);
    if (!call || call.hungUp)
      throw new NoSuchCallError(`No live channel ${JSON.stringify(target)} on ${asterisk}`);
    return call;
  };
  const inspection = new InspectionOnDemand(runtime, nc);
  const ref = (call: Call): CallRef => ({ uniqueid: call.uniqueid, name: call.name });
  const handlers: Handlers = {
    hangup: async (args) => {
      const call = callOf(args);
      await call.hangup(args.cause);
      return ref(call);
    },
    dtmf: async (args) => ref(await runtime.injectDtmf(args)),
    originate: async (args) => ref(await runtime.originate(args)),
    redirect: async (args) => {
      const call = callOf(args);
      await call.redirect({
        context: args.context,
        exten: args.exten,
        ...(args.priority === undefined ? {} : { priority: args.priority }),
      });
      return ref(call);
    },
    channels: async () =>
      runtime.channels.all().map((actor) => {
        const { context } = actor.getSnapshot();
        const flow = runtime.flow(context.uniqueid)?.getSnapshot();
        return {
          uniqueid: context.uniqueid,
          name: context.name,
          linkedid: context.linkedid,
          state: describeChannel(actor.getSnapshot()),
          context: context.dialplan.context,
          exten: context.dialplan.exten,
          ...(flow ? { flow: flow.value } : {}),
        };
      }),
    inspect: (args) => inspection.get(args.path),
    inspectStream: (args) => inspection.stream(args.path, args.inbox),
  };
  const subscriptions: Subscription[] = COMMAND_VERBS.map((verb) =>
    nc.subscribe(commandSubject(asterisk, verb), {
      queue: `octostate-${asterisk}`,
      callback: (error, message) => {
        if (error) return;
        void run(verb, message.data).then((reply) => message.respond(JSON.stringify(reply)));
      },
    }),
  );
  const run = async (verb: CommandVerb, data: Uint8Array): Promise<CommandReply> => {
    try {
      if (data.length > MAX_COMMAND_BYTES) {
        throw new ClusterCommandRequestError(
          `request of ${data.length} bytes is over ${MAX_COMMAND_BYTES}`,
        );
      }
      let args: unknown;
      try {
        args = data.length === 0 ? {} : JSON.parse(new TextDecoder().decode(data));
      } catch {
        throw new ClusterCommandRequestError('request is not JSON');
      }
      if (typeof args !== 'object' || args === null)
        throw new ClusterCommandRequestError('request is not a JSON object');
      const result = await (handlers[verb] as (args: unknown) => Promise<unknown>)(args);
      return { ok: true, result, node };
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      return { ok: false, error: { name, message }, node };
    }
  };
  return {
    stop: () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
      inspection.stop();
    },
  };
}
