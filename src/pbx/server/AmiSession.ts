import type { Socket } from 'node:net';
import { formatMessage } from '../../protocol/serialize.js';
import type { ManagerUser } from '../config/managerConf.js';
import type { Fields, PbxEvent } from '../events/types.js';
import { ActionReader, type ReadRequest } from './ActionReader.js';
import {
  DEFAULT_MAX_QUEUED_BYTES,
  DEFAULT_WRITE_TIMEOUT_MS,
  type OutputFailure,
  type OutputLimits,
  SessionOutput,
} from './SessionOutput.js';

/** Events held while an action runs, at most (a synchronous Originate can take 30 s). */
const MAX_HELD_EVENTS = 10_000;

/**
 * Requests read ahead of the one running, at most (plus those of the read that passed the bound):
 * then the session stops reading until they are done, and the client's further actions wait in
 * TCP. Asterisk's session thread reads nothing while it runs an action.
 */
const MAX_WAITING_REQUESTS = 256;

let sessionCounter = 0;

/** What a session needs from its server. */
export interface SessionHooks {
  /** Runs one request; the next waits for it. */
  request(session: AmiSession, request: ReadRequest): Promise<void> | void;
  /** The client stopped taking its output: the session is closing (Asterisk logs it off). */
  loggedOff?(session: AmiSession, why: OutputFailure): void;
}

/**
 * One AMI client connection: its action reader and output (each bounded as Asterisk bounds a
 * session), login state, permissions and event filter. The server decides what to do with each
 * action; the session only frames bytes.
 */
export class AmiSession {
  /** `0x7f...`-style id, as Asterisk prints a session pointer. */
  readonly id: string;
  user: ManagerUser | undefined;
  challenge: string | undefined;
  /** Events action: whether events flow, and which classes (undefined: all the user may read). */
  eventsOn = true;
  eventMask: ReadonlySet<string> | undefined;
  /** Set while a CLI `core restart` runs on this session: it sees nothing more. */
  muted = false;
  closed = false;
  /** Why the session's output gave up on its client, once it has. */
  outputFailure: OutputFailure | undefined;
  readonly connectedAt: number;
  readonly output: SessionOutput;
  private readonly reader = new ActionReader();
  /** Actions are handled one after the other, as Asterisk's session thread does. */
  private chain: Promise<void> = Promise.resolve();
  /** Requests read and not yet handled (see MAX_WAITING_REQUESTS). */
  private waiting = 0;
  /**
   * Events that came while this session's action ran: Asterisk's session thread writes a
   * session's events only between actions, so they follow the action's response (a synchronous
   * Originate answers before the events of its call). Bounded by MAX_HELD_EVENTS.
   */
  private held: PbxEvent[] | undefined;

  constructor(
    readonly socket: Socket,
    now: number,
    hooks: SessionHooks,
    limits: Partial<OutputLimits> = {},
  ) {
    sessionCounter += 1;
    this.id = `0x7f32${(0x10000 + sessionCounter * 0x1460).toString(16).padStart(8, '0')}`;
    this.connectedAt = now;
    const maxQueuedBytes = limits.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    const defaultTimeout = limits.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
    this.output = new SessionOutput(
      socket,
      () => ({ maxQueuedBytes, writeTimeoutMs: this.user?.writeTimeoutMs ?? defaultTimeout }),
      (why) => {
        this.outputFailure = why;
        hooks.loggedOff?.(this, why);
        this.destroy();
      },
    );
    socket.on('data', (chunk: Buffer) => {
      for (const request of this.reader.push(chunk)) {
        this.waiting += 1;
        this.chain = this.chain
          .then(() => this.run(request, hooks))
          .catch(() => {})
          .finally(() => {
            this.waiting -= 1;
            if (this.waiting <= MAX_WAITING_REQUESTS / 2 && socket.isPaused() && !this.closed) {
              socket.resume();
            }
          });
      }
      if (this.waiting >= MAX_WAITING_REQUESTS) socket.pause();
    });
  }

  /** Requests read and not yet handled: at most 256 plus one read's worth before reading stops. */
  get waitingRequests(): number {
    return this.waiting;
  }

  get localAddress(): string {
    return `IPV4/TCP/${this.socket.localAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1'}/${this.socket.localPort ?? 0}`;
  }

  get remoteAddress(): string {
    return `IPV4/TCP/${this.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1'}/${this.socket.remotePort ?? 0}`;
  }

  /** Writes one message. */
  send(fields: Fields): void {
    if (this.closed || this.muted) return;
    this.output.write(formatMessage(fields));
  }

  /** Writes raw text (the banner). */
  sendRaw(text: string): void {
    if (!this.closed) this.output.write(text);
  }

  /** Whether this session receives an event of class `cls`. */
  wants(cls: string): boolean {
    if (!this.user || !this.eventsOn || this.muted) return false;
    if (!this.user.read.has(cls)) return false;
    return this.eventMask === undefined || this.eventMask.has(cls);
  }

  sendEvent(e: PbxEvent): void {
    if (!this.wants(e.cls)) return;
    if (this.held) {
      // Past the bound the held events go out at once, early rather than lost.
      if (this.held.length < MAX_HELD_EVENTS) {
        this.held.push(e);
        return;
      }
      this.releaseHeld();
    }
    this.writeEvent(e);
  }

  private writeEvent(e: PbxEvent): void {
    this.send([['Event', e.name], ['Privilege', `${e.cls},all`], ...e.fields]);
  }

  /** Runs one request, holding the session's events until it is over. */
  private async run(request: ReadRequest, hooks: SessionHooks): Promise<void> {
    if (this.closed) return;
    this.held = [];
    try {
      await hooks.request(this, request);
    } finally {
      this.releaseHeld();
      this.held = undefined;
    }
  }

  private releaseHeld(): void {
    const held = this.held ?? [];
    this.held = held.length > 0 ? [] : this.held;
    for (const e of held) this.writeEvent(e);
  }

  /** Flushes what was written, then closes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.output.flushThenEnd();
  }

  /**
   * Closes at once: what waits to be written is dropped; what the kernel holds still reaches the
   * client, then the end of the stream (Asterisk's shutdown and close of a session).
   */
  destroy(): void {
    this.closed = true;
    this.held = undefined;
    this.output.stop();
    this.socket.destroy();
  }
}
