import type { Socket } from 'node:net';
import { type AgiResult, parseAgiResult } from '../../protocol/agiResult.js';
import { AgiError, AgiNotInAgiError, AgiSessionEndedError } from '../../protocol/errors.js';
import { withStack } from '../../protocol/pendingRequests.js';
import type { AgiSendOptions, AgiSessionEnd, AgiTransport } from '../agiTransport.js';
import { type AgiRequest, parseAgiRequest } from './agiRequest.js';

/** Bounds and timing of one FastAGI connection. */
export interface FastAgiSessionOptions {
  /** How long a command sent with `run` waits for its reply, in ms. Default 30 s. */
  readonly commandTimeoutMs?: number;
  /** Commands waiting behind the one on the wire; one more is refused at once. Default 100. */
  readonly maxQueuedCommands?: number;
}

/** What a session needs from the reader of its socket. */
export interface FastAgiInput {
  /** Called with each reply, `HANGUP` notice and the end of the input. */
  attach(sink: { reply(text: string): void; hangup(): void; failed(error: Error): void }): void;
}

interface PendingCommand {
  readonly line: string;
  readonly resolve: (result: AgiResult) => void;
  readonly reject: (error: Error) => void;
  readonly timeoutMs: number;
  timer?: NodeJS.Timeout;
}

/**
 * One FastAGI connection from Asterisk: the channel's AGI environment (with the script path, query
 * and arguments of the `agi://` URL) and its commands, written one at a time on the socket, each
 * settled by its reply: `200` resolves, `510`/`511`/`520` reject with the typed AGI errors.
 *
 * A `HANGUP` line means the channel hung up: Asterisk goes on answering (media commands `511`,
 * `GET VARIABLE` and the like still work) until the connection ends, which {@link close} does (the
 * runtime closes it when the call's handler is done). When the connection ends, the command on the
 * wire and those queued reject with `AgiSessionEndedError`, then the session's end is announced
 * (`onEnd`): `hangup` if Asterisk wrote `HANGUP` first, `left` if we closed it, `lost` otherwise.
 *
 * @example
 * const { result } = await session.send('ANSWER', { timeoutMs: 5_000, origin: new Error('ANSWER') });
 * session.on('hangup', () => log.info('caller gone'));
 * await session.close();
 */
export class FastAgiSession implements AgiTransport {
  readonly kind = 'fast';
  /** The `agi_*` environment Asterisk sent. */
  readonly env: Readonly<Record<string, string>>;
  /** The script path, query and arguments of the `agi://` URL. */
  readonly request: AgiRequest;
  private readonly queue: PendingCommand[] = [];
  private inFlight: PendingCommand | undefined;
  private hungUpFlag = false;
  private endedFlag = false;
  private endError: Error | undefined;
  private closedByUs = false;
  private readonly listeners = { hangup: new Set<() => void>(), end: new Set<() => void>() };
  private readonly endListeners = new Set<(end: AgiSessionEnd) => void>();
  private readonly commandTimeoutMs: number;
  private readonly maxQueuedCommands: number;

  constructor(
    private readonly socket: Socket,
    input: FastAgiInput,
    env: Readonly<Record<string, string>>,
    options: FastAgiSessionOptions = {},
  ) {
    this.env = env;
    this.request = parseAgiRequest(env);
    this.commandTimeoutMs = options.commandTimeoutMs ?? 30_000;
    this.maxQueuedCommands = options.maxQueuedCommands ?? 100;
    socket.on('error', (error) => {
      this.endError ??= error;
    });
    socket.on('close', () => this.finish());
    input.attach({
      reply: (text) => this.settle(text),
      hangup: () => this.markHungUp(),
      failed: (error) => {
        this.endError ??= error;
        socket.destroy();
      },
    });
  }

  /** The channel's Uniqueid (`agi_uniqueid`). */
  get uniqueid(): string {
    return this.env.agi_uniqueid ?? '';
  }

  /** The channel's name when the connection opened (`agi_channel`). */
  get channel(): string {
    return this.env.agi_channel ?? '';
  }

  /** Whether Asterisk wrote `HANGUP`: the channel hung up (the call or an AGI `HANGUP`). */
  get hungUp(): boolean {
    return this.hungUpFlag;
  }

  /** Whether the connection is over (closed by either side). */
  get ended(): boolean {
    return this.endedFlag;
  }

  /** Whether commands can be sent: the connection is open (after `HANGUP` too: dead mode). */
  get active(): boolean {
    return !this.endedFlag;
  }

  /** Why the connection ended, when it was not an orderly close. */
  get error(): Error | undefined {
    return this.endError;
  }

  /** Commands on the wire or waiting. */
  get pendingCommands(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  /** Listen for the `HANGUP` notice or the end of the connection; returns an unsubscribe. */
  on(event: 'hangup' | 'end', listener: () => void): () => void {
    if (event === 'end' && this.endedFlag) {
      queueMicrotask(listener);
      return () => {};
    }
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /**
   * Sends one command line and resolves with its `200` reply; rejects with the typed AGI errors of
   * `parseAgiResult`, `AgiNotInAgiError` once the connection has ended, `AgiSessionEndedError` when
   * it ends before the reply, or `AgiError` on timeout or when too many commands wait.
   */
  send(line: string, { timeoutMs, origin }: AgiSendOptions): Promise<AgiResult> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(withStack(error, origin));
      if (this.endedFlag) {
        const why = `${line}: the FastAGI connection of ${this.channel} has ended`;
        fail(new AgiNotInAgiError(why, 0, undefined, { cause: this.endError }));
      } else if (/[\r\n]/.test(line)) {
        fail(new AgiError(`AGI command contains a line break: ${JSON.stringify(line)}`, 0));
      } else if (this.queue.length >= this.maxQueuedCommands) {
        fail(new AgiError(`${line}: ${this.maxQueuedCommands} commands already wait`, 0));
      } else {
        this.queue.push({ line, resolve, reject: fail, timeoutMs });
        this.next();
      }
    });
  }

  /**
   * Like {@link send}, with the session's default command timeout.
   *
   * @example
   * await session.run('ANSWER');
   */
  run(line: string, timeoutMs = this.commandTimeoutMs): Promise<AgiResult> {
    return this.send(line, { timeoutMs, origin: new Error(line) });
  }

  onEnd(listener: (end: AgiSessionEnd) => void): () => void {
    if (this.endedFlag) {
      const end = this.endReason();
      queueMicrotask(() => listener(end));
      return () => {};
    }
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /**
   * Ends the connection (the AGI script is done): Asterisk goes on with the dialplan, or ends a
   * channel that hung up. Commands still waiting reject. Resolves once the socket is closed; a peer
   * that does not close its side within `graceMs` is cut off.
   */
  close(graceMs = 2_000): Promise<void> {
    if (this.endedFlag) return Promise.resolve();
    this.closedByUs = true;
    return new Promise((resolve) => {
      this.on('end', resolve);
      const timer = setTimeout(() => this.socket.destroy(), graceMs);
      timer.unref?.();
      this.on('end', () => clearTimeout(timer));
      this.socket.end();
    });
  }

  /** Cuts the connection at once. */
  destroy(error?: Error): void {
    if (error) this.endError ??= error;
    this.socket.destroy();
  }

  private next(): void {
    if (this.inFlight || this.endedFlag) return;
    const command = this.queue.shift();
    if (!command) return;
    this.inFlight = command;
    command.timer = setTimeout(() => {
      const error = new AgiError(`${command.line}: no AGI reply within ${command.timeoutMs} ms`, 0);
      this.inFlight = undefined;
      command.reject(error);
      // Without that reply the stream can no longer pair replies with commands: end it.
      this.destroy(error);
    }, command.timeoutMs);
    command.timer.unref?.();
    this.socket.write(`${command.line}\n`);
  }

  private settle(text: string): void {
    const command = this.inFlight;
    if (!command) {
      this.destroy(
        new AgiError(`FastAGI: a reply with no command waiting: ${text.slice(0, 100)}`, 0),
      );
      return;
    }
    this.inFlight = undefined;
    clearTimeout(command.timer);
    try {
      command.resolve(parseAgiResult(text));
    } catch (error) {
      command.reject(error as Error);
    }
    this.next();
  }

  private markHungUp(): void {
    if (this.hungUpFlag) return;
    this.hungUpFlag = true;
    for (const listener of [...this.listeners.hangup]) listener();
  }

  private finish(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    const waiting = this.inFlight ? [this.inFlight, ...this.queue] : [...this.queue];
    this.inFlight = undefined;
    this.queue.length = 0;
    for (const command of waiting) {
      clearTimeout(command.timer);
      command.reject(
        new AgiSessionEndedError(
          `${command.line}: the FastAGI connection ended before the reply`,
          0,
          undefined,
          { cause: this.endError },
        ),
      );
    }
    this.listeners.hangup.clear();
    const ended = [...this.listeners.end];
    this.listeners.end.clear();
    for (const listener of ended) listener();
    const end = this.endReason();
    const endListeners = [...this.endListeners];
    this.endListeners.clear();
    for (const listener of endListeners) listener(end);
  }

  private endReason(): AgiSessionEnd {
    if (this.hungUpFlag) return { reason: 'hangup' };
    return { reason: this.closedByUs && !this.endError ? 'left' : 'lost' };
  }
}
