import type { NatsConnection } from '@nats-io/transport-node';
import { type InspectorHandle, startInspector } from '../inspector/inspectorServer.js';
import type { Runtime } from '../runtime/createRuntime.js';
import { ClusterCommandRequestError, type InspectReply } from './commandTypes.js';

/** Largest answer to one `inspect` request, in bytes: NATS carries 1 MiB per message by default. */
export const MAX_INSPECT_REPLY_BYTES = 768 * 1024;
/** The owner's inspector stops this long after the last request or stream, in ms. */
const IDLE_MS = 30_000;
/** A stream with nothing to say sends an empty chunk this often, in ms: the proxy knows it lives. */
export const INSPECT_HEARTBEAT_MS = 5_000;
/** The last chunk of a stream the owner ends (its node lets the Asterisk go): a NUL byte. */
export const INSPECT_STREAM_END = new Uint8Array([0]);
/** How long the proxy may take to take a chunk before the owner gives the stream up, in ms. */
const CHUNK_ACK_MS = 10_000;
const MAX_PATH_LENGTH = 2_048;

/**
 * The owner's side of a cluster inspector: the Asterisk's runtime behind the ordinary inspector
 * (`startInspector`, on 127.0.0.1 and a free port), started by the first request and stopped
 * 30 s after the last one, so a node nobody inspects pays nothing (and the ended calls it shows are
 * those since it started). `get` answers a page or API request with the local inspector's answer
 * (at most {@link MAX_INSPECT_REPLY_BYTES}); `stream` sends an event stream chunk by chunk as NATS
 * requests to the proxy's inbox, each waiting for the proxy's answer (its back-pressure), with an
 * empty chunk every {@link INSPECT_HEARTBEAT_MS} of silence, stops when one is not answered, and
 * sends {@link INSPECT_STREAM_END} when it ends the stream itself.
 */
export class InspectionOnDemand {
  private inspector: Promise<InspectorHandle> | undefined;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private readonly streams = new Set<AbortController>();
  private stopped = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly nc: NatsConnection,
  ) {}

  async get(path: unknown): Promise<InspectReply> {
    const url = await this.urlOf(path);
    const response = await fetch(url, { signal: AbortSignal.timeout(CHUNK_ACK_MS) });
    const body = await response.text();
    this.touch();
    if (Buffer.byteLength(body) > MAX_INSPECT_REPLY_BYTES) {
      return {
        status: 502,
        type: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: `answer over ${MAX_INSPECT_REPLY_BYTES} bytes` }),
      };
    }
    const policy = response.headers.get('content-security-policy');
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      ...(policy === null ? {} : { policy }),
      body,
    };
  }

  /** Starts sending the event stream at `path` to `inbox`; resolves once it is open. */
  async stream(path: unknown, inbox: unknown): Promise<{ status: number }> {
    if (typeof inbox !== 'string' || !inbox.startsWith('_INBOX.'))
      throw new ClusterCommandRequestError('inspectStream: inbox must be a NATS inbox');
    const url = await this.urlOf(path);
    if (new URL(url).pathname !== '/events')
      throw new ClusterCommandRequestError('inspectStream: only /events streams');
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) {
      controller.abort();
      return { status: response.status };
    }
    this.streams.add(controller);
    void this.pipe(response.body.getReader(), inbox, controller).finally(() => {
      controller.abort();
      this.streams.delete(controller);
      this.touch();
    });
    return { status: response.status };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.idle);
    for (const stream of this.streams) stream.abort();
    this.streams.clear();
    void this.inspector?.then((inspector) => inspector.close()).catch(() => {});
    this.inspector = undefined;
  }

  private async pipe(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    inbox: string,
    controller: AbortController,
  ): Promise<void> {
    let proxyGone = false;
    const send = async (data: Uint8Array): Promise<void> => {
      try {
        await this.nc.request(inbox, data, { timeout: CHUNK_ACK_MS });
      } catch (error) {
        proxyGone = true;
        throw error;
      }
    };
    let next = reader.read();
    try {
      while (!controller.signal.aborted) {
        let beat: ReturnType<typeof setTimeout> | undefined;
        const silence = new Promise<'beat'>((resolve) => {
          beat = setTimeout(() => resolve('beat'), INSPECT_HEARTBEAT_MS);
        });
        const step = await Promise.race([next, silence]).finally(() => clearTimeout(beat));
        if (step === 'beat') {
          await send(new Uint8Array());
          continue;
        }
        if (step.done) return;
        await send(step.value);
        next = reader.read();
      }
    } catch {
      // The proxy went away (no responder, no answer) or the stream ended: stop reading.
    } finally {
      await reader.cancel().catch(() => {});
      // Told, the proxy ends its response at once instead of waiting for the heartbeats to stop.
      if (!proxyGone) this.nc.publish(inbox, INSPECT_STREAM_END);
    }
  }

  private async urlOf(path: unknown): Promise<string> {
    if (
      typeof path !== 'string' ||
      !path.startsWith('/') ||
      path.startsWith('//') ||
      path.length > MAX_PATH_LENGTH
    ) {
      throw new ClusterCommandRequestError('inspect: path must be an inspector path (/api/...)');
    }
    if (this.stopped)
      throw new ClusterCommandRequestError('inspect: this node let the Asterisk go');
    this.inspector ??= startInspector({ runtime: this.runtime, port: 0 });
    const { url } = await this.inspector;
    this.touch();
    const resolved = new URL(path, url);
    if (resolved.origin !== new URL(url).origin)
      throw new ClusterCommandRequestError('inspect: path must stay on the inspector');
    return resolved.href;
  }

  private touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.streams.size > 0) return this.touch();
      void this.inspector?.then((inspector) => inspector.close()).catch(() => {});
      this.inspector = undefined;
    }, IDLE_MS);
    this.idle.unref?.();
  }
}
