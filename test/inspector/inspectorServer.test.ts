import { request } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AmiConnection } from '../../src/connection/AmiConnection.js';
import type { ActorInfo } from '../../src/inspector/actorRegistry.js';
import { type InspectorHandle, startInspector } from '../../src/inspector/inspectorServer.js';
import type { StatechartJson, StateNodeJson } from '../../src/inspector/statechartGraph.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';

/**
 * The inspector on a real runtime over TCP on the embedded PBX: an IVR call (extension 500,
 * `ivrMachine` with its passcode and menu children) seen through the registry, the JSON API and
 * the SSE stream, then nothing left.
 */

const silent = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  pbx: PbxHandle;
  runtime: Runtime;
  inspector: InspectorHandle;
  /** Called with each AGIExecStart's channel and command. */
  onCommand(listener: (channel: string, command: string) => void): void;
}

async function setUp(): Promise<Setup> {
  const pbx = await startPbx({ port: 0, phones: [{ name: 'alice', callerIdName: 'Alice' }] });
  cleanups.push(() => pbx.stop());
  const url = pbx.url.replace('ami://', 'ami://manager:secret@');
  const watcher = AmiConnection.fromUrl(url, { logger: silent, reconnect: false });
  cleanups.push(() => watcher.close());
  const listeners: Array<(channel: string, command: string) => void> = [];
  watcher.bus.on('event', (event) => {
    if (event.name !== 'AGIExecStart') return;
    for (const listener of listeners)
      listener(event.get('Channel') ?? '', event.get('Command') ?? '');
  });
  await watcher.connect();
  const runtime = createRuntime({ url, logger: silent, lingerMs: 100 });
  cleanups.push(() => runtime.close());
  await runtime.ready();
  const inspector = await startInspector({ runtime });
  cleanups.push(() => inspector.close());
  return { pbx, runtime, inspector, onCommand: (listener) => listeners.push(listener) };
}

async function eventually(probe: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 10) {
    if (probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, options: { method?: string; host?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ...(options.host ? { headers: { host: options.host } } : {}),
      },
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

async function getJson<T>(url: string): Promise<T> {
  const answer = await get(url);
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  return JSON.parse(answer.body) as T;
}

interface SseMessage {
  id: string;
  event: string;
  data: {
    actors?: ActorInfo[];
    actor?: ActorInfo;
    id?: string;
    events?: Array<{ type: string }>;
  };
}

/** An SSE client of `/events`: every message so far, and the raw text. */
function subscribe(url: string): Promise<{ messages: SseMessage[]; raw(): string; close(): void }> {
  return new Promise((resolve, reject) => {
    const messages: SseMessage[] = [];
    let raw = '';
    let buffer = '';
    const req = request(`${url}events`, (res) => {
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
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
          messages.push({
            id: fields.id ?? '',
            event: fields.event ?? '',
            data: JSON.parse(fields.data ?? 'null'),
          });
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('error', () => {});
      resolve({ messages, raw: () => raw, close: () => req.destroy() });
    });
    req.on('error', (error) => {
      if (messages.length === 0) reject(error);
    });
    req.end();
  });
}

/** Places an IVR call from alice to 500: passcode 12345#, then 2 (goodbye). */
function placeIvrCall(setup: Setup): string {
  setup.runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
  const phone = setup.pbx.phoneCall('alice', '500');
  setup.onCommand((channel, command) => {
    if (channel !== phone) return;
    if (command.startsWith('GET DATA'))
      void setup.pbx.sendDigits(phone, '12345#', { receive: true }).catch(() => {});
    if (command.startsWith('STREAM FILE digits/1'))
      void setup.pbx.sendDigits(phone, '2', { receive: true }).catch(() => {});
  });
  return phone;
}

function nodeByKey(node: StateNodeJson, key: string): StateNodeJson | undefined {
  if (node.key === key) return node;
  for (const child of node.states) {
    const found = nodeByKey(child, key);
    if (found) return found;
  }
  return undefined;
}

describe('the inspector on the embedded PBX', () => {
  it('should track the supervisor, the channels, the IVR and its children across a call, then only the supervisor', async () => {
    const setup = await setUp();
    const { inspector, runtime } = setup;
    const registry = inspector.registry;
    expect(registry.list().map((actor) => actor.id)).toEqual(['supervisor']);
    const supervisor = registry.get('supervisor');
    expect(supervisor).toMatchObject({
      kind: 'supervisor',
      parent: null,
      machine: 'ami',
      state: 'connected.live',
      status: 'active',
    });
    expect(supervisor?.value).toEqual({ connected: 'live' });

    const seen = new Set<string>();
    registry.subscribe(({ kind, id }) => {
      if (kind === 'added') seen.add(id);
    });
    const phone = placeIvrCall(setup);
    // While the menu plays: the channel, its IVR, and the IVR's `menu` child.
    await eventually(
      () => registry.get(`flow:${runtime.channels.byName(phone)?.id}/menu`) !== undefined,
      'the menu child',
    );
    const uniqueid = runtime.channels.byName(phone)!.id;
    const channel = registry.get(`channel:${uniqueid}`)!;
    expect(channel).toMatchObject({
      kind: 'channel',
      parent: 'supervisor',
      machine: 'channel',
      label: phone,
      status: 'active',
    });
    expect(channel.state).toContain('inAgi');
    expect(channel.group).toBe(runtime.channels.byName(phone)!.getSnapshot().context.linkedid);
    expect(channel.context).toMatchObject({ uniqueid, name: phone });
    expect(registry.get(`flow:${uniqueid}`)).toMatchObject({
      kind: 'flow',
      parent: `channel:${uniqueid}`,
      machine: 'ivr',
      group: channel.group,
      value: 'menu',
      state: 'menu',
      status: 'active',
    });
    expect(registry.get(`flow:${uniqueid}/menu`)).toMatchObject({
      kind: 'child',
      parent: `flow:${uniqueid}`,
      machine: 'menu',
    });
    // The passcode child came and went (it is done once the menu runs).
    expect(seen.has(`flow:${uniqueid}/passcode`)).toBe(true);
    expect(registry.get(`flow:${uniqueid}/passcode`)).toBeUndefined();
    // Its context shows the call as a name, not the Call object and its AMI client.
    expect(registry.get(`flow:${uniqueid}`)?.context).toMatchObject({
      call: '[Call]',
      dial: 'Local/agent@default',
    });
    // An inspector started mid-call finds the same actors.
    const late = await startInspector({ runtime });
    expect(
      late.registry
        .list()
        .map((actor) => actor.id)
        .sort(),
    ).toEqual(
      registry
        .list()
        .map((actor) => actor.id)
        .sort(),
    );
    expect(late.registry.get(`flow:${uniqueid}/menu`)?.parent).toBe(`flow:${uniqueid}`);
    await late.close();
    // The channel received the AMI events about it.
    const types = registry.events(`channel:${uniqueid}`).map((event) => event.type);
    expect(types).toContain('ami.AsyncAGIExec');

    // Hung up: greyed out (done), then gone.
    await eventually(() => registry.get(`channel:${uniqueid}`)?.status === 'done', 'the hang-up');
    await eventually(() => registry.size === 1, 'every channel removed');
    expect(registry.list().map((actor) => actor.id)).toEqual(['supervisor']);
    expect(runtime.stats().flows).toBe(0);
  }, 20_000);

  it('should stream added, updated and removed in order for every actor of a call, without secrets', async () => {
    const setup = await setUp();
    const { inspector, runtime } = setup;
    const sse = await subscribe(inspector.url);
    cleanups.push(async () => sse.close());
    await eventually(() => sse.messages.length > 0, 'the snapshot');
    expect(sse.messages[0]?.event).toBe('snapshot');
    expect(sse.messages[0]?.data.actors?.map((actor) => actor.id)).toEqual(['supervisor']);
    const phone = placeIvrCall(setup);
    let uniqueid = '';
    await eventually(() => {
      uniqueid = runtime.channels.byName(phone)?.id ?? uniqueid;
      return (
        uniqueid !== '' &&
        sse.messages.some((m) => m.event === 'removed' && m.data.id === `channel:${uniqueid}`)
      );
    }, 'the channel removed');
    await eventually(() => inspector.registry.size === 1, 'every channel removed');
    await new Promise((resolve) => setTimeout(resolve, 250)); // past the last flush

    const kindsOf = (id: string): string[] =>
      sse.messages.flatMap((m) => ((m.data.actor?.id ?? m.data.id) === id ? [m.event] : []));
    const ids = new Set(sse.messages.flatMap((m) => (m.data.actor ? [m.data.actor.id] : [])));
    expect(ids).toContain(`channel:${uniqueid}`);
    expect(ids).toContain(`flow:${uniqueid}`);
    expect(ids).toContain(`flow:${uniqueid}/menu`);
    for (const id of ids) {
      if (id === 'supervisor') continue;
      const kinds = kindsOf(id);
      expect(kinds[0], id).toBe('added');
      expect(kinds.at(-1), id).toBe('removed');
      expect(
        kinds.slice(1, -1).every((kind) => kind === 'updated'),
        id,
      ).toBe(true);
    }
    // The IVR's states as streamed: in the order it went through them, ending done (greyed).
    const flowUpdates = sse.messages.filter((m) => m.data.actor?.id === `flow:${uniqueid}`);
    const states = flowUpdates
      .map((m) => m.data.actor!.state)
      .filter((s, i, all) => s !== all[i - 1]);
    const order = ['answering', 'passcode', 'menu', 'farewell', 'hangingUp', 'done'];
    expect(states.map((s) => order.indexOf(s))).toEqual(
      [...states.map((s) => order.indexOf(s))].sort((a, b) => a - b),
    );
    expect(states).toContain('menu');
    expect(flowUpdates.at(-1)?.data.actor).toMatchObject({ state: 'done', status: 'done' });
    // The channel's last update before removal: hung up.
    const channelUpdates = sse.messages.filter((m) => m.data.actor?.id === `channel:${uniqueid}`);
    expect(channelUpdates.at(-1)?.data.actor).toMatchObject({ state: 'hungUp', status: 'done' });
    // Events received are streamed with the updates.
    const streamedEvents = channelUpdates.flatMap((m) => m.data.events ?? []).map((e) => e.type);
    expect(streamedEvents).toContain('ami.Hangup');
    // Message ids increase.
    const messageIds = sse.messages.map((m) => Number(m.id));
    expect(messageIds).toEqual([...messageIds].sort((a, b) => a - b));
    // No secret anywhere: the stream, the page, the API.
    const bodies = [sse.raw()];
    for (const path of [
      '',
      'api/actors',
      'api/actors/supervisor',
      'api/machines',
      'api/machines/ami',
      'api/machines/channel',
    ]) {
      bodies.push((await get(`${inspector.url}${path}`)).body);
    }
    for (const body of bodies) {
      expect(body.length).toBeGreaterThan(0);
      expect(body).not.toContain('secret');
    }
    expect(sse.raw()).toContain('[AmiConnection]');
    // Nothing pending once the call is gone: closing the inspector stops no timer of its own.
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await inspector.close();
    expect(timers()).toBe(before);
  }, 20_000);

  it('should serve the statecharts of the channel machine and the IVR', async () => {
    const { inspector } = await setUp();
    const ids = await getJson<{ machines: string[] }>(`${inspector.url}api/machines`);
    expect(ids.machines).toEqual(
      expect.arrayContaining(['ami', 'channel', 'ivr', 'passcode', 'menu']),
    );
    const channel = await getJson<StatechartJson>(`${inspector.url}api/machines/channel`);
    expect(channel.id).toBe('channel');
    const live = nodeByKey(channel.root, 'live')!;
    expect(live.type).toBe('parallel');
    expect(live.states.map((state) => state.key)).toEqual(['line', 'dial', 'agi', 'bridge']);
    expect(nodeByKey(channel.root, 'hungUp')?.type).toBe('final');
    expect(live.transitions).toContainEqual({
      event: 'ami.Hangup',
      targets: ['channel.hungUp'],
      guard: 'isSelf',
    });
    const ivr = await getJson<StatechartJson>(`${inspector.url}api/machines/ivr`);
    expect(ivr.root.states.map((state) => state.key)).toEqual(
      expect.arrayContaining([
        'answering',
        'passcode',
        'menu',
        'connecting',
        'farewell',
        'done',
        'gone',
      ]),
    );
    expect(nodeByKey(ivr.root, 'passcode')?.invoke).toEqual(['passcode']);
    expect(nodeByKey(ivr.root, 'passcode')?.transitions).toContainEqual(
      expect.objectContaining({
        event: 'xstate.done.actor.passcode',
        targets: ['ivr.menu'],
        guard: 'isGranted',
      }),
    );
    const supervisor = await getJson<StatechartJson>(`${inspector.url}api/machines/ami`);
    expect(nodeByKey(supervisor.root, 'connected')?.states.map((s) => s.key)).toEqual([
      'resyncing',
      'live',
    ]);
    expect((await get(`${inspector.url}api/machines/nope`)).status).toBe(404);
    expect((await get(`${inspector.url}api/actors/nope`)).status).toBe(404);
    const actors = await getJson<{ actors: ActorInfo[] }>(`${inspector.url}api/actors`);
    expect(actors.actors.map((actor) => actor.id)).toEqual(['supervisor']);
    const one = await getJson<{ actor: ActorInfo; events: unknown[] }>(
      `${inspector.url}api/actors/supervisor`,
    );
    expect(one.actor.context).toMatchObject({
      client: '[AmiConnection]',
      lingerMs: 100,
      router: '[ChannelRouter]',
    });
  });

  it('should listen on 127.0.0.1 only, refuse foreign hosts and other methods, serve the page, and close', async () => {
    const { inspector, runtime } = await setUp();
    expect(inspector.url).toBe(`http://127.0.0.1:${inspector.port}/`);
    const page = await get(inspector.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>octostate inspector</title>');
    expect(page.body).toContain("new EventSource('/events')");
    expect((await get(inspector.url, { host: 'evil.example' })).status).toBe(403);
    expect((await get(`${inspector.url}api/actors`, { method: 'POST' })).status).toBe(405);
    expect((await get(`${inspector.url}nothing`)).status).toBe(404);
    expect((await get(`${inspector.url}api/actors/%E0%A4%A`)).status).toBe(400);
    await expect(startInspector({ runtime, host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(
      /127\.0\.0\.1/,
    );
    // An open event stream does not keep the server from closing.
    const sse = await subscribe(inspector.url);
    const listenersBefore = runtime.bus.all.get('channel')?.length ?? 0;
    await inspector.close();
    expect(runtime.bus.all.get('channel')?.length ?? 0).toBe(listenersBefore - 1);
    await expect(get(inspector.url)).rejects.toThrow(/ECONNREFUSED/);
    sse.close();
    await inspector.close(); // twice is fine
  });
});
