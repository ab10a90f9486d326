import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { placeCall } from './actions/originate.js';
import { type OriginateRequest, parseCallerId } from './actions/originateRequest.js';
import type { Channel } from './channels/Channel.js';
import { stateDesc } from './channels/channelState.js';
import { deliverDigit, sendDigits } from './channels/dtmf.js';
import { localTechnology } from './channels/LocalTechnology.js';
import { type PhoneConfig, PhoneTechnology, placePhoneCall } from './channels/PhoneTechnology.js';
import { type Clock, realClock } from './clock.js';
import { parseManagerConf } from './config/managerConf.js';
import { parseExtensions, parseGlobals } from './dialplan/parseExtensions.js';
import { Pbx } from './Pbx.js';
import { AmiServer } from './server/AmiServer.js';
import type { OutputLimits } from './server/SessionOutput.js';

export type { PhoneBehaviour, PhoneConfig } from './channels/PhoneTechnology.js';
export type { ChannelTechnology, OutboundLeg } from './channels/technology.js';

export { type Clock, ManualClock, realClock } from './clock.js';
export { Pbx } from './Pbx.js';
export { MAX_HEADERS, MAX_LINE_BYTES } from './server/ActionReader.js';
export { AmiServer, BANNER } from './server/AmiServer.js';
export {
  DEFAULT_MAX_QUEUED_BYTES,
  DEFAULT_WRITE_TIMEOUT_MS,
  type OutputFailure,
  type OutputLimits,
} from './server/SessionOutput.js';
export { SOUND_SAMPLES, soundMs, soundSamples } from './sounds.js';

/** The configuration shipped with octostate (`asterisk-etc/`, next to `src/` and `dist/`). */
export const DEFAULT_CONFIG_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'asterisk-etc',
);

/** Options of {@link startPbx}. */
export interface PbxOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Folder with `manager.conf` and `extensions.conf` (default: the shipped `asterisk-etc/`). */
  readonly configDir?: string;
  /** Time source: the wall clock by default; a {@link ManualClock} in tests that drive time. */
  readonly clock?: Clock;
  /** Simulated phones (`PJSIP/<name>`) to register at start; more with {@link PbxHandle.addPhone}. */
  readonly phones?: readonly PhoneConfig[];
  /**
   * Bounds of each AMI session's output: `writeTimeoutMs` (100 ms, as Asterisk's `writetimeout`;
   * a user's own in `manager.conf` wins) and `maxQueuedBytes` (16 MiB): a session whose client
   * stops reading is logged off past either.
   */
  readonly output?: Partial<OutputLimits>;
}

/** A live channel as the programmatic API shows it. */
export interface ChannelInfo {
  readonly name: string;
  readonly uniqueid: string;
  readonly linkedid: string;
  readonly state: string;
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
  readonly callerIdNum: string;
  readonly callerIdName: string;
  readonly application: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** What {@link startPbx} returns. */
export interface PbxHandle {
  /** `ami://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The PBX core, for tests that need more than this API. */
  readonly pbx: Pbx;
  readonly server: AmiServer;
  /** Live channels. */
  channels(): ChannelInfo[];
  /**
   * Places a call into an extension as an Originate would: `Local/<exten>@<context>` whose `;2`
   * runs the dialplan; `;1` runs `application` (default `Wait(60)`). Resolves with the `;1`
   * channel name once answered; rejects if the call fails.
   */
  call(options: {
    exten: string;
    context?: string;
    callerId?: string;
    variables?: Record<string, string>;
    application?: string;
    data?: string;
  }): Promise<string>;
  /**
   * Registers a simulated phone: `PJSIP/<name>` can then be originated to or dialled (it rings,
   * then answers, is busy, rejects or never answers, per its behaviour).
   */
  addPhone(phone: PhoneConfig): void;
  /**
   * A simulated phone calls an extension (its channel runs the dialplan from `<context>,<exten>,1`).
   * Returns the phone's channel name.
   */
  phoneCall(from: string, exten: string): string;
  /** Hangs a channel up (cause 16 by default). Returns false when there is no such channel. */
  hangup(channel: string, cause?: number): boolean;
  /**
   * Presses digits: on a Local channel they travel to its other half (DTMFBegin/End there); with
   * `receive` the channel itself receives them.
   */
  sendDigits(
    channel: string,
    digits: string,
    options?: { durationMs?: number; receive?: boolean },
  ): Promise<void>;
  /** Hangs everything up, announces `Shutdown` (Restart: True), closes sessions, listens again. */
  restart(): Promise<void>;
  /** Like a real shutdown: hang-ups, `Shutdown`, sessions closed; the server does not come back. */
  shutdown(): Promise<void>;
  /** Stops at once (no events): sockets closed, timers cleared. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded PBX: an AMI server on 127.0.0.1 that behaves like the Asterisk 22 recorded in
 * the project's traces (Local channels, the `asterisk-etc/` dialplan, AsyncAGI).
 *
 * @example
 * import { startPbx } from 'octostate/pbx';
 *
 * const pbx = await startPbx({ port: 0 });
 * console.log(pbx.url); // ami://127.0.0.1:40123 — log in as manager / secret
 * const channel = await pbx.call({ exten: '401', callerId: '"Demo" <100>' });
 * console.log(pbx.channels().map((c) => `${c.name} ${c.state}`));
 * pbx.hangup(channel);
 * await pbx.stop();
 */
export async function startPbx(options: PbxOptions = {}): Promise<PbxHandle> {
  const dir = options.configDir ?? DEFAULT_CONFIG_DIR;
  const [managerText, extensionsText] = await Promise.all([
    readFile(join(dir, 'manager.conf'), 'utf8'),
    readFile(join(dir, 'extensions.conf'), 'utf8'),
  ]);
  const clock = options.clock ?? realClock;
  const pbx = new Pbx(clock, parseManagerConf(managerText), parseExtensions(extensionsText));
  for (const [name, value] of parseGlobals(extensionsText)) pbx.globals.set(name, value);
  const phones = new PhoneTechnology();
  for (const p of options.phones ?? []) phones.add(p);
  pbx.registerTechnology(localTechnology);
  pbx.registerTechnology(phones);
  const server = new AmiServer(pbx, '127.0.0.1', options.output);
  const port = await server.listen(options.port ?? 0);
  const find = (name: string): Channel | undefined => pbx.findChannel(name);
  return {
    url: `ami://127.0.0.1:${port}`,
    port,
    pbx,
    server,
    channels: () => [...pbx.channels.values()].map(info),
    async call(o) {
      const req: OriginateRequest = {
        channel: `Local/${o.exten}@${o.context ?? 'default'}`,
        target: { app: o.application ?? 'Wait', data: o.data ?? (o.application ? '' : '60') },
        callerId: o.callerId ? parseCallerId(o.callerId) : undefined,
        variables: Object.entries(o.variables ?? {}),
        timeoutMs: 30000,
      };
      const r = await placeCall(pbx, req);
      if (r.reason !== 4 || !r.channel)
        throw new Error(`call to ${req.channel} failed (reason ${r.reason})`);
      return r.channel.name;
    },
    addPhone: (phone) => phones.add(phone),
    phoneCall(from, exten) {
      const ch = placePhoneCall(pbx, phones, from, exten);
      if (!ch) throw new Error(`no such phone: ${from}`);
      return ch.name;
    },
    hangup(name, cause = 16) {
      const ch = find(name);
      if (!ch) return false;
      ch.hangupCause = cause;
      ch.requestHangup(cause);
      return true;
    },
    async sendDigits(name, digits, o = {}) {
      const ch = find(name);
      if (!ch) throw new Error(`no such channel: ${name}`);
      const ms = o.durationMs ?? 250;
      if (o.receive) for (const d of digits) deliverDigit(pbx, ch, d, ms, false);
      else await sendDigits(pbx, ch, digits, ms);
    },
    restart: () => server.restart(),
    shutdown: () => server.shutdown(false),
    stop: () => server.stop(),
  };
}

function info(ch: Channel): ChannelInfo {
  return {
    name: ch.name,
    uniqueid: ch.uniqueid,
    linkedid: ch.linkedid,
    state: stateDesc(ch.state),
    context: ch.context,
    exten: ch.exten,
    priority: ch.priority,
    callerIdNum: ch.callerNum,
    callerIdName: ch.callerName,
    application: ch.app,
    variables: Object.fromEntries(ch.vars),
  };
}
