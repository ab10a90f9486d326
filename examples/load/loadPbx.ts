import { readFile } from 'node:fs/promises';
import type { Runtime } from 'octostate';
import { AmiConnection } from 'octostate/connection';
import { type PhoneConfig, startPbx } from 'octostate/pbx';
import { pino } from 'pino';

/** The extension the hotlines call (see `asterisk-etc/extensions.conf`). */
export const HOTLINE_EXTEN = '600';

/** Who a channel of the load is: a hotline or an agent (its phone's name), as seen in bridges. */
export interface LoadRole {
  readonly role: 'hotline' | 'agent';
  /** `hotline-007`, `agent-012`. */
  readonly phone: string;
}

/**
 * Where the load runs and how its people act there: the embedded PBX with simulated phones, or a
 * real Asterisk running `asterisk-etc/`, where hotlines and agents are Local channels.
 */
export interface LoadPbx {
  /** `embedded` or `asterisk`, for the printout. */
  readonly kind: 'embedded' | 'asterisk';
  /** AMI URL with credentials, for the runtime. */
  readonly url: string;
  /** What the hotline dials: `${dialPrefix}${agent}` for each agent name of the pool. */
  readonly dialPrefix: string;
  /** The pool's agent names (the busy ones last). */
  readonly agents: readonly string[];
  /**
   * Hotline `phone` calls 600 (with the runtime's Originate on a real Asterisk); rejects when the
   * call could not be placed.
   */
  placeHotline(phone: string, runtime: Runtime): Promise<void>;
  /**
   * The role of a channel that takes part in a bridge (the hotline's AGI channel, the agent's
   * dialled channel), from its name; undefined for any other channel.
   */
  roleOf(channel: string): LoadRole | undefined;
  /** That person hangs up: the phone behind a bridged channel ends its call. */
  hangUp(channel: string): Promise<void>;
  /** Channels the PBX has now. */
  channelCount(): Promise<number>;
  /** The PBX's own CPU time so far, in seconds, when it can be read (a local Asterisk). */
  cpuSeconds(): Promise<number | undefined>;
  stop(): Promise<void>;
}

const pad = (n: number) => String(n).padStart(3, '0');
const silent = pino({ level: 'silent' });

/** Phone names of the load: `hotline-001`..., `agent-001`... */
export function phoneNames(count: number, kind: 'hotline' | 'agent'): string[] {
  return Array.from({ length: count }, (_, i) => `${kind}-${pad(i + 1)}`);
}

/**
 * The embedded PBX (real time) with simulated phones: `PJSIP/hotline-NNN` calls 600,
 * `PJSIP/agent-NNN` rings `ringMs`, then answers (or says busy, for the last `busyAgents`).
 */
export async function embeddedLoadPbx(options: {
  hotlines: number;
  agents: number;
  busyAgents: number;
  ringMs: number;
}): Promise<LoadPbx> {
  const agents = phoneNames(options.agents, 'agent');
  const busy = new Set(agents.slice(agents.length - options.busyAgents));
  const phones: PhoneConfig[] = [
    ...phoneNames(options.hotlines, 'hotline').map((name) => ({ name, callerIdName: name })),
    ...agents.map(
      (name): PhoneConfig => ({
        name,
        ringMs: options.ringMs,
        behaviour: busy.has(name) ? 'busy' : 'answer',
      }),
    ),
  ];
  const pbx = await startPbx({ port: 0, phones });
  return {
    kind: 'embedded',
    url: pbx.url.replace('ami://', 'ami://manager:secret@'),
    dialPrefix: 'PJSIP/',
    agents,
    placeHotline: async (phone) => {
      pbx.phoneCall(phone, HOTLINE_EXTEN);
    },
    roleOf: (channel) => {
      const match = /^PJSIP\/((hotline|agent)-\d+)-[0-9a-f]{8}$/.exec(channel);
      return match ? { role: match[2] as LoadRole['role'], phone: match[1]! } : undefined;
    },
    hangUp: async (channel) => {
      pbx.hangup(channel);
    },
    channelCount: async () => pbx.channels().length,
    cpuSeconds: async () => undefined,
    stop: () => pbx.stop(),
  };
}

/**
 * A real Asterisk running `asterisk-etc/` at `url`: hotline NNN is an Originate of
 * `Local/hotline-NNN@load-hotlines` (whose `;2` goes to 600; the `;1` is the hotline's phone, in
 * `Wait`), agent NNN is `Local/agent-NNN@load-agents` (rings briefly, answers, waits; the `;2` is
 * the agent's phone), a busy agent `Local/agent-NNN@load-busy`. Hanging up a person hangs up the
 * phone half of their Local pair.
 */
export async function asteriskLoadPbx(
  url: string,
  options: { agents: number; busyAgents: number },
): Promise<LoadPbx> {
  const control = AmiConnection.fromUrl(url, { logger: silent, reconnect: false });
  await control.connect();
  const agents = phoneNames(options.agents, 'agent').map((name, i) =>
    i >= options.agents - options.busyAgents ? `${name}@load-busy` : `${name}@load-agents`,
  );
  const pid = await asteriskPid(control);
  return {
    kind: 'asterisk',
    url,
    dialPrefix: 'Local/',
    agents,
    placeHotline: async (phone, runtime) => {
      await runtime.originate({
        channel: `Local/${phone}@load-hotlines`,
        application: 'Wait',
        data: '3600',
        callerId: `"${phone}" <${phone.replace(/\D/g, '')}>`,
      });
    },
    roleOf: (channel) => {
      const hotline = /^Local\/(hotline-\d+)@load-hotlines-[0-9a-f]{8};2$/.exec(channel);
      if (hotline) return { role: 'hotline', phone: hotline[1]! };
      const agent = /^Local\/(agent-\d+)@load-(?:agents|busy)-[0-9a-f]{8};1$/.exec(channel);
      return agent ? { role: 'agent', phone: agent[1]! } : undefined;
    },
    hangUp: async (channel) => {
      // The hotline's phone is the ;1 of its pair, the agent's the ;2.
      const phoneHalf = channel.endsWith(';2')
        ? `${channel.slice(0, -2)};1`
        : `${channel.slice(0, -2)};2`;
      await control.action('Hangup', { Channel: phoneHalf }).catch(() => undefined);
    },
    channelCount: async () => (await control.listAction('CoreShowChannels')).items.length,
    cpuSeconds: async () => (pid === undefined ? undefined : processCpuSeconds(pid)),
    stop: () => control.close(),
  };
}

/** The pid of the Asterisk behind `ami`, when its pid file is readable here (a local Asterisk). */
export async function asteriskPid(ami: AmiConnection): Promise<number | undefined> {
  try {
    const settings = await ami.action('Command', { Command: 'core show settings' });
    const line = settings.getAll('Output').find((text) => /^\s*PID file:/.test(text));
    const file = line?.replace(/^\s*PID file:\s*/, '').trim();
    if (!file) return undefined;
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds of a process, from `/proc/<pid>/stat` (Linux; 100 ticks a second). */
export async function processCpuSeconds(pid: number | 'self'): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
