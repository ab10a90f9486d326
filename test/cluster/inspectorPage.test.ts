import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ClusterInspectorHandle,
  startClusterInspector,
} from '../../src/cluster/clusterInspector.js';
import { createClusterNode } from '../../src/cluster/clusterNode.js';
import type { ClusterNode } from '../../src/cluster/clusterNodeTypes.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { browserAvailability, launchChromium, screenshot } from '../browser/chromium.js';
import { type NatsServer, startNatsServer } from '../support/natsServer.js';
import { until } from '../support/spawnTsx.js';
import { describeWithNats } from './natsAvailable.js';

/**
 * The cluster inspector's page in headless Chromium, served by a process that supervises nothing:
 * it is the owner's inspector page, relayed through NATS, under `/asterisks/pbx/`. It follows an
 * IVR call (the list, the drawn statechart), and when the owner hands the PBX over to another node
 * the page's event stream comes back by itself with the heir's actors.
 */
const availability = browserAvailability();
if (!availability.run && process.env.OCTOSTATE_REQUIRE_CLUSTER)
  throw new Error(`the cluster suite must run here, but there is ${availability.why}`);
if (!availability.run) console.log(`cluster inspector page not tested: ${availability.why}`);

const active = (node: string) => `#chart g[data-node="${node}"].active`;

describeWithNats('the cluster inspector page in Chromium', () => {
  let nats: NatsServer;
  let pbx: PbxHandle;
  const nodes: ClusterNode[] = [];
  let viewer: NatsConnection;
  let inspector: ClusterInspectorHandle;
  let browser: Browser | undefined;
  let page: Page;
  const join = async (name: string): Promise<ClusterNode> => {
    const node = createClusterNode({
      servers: nats.url,
      node: name,
      asterisks: [{ id: 'pbx', url: pbx.url.replace('ami://', 'ami://manager:secret@') }],
      leaseTtlMs: 1_500,
      logger: pino({ level: 'silent' }),
      runtime: { lingerMs: 200 },
    });
    nodes.push(node);
    node.handle({ exten: '500', inAgi: true }, ivrMachine);
    const acquired = new Promise((resolve) => node.bus.on('acquired', resolve));
    await node.ready();
    await acquired;
    return node;
  };

  beforeAll(async () => {
    if (!availability.run) return;
    nats = await startNatsServer();
    pbx = await startPbx({ port: 0, phones: [{ name: 'alice', callerIdName: 'Alice' }] });
    await join('first');
    viewer = await connect({ servers: nats.url });
    inspector = await startClusterInspector({ nats: viewer, asterisks: ['pbx'] });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await inspector?.close();
    await viewer?.close();
    for (const node of nodes) await node.close();
    await pbx?.stop();
    await nats?.stop();
  });

  it.runIf(availability.run)(
    'should follow a call on the owner’s page through NATS, and come back after a handover',
    async () => {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(inspector.url);
      await page.click('a[href="asterisks/pbx/"]');
      await page.waitForSelector('#status:text("live")');

      const phone = pbx.phoneCall('alice', '500');
      const uniqueid = pbx.channels().find((channel) => channel.name === phone)!.uniqueid;
      const flow = `flow:${uniqueid}`;
      await page.waitForSelector(`#calls [data-actor="${flow}/passcode"]`);
      await page.click(`#calls [data-actor="${flow}"]`);
      await page.waitForSelector(active('ivr.passcode'));
      await screenshot(page, 'cluster-inspector-1-passcode');

      // The first node hands the PBX over (flows stored, lease released); another takes it.
      await nodes[0]!.close();
      await page.waitForSelector('#status:text("disconnected, retrying…")');
      // The restored passcode asks again: the caller types it once the heir's GET DATA runs.
      let asked = false;
      const unsubscribe = pbx.pbx.subscribe(({ name, fields }) => {
        const field = (key: string) => fields.find(([k]) => k === key)?.[1] ?? '';
        if (name === 'AGIExecStart' && field('Channel') === phone)
          asked ||= field('Command').startsWith('GET DATA');
      });
      const heir = await join('heir');
      await until(() => heir.runtime('pbx')?.flow(uniqueid) !== undefined, 'the flow resumed');
      // The page's stream comes back by itself, now from the heir; the caller goes on.
      await page.waitForSelector('#status:text("live")', { timeout: 30_000 });
      await until(() => asked, 'the passcode asked by the heir');
      unsubscribe();
      await pbx.sendDigits(phone, '12345#', { receive: true });
      await page.click(`#calls [data-actor="${flow}"]`);
      await page.waitForSelector(active('ivr.menu'), { timeout: 30_000 });
      await screenshot(page, 'cluster-inspector-2-menu-after-handover');
      expect(errors).toEqual([]);
      pbx.hangup(phone);
    },
    120_000,
  );
});
