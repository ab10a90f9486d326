import type { Channel } from '../channels/Channel.js';

/** One AGI command queued by the `AGI` action. */
export interface QueuedAgiCommand {
  readonly command: string;
  /** The client's CommandID, echoed in AsyncAGIExec. */
  readonly commandId: string;
}

/**
 * The AsyncAGI state of a channel: the command queue the `AGI` action fills. It is created the
 * first time the channel enters AsyncAGI and stays until the channel is gone.
 */
export class AsyncAgiSession {
  readonly queue: QueuedAgiCommand[] = [];
  /** Whether AGI(agi:async) is running now (its commands are being executed). */
  running = false;

  enqueue(cmd: QueuedAgiCommand): void {
    this.queue.push(cmd);
  }
}

/** The AsyncAGI session of a channel, when it is in `AGI(agi:async)`. */
export function agiSessionOf(ch: Channel): AsyncAgiSession | undefined {
  return ch.agi instanceof AsyncAgiSession ? ch.agi : undefined;
}
