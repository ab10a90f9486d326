import { randomBytes } from 'node:crypto';
import type { AmiClient } from '../connection/client.js';
import { type AgiResult, parseAgiResult } from '../protocol/agiResult.js';
import { AgiError, AgiSessionEndedError, AmiError } from '../protocol/errors.js';
import type { AmiMessage } from '../protocol/message.js';

/** Per-command settings. */
export interface AgiCommandOptions {
  /** How long to wait for the command's `AsyncAGIExec`, in ms. Default: the tracker's. */
  timeoutMs?: number;
}

interface PendingCommand {
  readonly uniqueid: string;
  readonly command: string;
  readonly resolve: (result: AgiResult) => void;
  readonly reject: (error: Error) => void;
  readonly origin: Error;
  timer: NodeJS.Timeout | undefined;
}

const PROCESS_TAG = randomBytes(3).toString('hex');
let trackers = 0;

/**
 * Runs AsyncAGI commands over AMI and matches their results.
 *
 * Each command goes out as `Action: AGI` with a `CommandID` of ours; Asterisk acknowledges the action
 * at once (`Added AGI command to queue`) and reports the outcome later in an `AsyncAGIExec` that
 * carries the same CommandID (`AGIExecStart`/`AGIExecEnd` carry Asterisk's own id and are ignored).
 * The tracker settles the command then, or rejects it when the channel's AGI session ends, the
 * channel hangs up, or the result does not come in time. It must see every AMI event: the runtime
 * feeds it with {@link AgiCommandTracker.handleEvent}.
 *
 * @example
 * const agi = new AgiCommandTracker(ami);
 * ami.bus.on('event', (event) => agi.handleEvent(event));
 * const result = await agi.run({ channel: 'Local/403@default-00000001;2', uniqueid: '1795808408.3' }, 'ANSWER');
 */
export class AgiCommandTracker {
  private readonly pending = new Map<string, PendingCommand>();
  private readonly prefix = `agi-${PROCESS_TAG}-${++trackers}-`;
  private sequence = 0;

  constructor(
    private readonly client: Pick<AmiClient, 'action'>,
    private readonly defaultTimeoutMs = 30_000,
  ) {}

  /** How many commands wait for their result. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Sends one AGI command line to a channel in AsyncAGI and resolves with its parsed `200` result;
   * rejects with the typed AGI errors of {@link parseAgiResult}, `AgiSessionEndedError` (AGI ended or
   * the channel hung up first), `AgiError` wrapping the AMI error when Asterisk refuses the action, or
   * an `AgiError` on timeout.
   */
  run(
    target: { channel: string; uniqueid: string },
    command: string,
    options: AgiCommandOptions = {},
    /** Whose stack a rejection carries: made by the caller when the command was queued first. */
    origin: Error = new Error(command),
  ): Promise<AgiResult> {
    const commandId = `${this.prefix}${++this.sequence}`;
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<AgiResult>((resolve, reject) => {
      const entry: PendingCommand = {
        uniqueid: target.uniqueid,
        command,
        resolve,
        reject,
        origin,
        timer: setTimeout(() => {
          this.settle(
            commandId,
            undefined,
            new AgiError(`${command}: no AGI result within ${timeoutMs} ms`, 0),
          );
        }, timeoutMs),
      };
      entry.timer?.unref?.();
      this.pending.set(commandId, entry);
      this.client
        .action('AGI', { Channel: target.channel, Command: command, CommandID: commandId })
        .catch((error: unknown) => {
          const reason = error instanceof Error ? error : new AmiError(String(error));
          this.settle(
            commandId,
            undefined,
            new AgiError(`${command}: ${reason.message}`, 0, undefined, { cause: reason }),
          );
        });
    });
  }

  /** Feed every AMI event: settles commands on `AsyncAGIExec`, fails them on `AsyncAGIEnd`/`Hangup`. */
  handleEvent(event: AmiMessage): void {
    if (this.pending.size === 0) return;
    switch (event.name) {
      case 'AsyncAGIExec': {
        const commandId = event.get('CommandID');
        if (commandId === undefined || !this.pending.has(commandId)) return;
        const result = event.get('Result') ?? '';
        try {
          this.settle(commandId, parseAgiResult(result, { encoded: true }));
        } catch (error) {
          this.settle(commandId, undefined, error as Error);
        }
        return;
      }
      case 'AsyncAGIEnd':
      case 'Hangup': {
        const uniqueid = event.get('Uniqueid');
        if (uniqueid !== undefined)
          this.endSession(uniqueid, event.name === 'Hangup' ? 'hung up' : 'left AGI');
        return;
      }
      default:
        return;
    }
  }

  /** Rejects every command pending on a channel (its AGI ended, it hung up, or we lost the link). */
  endSession(uniqueid: string, why: string): void {
    for (const [commandId, entry] of this.pending) {
      if (entry.uniqueid !== uniqueid) continue;
      this.settle(
        commandId,
        undefined,
        new AgiSessionEndedError(`${entry.command}: the channel ${why} before the result`, 0),
      );
    }
  }

  /** Rejects everything (the runtime is closing or the AMI connection dropped). */
  clear(why: string): void {
    for (const [commandId, entry] of this.pending) {
      this.settle(commandId, undefined, new AgiSessionEndedError(`${entry.command}: ${why}`, 0));
    }
  }

  private settle(commandId: string, result: AgiResult | undefined, error?: Error): void {
    const entry = this.pending.get(commandId);
    if (!entry) return;
    this.pending.delete(commandId);
    clearTimeout(entry.timer);
    // Every rejection carries the caller's frames: the failure is reported far from its cause.
    if (error) entry.reject(withStack(error, entry.origin));
    else if (result) entry.resolve(result);
  }
}

/** Gives `error` the caller's stack frames (those of `origin`), keeping its own message. */
function withStack<E extends Error>(error: E, origin: Error): E {
  const frames = origin.stack?.split('\n').slice(1).join('\n');
  if (frames) error.stack = `${error.name}: ${error.message}\n${frames}`;
  return error;
}
