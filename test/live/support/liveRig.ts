import { createRuntime, type Runtime, type RuntimeEvents } from 'octostate';
import { AmiConnection, type AmiMessage, type ReconnectOptions } from 'octostate/connection';
import { pino } from 'pino';
import { Observer } from './observation.js';

/** Which PBX a rig talks to. */
export type PbxKind = 'asterisk' | 'embedded';

export const silentLogger = pino({ level: 'silent' });

/**
 * A runtime on one PBX for one test, as an application would run it (`createRuntime` on an AMI
 * URL), with an {@link Observer} on its bus and its AMI session.
 */
export interface LiveRig {
  readonly pbx: PbxKind;
  readonly url: string;
  readonly runtime: Runtime;
  /** The runtime's AMI session (opened by the rig, so that tests can send actions on it). */
  readonly client: AmiConnection;
  readonly observer: Observer;
  /** Resolves once every channel the runtime saw has hung up and the runtime holds nothing. */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a runtime on `url` and resolves once it is live. */
export async function startRig(
  pbx: PbxKind,
  url: string,
  options: { lingerMs?: number; reconnect?: ReconnectOptions | false } = {},
): Promise<LiveRig> {
  const client = AmiConnection.fromUrl(url, {
    logger: silentLogger,
    reconnect: options.reconnect ?? false,
  });
  const runtime = createRuntime({
    client,
    logger: silentLogger,
    lingerMs: options.lingerMs ?? 100,
  });
  const observer = new Observer(runtime, client);
  await client.connect();
  await runtime.ready();
  return {
    pbx,
    url,
    runtime,
    client,
    observer,
    settled: (timeoutMs = 15_000) =>
      until(
        () => observer.live === 0 && Object.values(runtime.stats()).every((n) => n === 0),
        `${pbx}: every call over and the runtime empty (${JSON.stringify(runtime.stats())})`,
        timeoutMs,
      ),
    close: async () => {
      await runtime.close();
      await client.close();
    },
  };
}

/**
 * Waits for a condition the test cannot get an event for (polling every 20 ms), and fails with
 * `what` after `timeoutMs`.
 */
export async function until(probe: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Hangs up every channel on the PBX at `url` (one `Hangup` per channel `CoreShowChannels` lists)
 * and waits until none is left: each test leaves the PBX as it found it.
 */
export async function hangUpEverything(url: string, timeoutMs = 15_000): Promise<void> {
  const ami = AmiConnection.fromUrl(url, { logger: silentLogger, reconnect: false });
  await ami.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { items } = await ami.listAction('CoreShowChannels');
      if (items.length === 0) return;
      if (Date.now() > deadline) {
        const names = items.map((item) => item.get('Channel')).join(', ');
        throw new Error(`channels still up after ${timeoutMs} ms: ${names}`);
      }
      await Promise.allSettled(
        items.map((item) => ami.action('Hangup', { Channel: item.get('Channel') ?? '' })),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await ami.close();
  }
}

/**
 * How a promise settled, in a form two runs can be compared by: its value, or its error as
 * `<class> <AGI code>` (AGI errors) or `<class>: <message>`.
 */
export async function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await promise };
  } catch (error) {
    const { name, code, message } = error as { name: string; code?: unknown; message: string };
    return { error: typeof code === 'number' ? `${name} ${code}` : `${name}: ${message}` };
  }
}

/** Resolves with the runtime's next bus event of that type that `accept` takes. */
export function nextEvent<K extends keyof RuntimeEvents>(
  runtime: Runtime,
  type: K,
  accept: (event: RuntimeEvents[K]) => boolean = () => true,
): Promise<RuntimeEvents[K]> {
  return new Promise((resolve) => {
    const listener = (event: RuntimeEvents[K]) => {
      if (!accept(event)) return;
      runtime.bus.off(type, listener);
      resolve(event);
    };
    runtime.bus.on(type, listener);
  });
}

/** Resolves with the next AMI event of that name on `client` that `accept` takes. */
export function nextAmiEvent(
  client: AmiConnection,
  name: string,
  accept: (event: AmiMessage) => boolean = () => true,
): Promise<AmiMessage> {
  return new Promise((resolve) => {
    const onEvent = (event: AmiMessage) => {
      if (event.name !== name || !accept(event)) return;
      client.bus.off('event', onEvent);
      resolve(event);
    };
    client.bus.on('event', onEvent);
  });
}

/**
 * What the caller's half runs: two minutes of silence, played. Like a phone's RTP, it keeps frames
 * flowing towards the IVR's half, which is what makes a real Asterisk read a key as soon as it is
 * sent; on a Local channel with no media it holds a key back (DTMF emulation waits for a frame) until
 * a prompt or a timer makes the channel read again, and the IVR then hears keys late or not at all.
 */
export const TALKING_CALLER = {
  application: 'Playback',
  data: Array.from({ length: 12 }, () => 'silence/10').join('&'),
};
