import { get as httpGet } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterDtmfInjector } from '../../src/cluster/clusterDtmfInjector.js';
import { startClusterInspector } from '../../src/cluster/clusterInspector.js';
import { createClusterNode } from '../../src/cluster/clusterNode.js';
import type { ClusterNode } from '../../src/cluster/clusterNodeTypes.js';
import type { ActorSummary } from '../../src/inspector/actorViews.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import {
  type DtmfInjectionServer,
  startDtmfInjectionServer,
} from '../../src/runtime/dtmfInjectionServer.js';
import { type NatsServer, startNatsServer } from '../support/natsServer.js';
import { until } from '../support/spawnTsx.js';
import { describeWithNats } from './natsAvailable.js';

const TOKEN = 'a-token-of-16-chars-or-more';
const TTL = 1_500;

/** The Server-Sent Events of a stream so far, parsed, and a way to stop reading it. */
function readEvents(url: string): {
  events: Array<{ kind: string; data: Record<string, unknown> }>;
  ended: () => boolean;
  stop: () => void;
} {
  const events: Array<{ kind: string; data: Record<string, unknown> }> = [];
  const abort = new AbortController();
  let ended = false;
  void (async () => {
    const response = await fetch(url, { signal: abort.signal });
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      let end = text.indexOf('\n\n');
      while (end >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const kind = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (kind && data) events.push({ kind, data: JSON.parse(data) });
        end = text.indexOf('\n\n');
      }
    }
  })()
    .catch(() => {})
    .finally(() => {
      ended = true;
    });
  return { events, ended: () => ended, stop: () => abort.abort() };
}

/**
 * Two nodes, each supervising an embedded PBX of its own: node `a`'s DTMF endpoint and cluster
 * inspector reach the calls of both, the other's through NATS, and the inspector follows `pbx2`
 * when a third node takes it over.
 */
describeWithNats('the DTMF endpoint and the inspector of any node', () => {
  let nats: NatsServer;
  const pbxes: PbxHandle[] = [];
  const nodes: ClusterNode[] = [];
  let dtmf: DtmfInjectionServer;
  let inspector: Awaited<ReturnType<typeof startClusterInspector>>;
  const join = async (name: string, pbx: number): Promise<ClusterNode> => {
    const node = createClusterNode({
      servers: nats.url,
      node: name,
      asterisks: [
        {
          id: `pbx${pbx}`,
          url: pbxes[pbx - 1]!.url.replace('ami://', 'ami://manager:secret@'),
        },
      ],
      leaseTtlMs: TTL,
      logger: pino({ level: 'silent' }),
      runtime: { lingerMs: 100 },
    });
    nodes.push(node);
    node.handle({ exten: '500', inAgi: true }, ivrMachine);
    const acquired = new Promise((resolve) => node.bus.on('acquired', resolve));
    await node.ready();
    await acquired;
    return node;
  };
  const post = (body: object) =>
    fetch(dtmf.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
  const get = (path: string) => fetch(new URL(path, inspector.url));
  const flowState = async (asterisk: string, uniqueid: string): Promise<string | undefined> => {
    const response = await get(`asterisks/${asterisk}/api/actors`);
    if (response.status !== 200) return undefined;
    const { actors } = (await response.json()) as { actors: ActorSummary[] };
    return actors.find((actor) => actor.id === `flow:${uniqueid}`)?.state;
  };
  const eventually = async (probe: () => Promise<boolean>, what: string): Promise<void> => {
    for (let tries = 0; tries < 300; tries += 1) {
      if (await probe()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    for (let i = 0; i < 2; i += 1)
      pbxes.push(await startPbx({ port: 0, phones: [{ name: 'alice' }] }));
    const [a] = await Promise.all([join('a', 1), join('b', 2)]);
    dtmf = await startDtmfInjectionServer({
      runtime: clusterDtmfInjector(a!.client, ['pbx1', 'pbx2']),
      token: TOKEN,
    });
    inspector = await startClusterInspector({ nats: a!.nats, asterisks: ['pbx1', 'pbx2'] });
  });
  const cleanups: Array<() => void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await inspector?.close();
    await dtmf?.close();
    for (const node of nodes) await node.close();
    for (const pbx of pbxes) await pbx.stop();
    await nats?.stop();
  });

  it('should inject a digit into the call of whichever Asterisk has it, and refuse to guess', async () => {
    const [pbx1, pbx2] = pbxes as [PbxHandle, PbxHandle];
    const [a, b] = nodes as [ClusterNode, ClusterNode];
    const phone2 = pbx2.phoneCall('alice', '500');
    const uniqueid2 = pbx2.channels().find((c) => c.name === phone2)!.uniqueid;
    await until(
      () => b.runtime('pbx2')?.flow(uniqueid2)?.getSnapshot().value === 'passcode',
      'the IVR on pbx2 asking',
    );
    const injected = await post({ extension: '500', digit: '1' });
    expect(await injected.json()).toEqual({ ok: true, channel: phone2, uniqueid: uniqueid2 });
    await until(
      () => b.runtime('pbx2')!.call(uniqueid2)!.context.dtmf.includes('1'),
      'the digit heard on pbx2',
    );
    expect((await post({ extension: '999', digit: '1' })).status).toBe(404);
    expect((await post({ extension: '500', digit: 'x' })).status).toBe(400);
    expect((await post({ extension: '500', digit: '1', asterisk: 'pbx9' })).status).toBe(400);

    // A call at 500 on both: the body must say which.
    const phone1 = pbx1.phoneCall('alice', '500');
    const uniqueid1 = pbx1.channels().find((c) => c.name === phone1)!.uniqueid;
    await until(
      () => a.runtime('pbx1')?.flow(uniqueid1)?.getSnapshot().value === 'passcode',
      'the IVR on pbx1 asking',
    );
    const ambiguous = await post({ extension: '500', digit: '1' });
    expect(ambiguous.status).toBe(409);
    expect(await ambiguous.json()).toMatchObject({ ok: false, asterisks: ['pbx1', 'pbx2'] });
    const named = await post({ extension: '500', digit: '1', asterisk: 'pbx1' });
    expect(await named.json()).toEqual({ ok: true, channel: phone1, uniqueid: uniqueid1 });
    await until(
      () => a.runtime('pbx1')!.call(uniqueid1)!.context.dtmf.includes('1'),
      'the digit heard on pbx1',
    );
    pbx1.hangup(phone1);

    // An endpoint of one runtime reaches one Asterisk: it refuses a body naming one.
    const single = await startDtmfInjectionServer({ runtime: a.runtime('pbx1')!, token: TOKEN });
    try {
      const refused = await fetch(single.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ extension: '500', digit: '1', asterisk: 'pbx1' }),
      });
      expect(refused.status).toBe(400);
    } finally {
      await single.close();
    }
  });

  it("should show another node's calls and actors, stream their changes and follow a takeover", async () => {
    const pbx2 = pbxes[1]!;
    const phone = pbx2.channels().find((c) => c.exten === '500')!;
    const { uniqueid } = phone;

    const calls = (await (await get('api/cluster/calls')).json()) as {
      asterisks: Array<{ id: string; calls?: Array<{ uniqueid: string; flow?: unknown }> }>;
    };
    expect(calls.asterisks.map((a) => a.id)).toEqual(['pbx1', 'pbx2']);
    expect(calls.asterisks[1]!.calls).toEqual([
      expect.objectContaining({ uniqueid, flow: 'passcode', exten: '500' }),
    ]);

    // The owner's inspector, through NATS: actors, calls, statecharts drawn, the page itself.
    expect(await flowState('pbx2', uniqueid)).toBe('passcode');
    const actor = await get(`asterisks/pbx2/api/actors/${encodeURIComponent(`flow:${uniqueid}`)}`);
    expect(await actor.json()).toMatchObject({ actor: { machine: 'ivr' } });
    const ownCalls = (await (await get('asterisks/pbx2/api/calls')).json()) as {
      calls: Array<{ id: string }>;
    };
    expect(ownCalls.calls).toHaveLength(1);
    const diagram = await get('asterisks/pbx2/api/machines/ivr/diagram');
    expect(diagram.headers.get('content-type')).toContain('image/svg+xml');
    expect(await diagram.text()).toContain('<svg');
    expect((await get('asterisks/pbx2/api/actors/nobody')).status).toBe(404);
    expect((await get('asterisks/pbx3/')).status).toBe(404);
    const page = await get('asterisks/pbx2/');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain("new EventSource('events')");
    // fetch sets Host itself: a page of another site resolved to 127.0.0.1 is refused.
    const foreign = await new Promise<number | undefined>((resolve, reject) =>
      httpGet(inspector.url, { headers: { host: 'evil.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject),
    );
    expect(foreign).toBe(403);

    // The stream: a reset and the actors, then the flow's moves as the caller keys the passcode in.
    const upserted = (events: ReturnType<typeof readEvents>['events']) =>
      events.flatMap((e) => (e.kind === 'actors' ? (e.data.upsert as ActorSummary[]) : []));
    const stream = readEvents(new URL('asterisks/pbx2/events', inspector.url).href);
    try {
      await until(() => stream.events.some((e) => e.kind === 'reset'), 'the reset', 30_000);
      await until(
        () => upserted(stream.events).some((a) => a.id === `flow:${uniqueid}`),
        'the flow listed',
        30_000,
      );
      // The caller types the passcode at the next GET DATA (the one running may time out first).
      const unsubscribe = pbx2.pbx.subscribe(({ name, fields }) => {
        const field = (key: string) => fields.find(([k]) => k === key)?.[1] ?? '';
        if (
          name === 'AGIExecStart' &&
          field('Channel') === phone.name &&
          field('Command').startsWith('GET DATA')
        )
          void pbx2.sendDigits(phone.name, '12345#', { receive: true });
      });
      cleanups.push(unsubscribe);
      await until(
        () =>
          upserted(stream.events).some((a) => a.id === `flow:${uniqueid}` && a.state === 'menu'),
        'the flow in the menu, streamed',
        30_000,
      );
      expect(inspector.streams()).toBe(1);

      // Node b leaves (its flow stored, its lease released): the stream ends, nobody answers.
      const b = nodes[1]!;
      await b.close();
      await until(() => stream.ended(), 'the stream ended with its owner', 30_000);
      expect((await get('asterisks/pbx2/api/actors')).status).toBe(503);
    } finally {
      stream.stop();
    }
    await until(() => inspector.streams() === 0, 'no stream relayed');

    // Node c takes pbx2 over: the page's stream, opened again, shows the heir's actors.
    const c = await join('c', 2);
    await eventually(
      async () => (await flowState('pbx2', uniqueid)) === 'menu',
      'the heir showing the flow in the menu',
    );
    expect(c.runtime('pbx2')?.flow(uniqueid)?.getSnapshot().value).toBe('menu');
    const again = readEvents(new URL('asterisks/pbx2/events', inspector.url).href);
    try {
      await until(
        () => upserted(again.events).some((a) => a.id === `flow:${uniqueid}` && a.state === 'menu'),
        'the resumed flow, streamed from the heir',
        30_000,
      );
      pbx2.hangup(phone.name);
      await until(
        () =>
          upserted(again.events).some(
            (a) => a.id === `channel:${uniqueid}` && a.state === 'hungUp',
          ),
        'the hang-up, streamed from the heir',
        30_000,
      );
    } finally {
      again.stop();
    }
  });
});
