import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ClusterClient,
  NoOwnerError,
  RemoteCommandError,
} from '../../src/cluster/ClusterClient.js';
import { clusterDtmfInjector } from '../../src/cluster/clusterDtmfInjector.js';
import { createClusterNode } from '../../src/cluster/clusterNode.js';
import type { ClusterNode } from '../../src/cluster/clusterNodeTypes.js';
import { readLease } from '../../src/cluster/lease.js';
import { decodeToken } from '../../src/cluster/subjects.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { startDtmfInjectionServer } from '../../src/runtime/dtmfInjectionServer.js';
import { type NatsServer, startNatsServer } from '../support/natsServer.js';
import { runTsx, until } from '../support/spawnTsx.js';
import { describeWithNats } from './natsAvailable.js';

/**
 * One cluster node in this process, supervising an embedded PBX: what other processes see of it
 * through NATS. Call events on `octostate.<asterisk>.call.<linkedid>.<event>`, commands answered
 * by the owner (channels, DTMF, hang-up, originate, redirect) with typed errors, DTMF injection over
 * HTTP from a process that does not supervise the PBX, and `octostate cluster status|calls`.
 */
describeWithNats('a cluster node seen through NATS', () => {
  const TTL = 1_500;
  let nats: NatsServer;
  let pbx: PbxHandle;
  let node: ClusterNode;
  let other: NatsConnection;
  let client: ClusterClient;
  const events: Msg[] = [];
  beforeAll(async () => {
    nats = await startNatsServer();
    pbx = await startPbx({ port: 0, phones: [{ name: 'alice' }] });
    node = createClusterNode({
      servers: nats.url,
      node: 'solo',
      asterisks: [{ id: 'pbx', url: pbx.url.replace('ami://', 'ami://manager:secret@') }],
      leaseTtlMs: TTL,
      logger: pino({ level: 'silent' }),
      runtime: { lingerMs: 100 },
    });
    node.handle({ exten: '500', inAgi: true }, ivrMachine);
    const acquired = new Promise((resolve) => node.bus.on('acquired', resolve));
    await node.ready();
    await acquired;
    other = await connect({ servers: nats.url });
    other.subscribe('octostate.pbx.call.>', {
      callback: (_, message) => {
        events.push(message);
      },
    });
    client = new ClusterClient(other);
  });
  afterAll(async () => {
    await other?.close();
    await node?.close();
    await pbx?.stop();
    await nats?.stop();
  });

  it('should publish call events per call and answer commands from another connection', async () => {
    const phone = pbx.phoneCall('alice', '500');
    const uniqueid = pbx.channels().find((c) => c.name === phone)!.uniqueid;
    await until(
      () => node.runtime('pbx')?.flow(uniqueid)?.getSnapshot().value === 'passcode',
      'the IVR asking',
    );
    const [listed] = await client.channels('pbx');
    expect(listed).toMatchObject({ uniqueid, name: phone, exten: '500', flow: 'passcode' });

    // Events: subject tokens decode to the Linkedid, which has a '.'.
    await until(() => events.some((m) => m.subject.endsWith('.flow')), 'a flow event');
    const subjects = events.map((m) => m.subject.split('.'));
    expect(
      subjects.every(
        ([root, asterisk, call]) => root === 'octostate' && asterisk === 'pbx' && call === 'call',
      ),
    ).toBe(true);
    expect(new Set(subjects.map((tokens) => decodeToken(tokens[3]!)))).toEqual(
      new Set([listed!.linkedid]),
    );
    expect(listed!.linkedid).toContain('.');
    expect(new Set(subjects.map((tokens) => tokens[4]))).toEqual(
      new Set(['channel', 'state', 'flow']),
    );
    expect(events[0]!.json()).toMatchObject({
      asterisk: 'pbx',
      node: 'solo',
      uniqueid,
      event: 'channel',
      name: phone,
    });

    // DTMF over HTTP, from a server that only knows the cluster.
    const server = await startDtmfInjectionServer({
      runtime: clusterDtmfInjector(client, 'pbx'),
      token: 'a-token-of-16-chars-or-more',
    });
    const post = (body: object) =>
      fetch(server.url, {
        method: 'POST',
        headers: { authorization: 'Bearer a-token-of-16-chars-or-more' },
        body: JSON.stringify(body),
      });
    try {
      const injected = await post({ extension: '500', digit: '7' });
      expect(injected.status).toBe(200);
      expect(await injected.json()).toEqual({ ok: true, channel: phone, uniqueid });
      expect((await post({ extension: '999', digit: '7' })).status).toBe(404);
      expect((await post({ extension: '500', digit: 'x' })).status).toBe(400);
    } finally {
      await server.close();
    }
    await until(
      () => node.runtime('pbx')!.call(uniqueid)!.context.dtmf.includes('7'),
      'the digit heard',
    );

    // Originate, redirect (out of Wait, into the echo test), hang-up.
    const originated = await client.originate('pbx', {
      channel: 'Local/401@default',
      application: 'Wait',
      data: '30',
    });
    expect(originated.name).toMatch(/^Local\/401@default-[0-9a-f]+;1$/);
    await client.redirect('pbx', {
      uniqueid: originated.uniqueid,
      context: 'default',
      exten: 'echo',
    });
    await until(
      () => pbx.channels().find((c) => c.name === originated.name)?.exten === 'echo',
      'the redirect',
    );
    await client.hangup('pbx', { uniqueid: originated.uniqueid });
    await client.hangup('pbx', { channel: phone });
    await until(() => pbx.channels().length === 0, 'every channel gone');
    await until(
      () =>
        events.some(
          (m) =>
            m.subject.endsWith('.hangup') && m.json<{ uniqueid: string }>().uniqueid === uniqueid,
        ),
      'the hang-up event',
    );
  });

  it('should give typed errors: nobody supervising, no such call', async () => {
    await expect(client.channels('nobody')).rejects.toBeInstanceOf(NoOwnerError);
    const failure = await client
      .hangup('pbx', { uniqueid: '1.2' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RemoteCommandError);
    expect(failure).toMatchObject({ remoteName: 'NoSuchCallError', node: 'solo' });
    expect((failure as Error).stack).toContain('node.test.ts');
  });

  it('should show nodes, leases and calls with octostate cluster', async () => {
    const status = runTsx('src/cli/main.ts', ['cluster', 'status', '--nats', nats.url]);
    expect((await status.exit).code).toBe(0);
    expect(status.stdout()).toMatch(/^ {2}solo {2}pbx \(0 channels, 0 flows\)/m);
    expect(status.stdout()).toMatch(/^ {2}pbx {2}held by solo since /m);
    const calls = runTsx('src/cli/main.ts', [
      'cluster',
      'calls',
      '--asterisk',
      'pbx',
      '--nats',
      nats.url,
      '--json',
    ]);
    expect((await calls.exit).code).toBe(0);
    expect(JSON.parse(calls.stdout())).toEqual([]);
    const usage = runTsx('src/cli/main.ts', ['cluster', 'calls', '--nats', nats.url]);
    expect((await usage.exit).code).toBe(2);
    expect(usage.stderr()).toContain('calls needs one --asterisk');

    // The cluster's inspector from a process that is no node: the Asterisks supervised now.
    const inspect = runTsx('src/cli/main.ts', ['cluster', 'inspect', '--nats', nats.url]);
    try {
      await until(() => /inspector at (\S+)/.test(inspect.stdout()), 'the inspector', 60_000);
      const url = /inspector at (\S+)/.exec(inspect.stdout())![1]!;
      expect(inspect.stdout()).toContain('(pbx)');
      const listed = (await (await fetch(`${url}api/cluster/calls`)).json()) as unknown;
      expect(listed).toEqual({ asterisks: [{ id: 'pbx', calls: [] }] });
      const actors = (await (await fetch(`${url}asterisks/pbx/api/actors`)).json()) as {
        actors: Array<{ id: string }>;
      };
      expect(actors.actors.map((actor) => actor.id)).toEqual(['supervisor']);
    } finally {
      inspect.child.kill('SIGTERM');
    }
    expect((await inspect.exit).code).toBe(0);
  });

  it('should release its lease when it closes, for a standby to take at once', async () => {
    await node.close();
    const stores = await import('../../src/cluster/clusterStores.js').then((m) =>
      m.openClusterStores(other, { ...m.DEFAULT_STORE_LIMITS, leaseTtlMs: TTL }),
    );
    expect(await readLease(stores.leases, 'pbx')).toBeUndefined();
    expect(node.supervised()).toEqual([]);
  });
});
