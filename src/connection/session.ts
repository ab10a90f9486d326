import type { AmiProtocolError } from '../protocol/errors.js';
import type { AmiMessage } from '../protocol/message.js';
import { AmiParser } from '../protocol/parser.js';
import { AmiConnectionClosedError } from './errors.js';
import type { Transport } from './transport.js';

/** Bound on the messages held back while logging in (a server sends next to none). */
const MAX_EARLY_MESSAGES = 1000;

/** Most time spent routing reads in a row before the socket is read again, in ms. */
const ROUTE_SLICE_MS = 5;

/** The event loop's check phase; captured once, so that tests' fake timers leave it alone. */
const nextCheckPhase: () => Promise<void> = (() => {
  const immediate = globalThis.setImmediate;
  return () => new Promise<void>((resolve) => void immediate(resolve));
})();

/** Where a {@link Session} hands what it reads. */
export interface SessionHandlers {
  /** Offered every message first; true when it answered a pending action. */
  answer(message: AmiMessage): boolean;
  /** A message for the bus (an event, or a response that answers nothing). */
  publish(message: AmiMessage): void;
  /** The server broke the framing; the parser has resynchronised. */
  protocolError(error: AmiProtocolError): void;
  /** The transport closed; `error` says why (`undefined`: in order). Called once, synchronously. */
  ended(session: Session, error: Error | undefined): void;
}

/**
 * One transport's life inside an `AmiConnection`: the parser reading it, its banner, the messages
 * held back until login completes, and why it ended. A reconnect starts a new session, so nothing
 * of the old one leaks into the next.
 */
export class Session {
  readonly transport: Transport;
  /** Resolves, with why it ended, once the transport is closed and every byte read was handled. */
  readonly done: Promise<Error | undefined>;
  /** The server's greeting line, once read. */
  banner: string | undefined;
  /** When bytes from the server were last read (`performance.now()`): proof that it is alive. */
  lastReadAt = Number.NEGATIVE_INFINITY;
  private readonly handlers: SessionHandlers;
  private readonly parser: AmiParser;
  /** Messages for the bus received before login completed; `undefined` once live. */
  private early: AmiMessage[] | undefined = [];
  private endError: Error | undefined;
  private isOver = false;
  private bannerWaiter: ((banner: string | Error) => void) | undefined;

  constructor(
    transport: Transport,
    handlers: SessionHandlers,
    options: { maxMessageBytes?: number | undefined } = {},
  ) {
    this.transport = transport;
    this.handlers = handlers;
    this.parser = new AmiParser(
      {
        banner: (text) => {
          this.banner = text;
          this.bannerWaiter?.(text);
        },
        message: (message) => this.dispatch(message),
        error: (error) => handlers.protocolError(error),
      },
      { maxMessageBytes: options.maxMessageBytes },
    );
    this.done = this.readLoop();
  }

  /** Whether the transport has closed. */
  get ended(): boolean {
    return this.isOver;
  }

  /** Writes an action's bytes. */
  send(wire: string): void {
    this.transport.send(wire);
  }

  /** Resolves with the banner line, or rejects if it does not come within `timeoutMs`. */
  waitForBanner(timeoutMs: number): Promise<string> {
    if (this.banner !== undefined) return Promise.resolve(this.banner);
    if (this.isOver) return Promise.reject(this.noBanner());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => settle(new AmiConnectionClosedError(`No AMI banner within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (result: string | Error): void => {
        clearTimeout(timer);
        this.bannerWaiter = undefined;
        if (typeof result === 'string') resolve(result);
        else reject(result);
      };
      this.bannerWaiter = settle;
    });
  }

  /** Logged in: publish what was held back, then every message as it comes. */
  goLive(): void {
    const early = this.early ?? [];
    this.early = undefined;
    for (const message of early) {
      if (this.isOver) return;
      this.handlers.publish(message);
    }
  }

  /** Closes the transport (recording `error` as the reason) and waits for the read loop's end. */
  async close(error?: Error): Promise<Error | undefined> {
    if (error) this.endError ??= error;
    await this.transport.close(error);
    return this.done;
  }

  private dispatch(message: AmiMessage): void {
    if (this.handlers.answer(message)) return;
    // Events that arrive with the login response (FullyBooted...) go out after `connected`.
    const early = this.early;
    if (early !== undefined && early.length < MAX_EARLY_MESSAGES) early.push(message);
    else this.handlers.publish(message);
  }

  private async readLoop(): Promise<Error | undefined> {
    try {
      let routingMs = 0;
      for await (const chunk of this.transport) {
        const readAt = performance.now();
        this.lastReadAt = readAt;
        this.parser.push(chunk);
        routingMs += performance.now() - readAt;
        // Routing for a while: let the poll phase move what else arrived into the transport's
        // buffer before routing more. A backlog then waits there rather than in full socket
        // buffers, where a real Asterisk, its writes blocked past `writetimeout` (100 ms by
        // default), drops the session.
        if (routingMs >= ROUTE_SLICE_MS) {
          routingMs = 0;
          await nextCheckPhase();
        }
      }
    } catch (error) {
      this.endError ??= error instanceof Error ? error : new Error(String(error));
    }
    this.isOver = true;
    const error = this.endError ?? this.transport.closeError;
    this.bannerWaiter?.(this.noBanner(error));
    this.handlers.ended(this, error);
    return error;
  }

  private noBanner(cause?: Error): AmiConnectionClosedError {
    return new AmiConnectionClosedError('The connection closed before the AMI banner', { cause });
  }
}
