import { Channel, type ChannelInit } from './channels/Channel.js';
import { ChannelState, causeText, deviceStateOf } from './channels/channelState.js';
import {
  type ChannelRequest,
  type ChannelTechnology,
  type OutboundLeg,
  splitDialString,
} from './channels/technology.js';
import { type Clock, TrackedClock } from './clock.js';
import type { ManagerConfig } from './config/managerConf.js';
import type { Dialplan, DialplanStep } from './dialplan/parseExtensions.js';
import { snapshot } from './events/channelEvents.js';
import type { Fields, PbxEvent } from './events/types.js';

/**
 * The PBX core: live channels, counters, global variables, the dialplan, and the event stream the
 * AMI server fans out to sessions. Everything that changes a channel goes through here so that
 * events carry the snapshot Asterisk would publish at that moment.
 */
export class Pbx {
  readonly channels = new Map<string, Channel>();
  readonly globals = new Map<string, string>();
  /** Calls ever created (CoreProcessedCalls, `N calls processed`). */
  processedCalls = 0;
  readonly startedAt: number;
  private uidCounter = 0;
  private seqCounter = 0;
  private readonly listeners = new Set<(e: PbxEvent) => void>();
  private readonly technologies = new Map<string, ChannelTechnology>();
  /** Pending work (running dialplans) so stop() can wait for it. */
  readonly tasks = new Set<Promise<unknown>>();

  /** The PBX's clock; every timer goes through it so that stop() can cancel them all. */
  readonly clock: TrackedClock;

  constructor(
    clock: Clock,
    readonly manager: ManagerConfig,
    public dialplan: Dialplan,
  ) {
    this.clock = new TrackedClock(clock);
    this.startedAt = clock.now();
  }

  get channelVars(): readonly string[] {
    return this.manager.channelVars;
  }

  /** Makes `Tech/...` dial strings usable in Originate and Dial(). */
  registerTechnology(tech: ChannelTechnology): void {
    this.technologies.set(tech.name.toLowerCase(), tech);
  }

  /**
   * Requests an outgoing channel for a dial string (`Local/401@default`, `PJSIP/alice`);
   * `undefined` for an unknown technology or endpoint.
   */
  request(dial: string, req: ChannelRequest = {}): OutboundLeg | undefined {
    const d = splitDialString(dial);
    if (!d) return undefined;
    return this.technologies.get(d.tech.toLowerCase())?.request(this, d.resource, req);
  }

  /** Subscribes to every published event; returns an unsubscribe. */
  subscribe(fn: (e: PbxEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(name: string, cls: string, fields: Fields): void {
    const event: PbxEvent = { name, cls, fields };
    for (const l of [...this.listeners]) l(event);
  }

  /** Publishes a channel event: snapshot of `ch` then `extra`. */
  channelEvent(name: string, cls: string, ch: Channel, extra: Fields = []): void {
    this.emit(name, cls, [...snapshot(ch, this.channelVars), ...extra]);
  }

  snapshot(ch: Channel, prefix = ''): Fields {
    return snapshot(ch, this.channelVars, prefix);
  }

  /** `<epoch seconds>.<n>` with n counting every channel this server made. */
  nextUniqueid(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${this.uidCounter++}`;
  }

  /** The 8-hex-digit sequence of a new channel name, shared by every technology. */
  nextSequence(): string {
    return (this.seqCounter++).toString(16).padStart(8, '0');
  }

  createChannel(init: Omit<ChannelInit, 'createdAt'>): Channel {
    const ch = new Channel({ ...init, createdAt: this.clock.now() });
    this.channels.set(ch.name, ch);
    return ch;
  }

  findChannel(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  /** The dialplan step at a location, if any. */
  step(context: string, exten: string, priority: number): DialplanStep | undefined {
    return this.dialplan
      .get(context)
      ?.get(exten)
      ?.find((s) => s.priority === priority);
  }

  extensionExists(context: string, exten: string): boolean {
    return (this.dialplan.get(context)?.get(exten)?.length ?? 0) > 0;
  }

  /**
   * Newexten, as Asterisk derives it from channel snapshots: only when the dialplan location
   * (context, extension, priority) differs from the one last shown, or the channel had no
   * application yet; it names the application the channel runs now.
   */
  newexten(ch: Channel): void {
    const location = `${ch.context}\u0000${ch.exten}\u0000${ch.priority}`;
    if (!ch.app || location === ch.shownLocation) return;
    ch.shownLocation = location;
    ch.staleLocation = undefined;
    this.channelEvent('Newexten', 'dialplan', ch, [
      ['Extension', ch.exten],
      ['Application', ch.app],
      ['AppData', ch.appData],
    ]);
  }

  /**
   * Publishes a dialplan location that changed without a snapshot (a Redirect moves the channel
   * but Asterisk shows it only when the channel next publishes one: as recorded, when a playback
   * stops or when AGI ends).
   */
  showLocation(ch: Channel): void {
    if (ch.owner === 'pbx') this.newexten(ch);
  }

  /** Sets a channel variable and publishes VarSet; `snapshotFirst` shows the value before the set. */
  setVar(ch: Channel, name: string, value: string, snapshotFirst = false): void {
    const before = snapshotFirst ? this.snapshot(ch) : undefined;
    // Setting a variable again moves it to the front of Asterisk's list (delete, insert).
    ch.vars.delete(name);
    ch.vars.set(name, value);
    const fields = before ?? this.snapshot(ch);
    this.emit('VarSet', 'dialplan', [...fields, ['Variable', name], ['Value', value]]);
  }

  /**
   * Changes the state; publishes Newstate, then the device state Asterisk recomputes on every
   * state change: a Local device is in use while a call to it exists, a phone's follows the state
   * of its channel (ringing, busy, in use).
   */
  setState(ch: Channel, state: number): void {
    if (ch.state === state) return;
    ch.state = state;
    if (state === ChannelState.Up) ch.answeredAt ??= this.clock.now();
    this.channelEvent('Newstate', 'call', ch);
    this.deviceState(ch.device, ch.tech === 'Local' ? 'INUSE' : deviceStateOf(state));
  }

  deviceState(device: string, state: string): void {
    this.emit('DeviceStateChange', 'call', [
      ['Device', device],
      ['State', state],
    ]);
  }

  /**
   * Queues a hangup onto a channel from outside (its Local other half went, a phone hung up):
   * HangupRequest with the cause, then whoever drives the channel stops and hangs it up.
   */
  queueHangup(ch: Channel, cause: number): void {
    this.channelEvent('HangupRequest', 'call', ch, [['Cause', String(cause)]]);
    ch.requestHangup(cause);
  }

  softHangupRequest(ch: Channel, cause: number): void {
    this.channelEvent('SoftHangupRequest', 'call', ch, [['Cause', String(cause)]]);
  }

  /**
   * Destroys a channel as Asterisk's hangup does: the other half of a Local pair gets a
   * HangupRequest carrying this channel's cause (and is asked to stop), then Hangup, then the
   * device state.
   */
  hangupChannel(ch: Channel): void {
    if (ch.destroyed) return;
    ch.destroyed = true;
    // Whoever waits on this channel (a dialer, an originate) learns it is gone.
    ch.requestHangup();
    const p = ch.partner;
    if (p && !p.destroyed) {
      // A Local ;2 that ran Dial() hands its cause and DIALSTATUS to ;1 (ast_unreal_hangup).
      const status = ch.half === 2 ? ch.vars.get('DIALSTATUS') : undefined;
      if (status !== undefined) {
        p.hangupCause = ch.hangupCause;
        this.setVar(p, 'CHANLOCALSTATUS', status);
      }
      this.queueHangup(p, ch.hangupCause);
    }
    this.channelEvent('Hangup', 'call', ch, [
      ['Cause', String(ch.hangupCause)],
      ['Cause-txt', causeText(ch.hangupCause)],
    ]);
    this.channels.delete(ch.name);
    this.deviceState(ch.device, ch.invalid ? 'INVALID' : 'NOT_INUSE');
    ch.abortWaits();
    for (const fn of ch.afterHangup.splice(0)) fn();
  }

  /** Keeps track of a background task (a dialplan run) and logs nothing if it fails. */
  track(p: Promise<unknown>): void {
    const t = p.catch(() => {}).finally(() => this.tasks.delete(t));
    this.tasks.add(t);
  }
}
