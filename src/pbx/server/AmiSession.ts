import type { Socket } from 'node:net';
import type { AmiMessage } from '../../protocol/message.js';
import { AmiParser } from '../../protocol/parser.js';
import { formatMessage } from '../../protocol/serialize.js';
import type { ManagerUser } from '../config/managerConf.js';
import type { Fields, PbxEvent } from '../events/types.js';

/** Events held while an action runs, at most (a synchronous Originate can take 30 s). */
const MAX_HELD_EVENTS = 10_000;

/** Largest action the server accepts; bigger ones are dropped (Asterisk caps a request too). */
const MAX_ACTION_BYTES = 64 * 1024;

let sessionCounter = 0;

/**
 * One AMI client connection: its parser, login state, permissions and event filter. The server
 * decides what to do with each action; the session only frames bytes.
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
  readonly connectedAt: number;
  private readonly parser: AmiParser;
  /** Actions are handled one after the other, as Asterisk's session thread does. */
  private chain: Promise<void> = Promise.resolve();
  /**
   * Events that came while this session's action ran: Asterisk's session thread writes a
   * session's events only between actions, so they follow the action's response (a synchronous
   * Originate answers before the events of its call). Bounded by MAX_HELD_EVENTS.
   */
  private held: PbxEvent[] | undefined;

  constructor(
    readonly socket: Socket,
    now: number,
    onAction: (session: AmiSession, message: AmiMessage) => Promise<void> | void,
  ) {
    sessionCounter += 1;
    this.id = `0x7f32${(0x10000 + sessionCounter * 0x1460).toString(16).padStart(8, '0')}`;
    this.connectedAt = now;
    this.parser = new AmiParser(
      {
        message: (m) => {
          this.chain = this.chain.then(() => this.run(m, onAction)).catch(() => {});
        },
        // Garbage and oversize input are dropped; the session carries on, as Asterisk does.
        error: () => {},
      },
      { expectBanner: false, maxMessageBytes: MAX_ACTION_BYTES },
    );
    socket.on('data', (chunk: Buffer) => this.parser.push(chunk));
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
    this.socket.write(formatMessage(fields));
  }

  /** Writes raw text (the banner). */
  sendRaw(text: string): void {
    if (!this.closed) this.socket.write(text);
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

  /** Runs one action, holding the session's events until it is over. */
  private async run(
    m: AmiMessage,
    onAction: (session: AmiSession, message: AmiMessage) => Promise<void> | void,
  ): Promise<void> {
    if (this.closed) return;
    this.held = [];
    try {
      await onAction(this, m);
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
    this.socket.end();
  }

  /** Closes at once (server stop). */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
