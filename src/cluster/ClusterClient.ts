import {
  type NatsConnection,
  NoRespondersError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import type { InjectDtmfOptions, OriginateOptions } from '../calls/originateOptions.js';
import type {
  CallRef,
  ChannelSummary,
  ChannelTarget,
  ClusterCommands,
  CommandReply,
  CommandVerb,
} from './commandTypes.js';
import { checkAsteriskId, commandSubject } from './subjects.js';

/** Base of the errors of cluster commands. */
export class ClusterCommandError extends Error {
  override readonly name: string = 'ClusterCommandError';
}

/** No node supervises that Asterisk right now (nobody answered: no lease holder, or mid-failover). */
export class NoOwnerError extends ClusterCommandError {
  override readonly name = 'NoOwnerError';
}

/** The owning node did not answer in time (the command may still have run). */
export class ClusterTimeoutError extends ClusterCommandError {
  override readonly name = 'ClusterTimeoutError';
}

/** The owning node ran the command and it failed there; `remoteName` is the error's class there. */
export class RemoteCommandError extends ClusterCommandError {
  override readonly name = 'RemoteCommandError';
  constructor(
    message: string,
    /** The failure's `name` on the owning node (`NoSuchCallError`, `OriginateError`...). */
    readonly remoteName: string,
    /** The node that answered. */
    readonly node: string | undefined,
  ) {
    super(message);
  }
}

/** Default time to wait for an answer, in ms (an `originate` waits for its call to be answered). */
const DEFAULT_TIMEOUT_MS = 10_000;
const ORIGINATE_TIMEOUT_MS = 90_000;

/**
 * Acts on the calls of any Asterisk of the cluster from any process connected to NATS: each
 * method is a NATS request to `octostate.<asterisk>.cmd.<verb>`, answered by the node that holds
 * that Asterisk's lease. Errors are created when the request is sent, so their stack points at
 * the caller.
 *
 * @example
 * const client = new ClusterClient(nc);
 * await client.injectDtmf('pbx2', { exten: '500', digit: '1' });
 * const call = await client.originate('pbx1', { channel: 'PJSIP/alice', context: 'default', exten: '401' });
 * await client.hangup('pbx1', { uniqueid: call.uniqueid });
 */
export class ClusterClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  hangup(asterisk: string, target: ChannelTarget & { cause?: number }): Promise<CallRef> {
    return this.command(asterisk, 'hangup', target);
  }

  injectDtmf(asterisk: string, options: InjectDtmfOptions): Promise<CallRef> {
    return this.command(asterisk, 'dtmf', options);
  }

  originate(asterisk: string, options: OriginateOptions): Promise<CallRef> {
    return this.command(asterisk, 'originate', options, ORIGINATE_TIMEOUT_MS);
  }

  redirect(
    asterisk: string,
    target: ChannelTarget & { context: string; exten: string; priority?: number },
  ): Promise<CallRef> {
    return this.command(asterisk, 'redirect', target);
  }

  channels(asterisk: string): Promise<ChannelSummary[]> {
    return this.command(asterisk, 'channels', {});
  }

  /** Sends any command and resolves with its result; rejects with a {@link ClusterCommandError}. */
  async command<V extends CommandVerb>(
    asterisk: string,
    verb: V,
    args: ClusterCommands[V]['args'],
    timeoutMs = this.timeoutMs,
  ): Promise<ClusterCommands[V]['result']> {
    const subject = commandSubject(checkAsteriskId(asterisk), verb);
    const failure = new ClusterCommandError(`${verb} on ${asterisk}`);
    let reply: CommandReply;
    try {
      const message = await this.nc.request(subject, JSON.stringify(args), { timeout: timeoutMs });
      reply = message.json<CommandReply>();
    } catch (error) {
      throw restack(classify(error, verb, asterisk, timeoutMs), failure);
    }
    if (!reply.ok) {
      throw restack(
        new RemoteCommandError(reply.error.message, reply.error.name, reply.node),
        failure,
      );
    }
    return reply.result as ClusterCommands[V]['result'];
  }
}

function classify(error: unknown, verb: string, asterisk: string, timeoutMs: number): Error {
  const cause = error instanceof RequestError ? (error.cause ?? error) : error;
  if (
    cause instanceof NoRespondersError ||
    (error instanceof RequestError && error.isNoResponders())
  ) {
    return new NoOwnerError(`${verb}: no node supervises ${asterisk} now`, { cause: error });
  }
  if (cause instanceof TimeoutError) {
    return new ClusterTimeoutError(`${verb} on ${asterisk}: no answer in ${timeoutMs} ms`, {
      cause: error,
    });
  }
  return new ClusterCommandError(`${verb} on ${asterisk}: ${String(error)}`, { cause: error });
}

/** Gives `error` the stack of `sentAt` (made where the caller sent the request). */
function restack<E extends Error>(error: E, sentAt: Error): E {
  if (sentAt.stack)
    error.stack = `${error.name}: ${error.message}\n${sentAt.stack.split('\n').slice(1).join('\n')}`;
  return error;
}
