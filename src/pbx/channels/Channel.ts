import type { Clock } from '../clock.js';
import { ChannelState } from './channelState.js';
import type { Control } from './control.js';

/** Why a wait ended. */
export type WakeReason =
  | { readonly kind: 'timeout' }
  | { readonly kind: 'hangup' }
  | { readonly kind: 'digit'; readonly digit: string };

/** What a channel is driven by: the dialplan, an application an Originate runs, or a Dial(). */
export type ChannelOwner = 'none' | 'pbx' | 'app' | 'dialed';

/** Properties a channel starts with. */
export interface ChannelInit {
  readonly name: string;
  readonly tech: string;
  readonly uniqueid: string;
  readonly linkedid: string;
  readonly state: number;
  readonly context: string;
  readonly exten: string;
  /** Device whose state DeviceStateChange reports (`Local/401@default`). */
  readonly device: string;
  readonly createdAt: number;
}

/**
 * One live channel: what its snapshot shows in events (state, caller ID, dialplan location,
 * variables) plus what the PBX needs to drive it (hangup requests, waiting for digits).
 */
export class Channel {
  readonly name: string;
  readonly tech: string;
  readonly uniqueid: string;
  linkedid: string;
  state: number;
  callerNum = '<unknown>';
  callerName = '<unknown>';
  connectedNum = '<unknown>';
  connectedName = '<unknown>';
  language = 'en';
  accountCode = '';
  context: string;
  exten: string;
  priority = 1;
  readonly device: string;
  readonly createdAt: number;
  /** When the channel went up (Dial() reports ANSWEREDTIME from it). */
  answeredAt: number | undefined;
  readonly vars = new Map<string, string>();
  /** The other half of a Local pair. */
  partner: Channel | undefined;
  /** 1 or 2 for Local halves. */
  half: 1 | 2 | undefined;
  owner: ChannelOwner = 'none';
  /** Application and data currently running (CoreShowChannels, Status, core show channels). */
  app = '';
  appData = '';
  /** Set when the dialplan location does not exist: DeviceStateChange says INVALID. */
  invalid = false;
  hangupCause = 0;
  hangupRequested = false;
  destroyed = false;
  /** Bridge the channel is in, by BridgeUniqueid. */
  bridgeId: string | undefined;
  /** In AsyncAGI: the session object (see agi/AsyncAgi.ts). */
  agi: unknown;
  /** Run once the channel is gone (after its Hangup event): Dial() tears the bridge down here. */
  readonly afterHangup: (() => void)[] = [];
  /**
   * Whoever reads this outgoing channel while it is being called (Dial(), an Originate): told
   * of each control frame the far end sends (ringing, answer, busy, congestion, progress).
   */
  controlHook: ((control: Control) => void) | undefined;
  private readonly waiters = new Set<(r: WakeReason) => void>();
  private readonly digitWaiters = new Set<(r: WakeReason) => void>();
  private readonly hangupListeners = new Set<() => void>();

  constructor(init: ChannelInit) {
    this.name = init.name;
    this.tech = init.tech;
    this.uniqueid = init.uniqueid;
    this.linkedid = init.linkedid;
    this.state = init.state;
    this.context = init.context;
    this.exten = init.exten;
    this.device = init.device;
    this.createdAt = init.createdAt;
  }

  get isUp(): boolean {
    return this.state === ChannelState.Up;
  }

  /**
   * Asks the channel's driver to stop (the application returns -1); a non-zero `cause` becomes the
   * channel's. Emits nothing by itself: callers publish HangupRequest / SoftHangupRequest where
   * Asterisk does.
   */
  requestHangup(cause?: number): void {
    // Reading a hangup frame that carries a cause replaces the channel's own (Asterisk's ast_read).
    if (cause) this.hangupCause = cause;
    if (this.hangupRequested) return;
    this.hangupRequested = true;
    for (const w of [...this.waiters]) w({ kind: 'hangup' });
    for (const l of [...this.hangupListeners]) l();
  }

  /** Called once when a hangup is requested (immediately if it already was). Returns an unsubscribe. */
  onHangup(fn: () => void): () => void {
    if (this.hangupRequested) {
      queueMicrotask(fn);
      return () => {};
    }
    this.hangupListeners.add(fn);
    return () => this.hangupListeners.delete(fn);
  }

  /** Digits that arrived while nothing was reading the channel (between two applications). */
  private readonly digitQueue: string[] = [];

  /**
   * A DTMF digit reached the channel. A wait that accepts digits gets it; an application that
   * reads media but not digits (Playback, Wait) swallows it, as Asterisk drops the frame; with
   * nothing running yet it is queued for the next digit reader.
   */
  receiveDigit(digit: string): boolean {
    const first = this.digitWaiters.values().next();
    if (!first.done) {
      first.value({ kind: 'digit', digit });
      return true;
    }
    if (this.waiters.size === 0) this.digitQueue.push(digit);
    return false;
  }

  /**
   * Waits `ms` (negative: forever) on the PBX clock; a hangup request ends it early, and so does a
   * digit when `digits` is set. Aborting `signal` ends it as a timeout (a FastAGI command arrived).
   */
  wait(clock: Clock, ms: number, digits = false, signal?: AbortSignal): Promise<WakeReason> {
    if (this.interrupted) return Promise.resolve({ kind: 'hangup' });
    if (signal?.aborted) return Promise.resolve({ kind: 'timeout' });
    const queued = this.digitQueue.shift();
    if (queued !== undefined) {
      if (digits) return Promise.resolve({ kind: 'digit', digit: queued });
      this.digitQueue.length = 0;
    }
    return new Promise((resolve) => {
      const timer = ms >= 0 ? clock.setTimer(() => done({ kind: 'timeout' }), ms) : undefined;
      const aborted = () => done({ kind: 'timeout' });
      const done = (r: WakeReason) => {
        if (timer !== undefined) clock.clearTimer(timer);
        signal?.removeEventListener('abort', aborted);
        this.waiters.delete(done);
        this.digitWaiters.delete(done);
        resolve(r);
      };
      signal?.addEventListener('abort', aborted, { once: true });
      this.waiters.add(done);
      if (digits) this.digitWaiters.add(done);
    });
  }

  /** Where a Redirect sends the channel once its current application has stopped. */
  pendingRedirect: { context: string; exten: string; priority: number } | undefined;

  /**
   * Redirect: a soft hang-up that is undone once the current application has stopped (Asterisk's
   * AST_SOFTHANGUP_ASYNCGOTO); its waits end as if the channel hung up.
   */
  redirectTo(loc: { context: string; exten: string; priority: number }): void {
    this.pendingRedirect = loc;
    for (const w of [...this.waiters]) w({ kind: 'hangup' });
  }

  /** A hang-up or a Redirect is pending: applications stop (ast_check_hangup). */
  get interrupted(): boolean {
    return this.hangupRequested || this.pendingRedirect !== undefined;
  }

  /** Context, extension and priority as last published (Newexten comes when they change). */
  shownLocation: string | undefined;

  /**
   * The location events still show after a Redirect moved the channel, until its next snapshot
   * (Asterisk's events carry the last published snapshot).
   */
  staleLocation: { context: string; exten: string; priority: number } | undefined;

  /** Wakes every wait (used when the PBX stops) as if the channel were hung up. */
  abortWaits(): void {
    for (const w of [...this.waiters]) w({ kind: 'hangup' });
  }
}
