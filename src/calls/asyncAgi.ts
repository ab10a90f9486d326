import { randomBytes } from 'node:crypto';
import type { AmiClient } from '../connection/client.js';
import type { ChannelActorRef, ChannelSnapshot } from '../machines/channel/channelSnapshot.js';
import { hasHungUp, isInAgi } from '../machines/channel/channelSnapshot.js';
import { type AgiResult, parseAgiResult } from '../protocol/agiResult.js';
import { AgiError, AgiNotInAgiError, AgiSessionEndedError, AmiError } from '../protocol/errors.js';
import { type Clock, PendingRequests, realClock, withStack } from '../protocol/pendingRequests.js';
import type { AgiSendOptions, AgiSessionEnd, AgiTransport } from './agiTransport.js';

const PROCESS_TAG = randomBytes(3).toString('hex');
let hubs = 0;

/** What the runtime knows of one AGI command waiting for its result. */
interface CommandInfo {
  readonly uniqueid: string;
  readonly line: string;
}

/**
 * AsyncAGI over one AMI connection: hands out the {@link AsyncAgiTransport} of each channel and
 * keeps every command waiting for its result in one place, so that a lost connection fails them
 * all at once and `size` shows what is outstanding.
 *
 * @example
 * const asyncAgi = new AsyncAgi(ami, clock);
 * const call = new AgiChannel(asyncAgi.transport(channelActor));
 * await call.answer();
 */
export class AsyncAgi {
  /** Commands sent and not yet answered, by the `CommandID` we gave them. */
  readonly pending: PendingRequests<AgiResult, CommandInfo>;
  private readonly prefix = `agi-${PROCESS_TAG}-${++hubs}-`;
  private sequence = 0;

  constructor(
    readonly client: Pick<AmiClient, 'action'>,
    clock: Clock = realClock,
  ) {
    this.pending = new PendingRequests(clock);
  }

  /** How many commands wait for their result. */
  get size(): number {
    return this.pending.size;
  }

  /** The AsyncAGI session of a channel, as an {@link AgiTransport}. */
  transport(channel: ChannelActorRef): AsyncAgiTransport {
    return new AsyncAgiTransport(channel, this);
  }

  /** A `CommandID` no other command of this process carries. */
  nextCommandId(): string {
    return `${this.prefix}${++this.sequence}`;
  }

  /** Fails every command still waiting (the AMI connection dropped, or the runtime closes). */
  fail(why: string): void {
    this.pending.rejectAll(({ line }) => new AgiSessionEndedError(`${line}: ${why}`, 0));
  }
}

/**
 * The AsyncAGI session of one channel: a command is `Action: AGI` with a `CommandID` of ours;
 * Asterisk acknowledges the action at once and reports the outcome in an `AsyncAGIExec` carrying
 * that CommandID, which the channel actor receives like every event about its channel and
 * announces (`agi.result`). The session is the channel actor's `agi` region: a command fails when
 * the channel leaves `inAgi` (`AsyncAGIEnd`) or hangs up before its result.
 */
export class AsyncAgiTransport implements AgiTransport {
  readonly kind = 'async';
  private readonly endListeners = new Set<(end: AgiSessionEnd) => void>();
  private watching = false;
  private wasInAgi = false;

  constructor(
    private readonly channel: ChannelActorRef,
    private readonly hub: AsyncAgi,
  ) {}

  get active(): boolean {
    return isInAgi(this.channel.getSnapshot());
  }

  get env(): Readonly<Record<string, string>> | undefined {
    return this.channel.getSnapshot().context.agi.env;
  }

  send(line: string, { timeoutMs, origin }: AgiSendOptions): Promise<AgiResult> {
    const snapshot = this.channel.getSnapshot();
    const name = snapshot.context.name;
    if (!isInAgi(snapshot)) {
      return Promise.reject(
        withStack(new AgiNotInAgiError(`${line}: ${name} is not in AsyncAGI`, 0), origin),
      );
    }
    this.watch();
    const commandId = this.hub.nextCommandId();
    const result = this.hub.pending.wait(commandId, {
      timeoutMs,
      timeoutError: () => new AgiError(`${line}: no AGI result within ${timeoutMs} ms`, 0),
      origin,
      meta: { uniqueid: snapshot.context.uniqueid, line },
    });
    this.hub.client
      .action('AGI', { Channel: name, Command: line, CommandID: commandId })
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error : new AmiError(String(error));
        this.hub.pending.reject(
          commandId,
          new AgiError(`${line}: ${reason.message}`, 0, undefined, { cause: reason }),
        );
      });
    return result;
  }

  onEnd(listener: (end: AgiSessionEnd) => void): () => void {
    this.watch();
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (!this.active) return;
    await this.send('ASYNCAGI BREAK', { timeoutMs: 30_000, origin: new Error('ASYNCAGI BREAK') });
  }

  /**
   * Follows the channel actor from the first command on: its `agi.result` announcements settle
   * commands, leaving `inAgi` ends the session. Both subscriptions end with the actor.
   */
  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    this.wasInAgi = this.active;
    this.channel.on('agi.result', ({ commandId, result }) => {
      if (!this.hub.pending.has(commandId)) return;
      try {
        this.hub.pending.resolve(commandId, parseAgiResult(result, { encoded: true }));
      } catch (error) {
        this.hub.pending.reject(commandId, error as Error);
      }
    });
    this.channel.subscribe({
      next: (snapshot) => this.follow(snapshot),
      complete: () => this.follow(this.channel.getSnapshot()),
      error: () => this.follow(this.channel.getSnapshot()),
    });
  }

  private follow(snapshot: ChannelSnapshot): void {
    const inAgi = isInAgi(snapshot);
    if (inAgi || !this.wasInAgi) {
      this.wasInAgi = inAgi;
      return;
    }
    this.wasInAgi = false;
    const hungUp = hasHungUp(snapshot);
    const uniqueid = snapshot.context.uniqueid;
    const why = hungUp ? 'hung up' : 'left AGI';
    this.hub.pending.rejectWhere(
      (command) => command.uniqueid === uniqueid,
      ({ line }) => new AgiSessionEndedError(`${line}: the channel ${why} before the result`, 0),
    );
    const end: AgiSessionEnd = { reason: hungUp ? 'hangup' : 'left' };
    for (const listener of [...this.endListeners]) listener(end);
  }
}
