import { request } from 'node:http';
import { pino } from 'pino';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import {
  type InspectorHandle,
  type InspectorOptions,
  startInspector,
} from '../../src/inspector/inspectorServer.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';

/** A runtime on the embedded PBX over TCP, with an inspector, and what the PBX's AGI runs. */
export interface InspectorSetup {
  pbx: PbxHandle;
  runtime: Runtime;
  inspector: InspectorHandle;
  /** Called with each AGIExecStart's channel and command. */
  onCommand(listener: (channel: string, command: string) => void): void;
}

const silent = pino({ level: 'silent' });

/** Starts a PBX, a runtime and an inspector; `cleanups` receives how to stop each. */
export async function setUpInspector(
  cleanups: Array<() => Promise<unknown>>,
  options: Partial<InspectorOptions> = {},
): Promise<InspectorSetup> {
  const pbx = await startPbx({ port: 0, phones: [{ name: 'alice', callerIdName: 'Alice' }] });
  cleanups.push(() => pbx.stop());
  const url = pbx.url.replace('ami://', 'ami://manager:secret@');
  const listeners: Array<(channel: string, command: string) => void> = [];
  // The PBX's own event stream: what AGI runs, without a second AMI session trailing the first.
  const unsubscribe = pbx.pbx.subscribe(({ name, fields }) => {
    if (name !== 'AGIExecStart') return;
    const channel = fields.find(([key]) => key === 'Channel')?.[1] ?? '';
    const command = fields.find(([key]) => key === 'Command')?.[1] ?? '';
    for (const listener of listeners) listener(channel, command);
  });
  cleanups.push(async () => unsubscribe());
  const runtime = createRuntime({ url, logger: silent, lingerMs: 100 });
  cleanups.push(() => runtime.close());
  await runtime.ready();
  const inspector = await startInspector({ runtime, ...options });
  cleanups.push(() => inspector.close());
  return { pbx, runtime, inspector, onCommand: (listener) => listeners.push(listener) };
}

/** An AMI connection of its own, for tests that need one besides the runtime's. */
export function watcher(url: string): AmiConnection {
  return AmiConnection.fromUrl(url, { logger: silent, reconnect: false });
}

/**
 * Places an IVR call from alice to 500 (`ivrMachine`): passcode 12345#, then `choice` (2: goodbye)
 * when the menu offers it. Returns the phone's channel name.
 */
export function placeIvrCall(setup: InspectorSetup, choice = '2'): string {
  setup.runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
  const phone = setup.pbx.phoneCall('alice', '500');
  setup.onCommand((channel, command) => {
    if (channel !== phone) return;
    if (command.startsWith('GET DATA'))
      void setup.pbx.sendDigits(phone, '12345#', { receive: true }).catch(() => {});
    if (command.startsWith('STREAM FILE digits/1'))
      void setup.pbx.sendDigits(phone, choice, { receive: true }).catch(() => {});
  });
  return phone;
}

export async function eventually(
  probe: () => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 10) {
    if (probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request; `headers` replace Node's (e.g. a foreign `host`). */
export function get(
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function getJson<T>(url: string): Promise<T> {
  const answer = await get(url);
  if (answer.status !== 200) throw new Error(`${url}: ${answer.status} ${answer.body}`);
  if (answer.headers['content-type'] !== 'application/json; charset=utf-8')
    throw new Error(`${url}: ${answer.headers['content-type']}`);
  return JSON.parse(answer.body) as T;
}

export interface SseMessage {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the fields of the messages it expects
  data: any;
}

/** An SSE client: every message so far, the raw text, and how to stop. */
export interface SseClient {
  readonly messages: SseMessage[];
  readonly status: number;
  raw(): string;
  closed(): boolean;
  close(): void;
}

/** Opens an SSE stream (`path` relative to the inspector's URL, e.g. `events?call=...`). */
export function subscribe(
  base: string,
  path = 'events',
  headers: Record<string, string> = {},
): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const messages: SseMessage[] = [];
    let raw = '';
    let buffer = '';
    let ended = false;
    const req = request(new URL(path, base), { headers }, (res) => {
      res.setEncoding('utf8').on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            fields[line.slice(0, line.indexOf(':'))] = line.slice(line.indexOf(':') + 2);
          }
          if (fields.event !== undefined) {
            messages.push({ event: fields.event, data: JSON.parse(fields.data ?? 'null') });
          }
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('error', () => {});
      res.on('close', () => {
        ended = true;
      });
      resolve({
        messages,
        status: res.statusCode ?? 0,
        raw: () => raw,
        closed: () => ended,
        close: () => req.destroy(),
      });
    });
    req.on('error', (error) => {
      if (messages.length === 0 && !ended) reject(error);
    });
    req.end();
  });
}

/** What a list stream says now: the actors by id, after every `reset` and `actors` message. */
export function listState(
  sse: SseClient,
): Map<string, { state: string; status: string; ended: boolean }> {
  const actors = new Map();
  for (const { event, data } of sse.messages) {
    if (event === 'reset') actors.clear();
    for (const actor of data?.upsert ?? []) actors.set(actor.id, actor);
    for (const id of data?.removed ?? []) actors.delete(id);
  }
  return actors;
}
