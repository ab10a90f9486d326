import { AmiConnection } from 'octostate/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterHarness, now } from '../cluster/clusterHarness.js';
import {
  expectNothingLeft,
  expectOneDriverAtATime,
  firstReport,
  leaseTimeline,
  marks,
  storedStates,
  until,
} from '../cluster/ivrCalls.js';
import { natsServerMissing } from '../support/natsServer.js';
import { liveTarget } from './liveTarget.js';
import { hangUpEverything, silentLogger, TALKING_CALLER } from './support/liveRig.js';

/**
 * A cluster with the real Asterisk in it: two node processes around a `nats-server`, one of them
 * supervising the Asterisk (its lease), IVR callers on it (`Local/500@default`, the `;1` half typing
 * the passcode with `PlayDTMF` when `GET DATA` starts). With every caller in the menu, the owner is
 * SIGKILLed: the other node takes the lease within 5 s, resynchronises from the real Asterisk's
 * `CoreShowChannels`, resumes every stored flow in the menu, and every caller, pressing 2 from then
 * on, hears the goodbye from the heir, which alone drives the calls after the kill.
 */
const CALLERS = Number(process.env.OCTOSTATE_LIVE_CLUSTER_CALLERS ?? 20);
const { url } = liveTarget();
const natsMissing = natsServerMissing();
if (url && natsMissing && process.env.OCTOSTATE_REQUIRE_LIVE)
  throw new Error(`the live cluster test must run here, but ${natsMissing}`);
if (url && natsMissing) console.warn(`[live suite] cluster test skipped: ${natsMissing}`);
const MENU = /^(STREAM FILE (vm-press|digits\/|please-try-again)|WAIT FOR DIGIT)/;

describe.skipIf(!url || natsMissing)('a cluster with the real Asterisk, its owner killed', () => {
  const port = Number(new URL(url ?? 'ami://x:1').port);
  const cluster = new ClusterHarness({
    pbxes: [],
    nodes: ['a', 'b'],
    callersPerPbx: 0,
    external: { real: port },
  });
  /** The test's own AMI session: the callers' side (it drives no call logic). */
  const callers = AmiConnection.fromUrl(url ?? '', { logger: silentLogger });
  /** The IVR halves (`;2`) of the callers placed, and their AGI commands as Asterisk ran them. */
  const ivrHalves = new Map<string, string[]>();
  const gone = new Set<string>();
  let choice: string | undefined;
  const press = (ivrHalf: string, digits: string): void => {
    const caller = ivrHalf.replace(/;2$/, ';1');
    void (async () => {
      for (const digit of digits) {
        await callers
          .action('PlayDTMF', { Channel: caller, Digit: digit, Duration: '120' })
          .catch(() => {});
      }
    })();
  };

  beforeAll(async () => {
    await callers.connect();
    await hangUpEverything(url!);
    callers.bus.on('event', (event) => {
      const channel = event.get('Channel') ?? '';
      if (event.name === 'Newchannel' && /^Local\/500@default-[0-9a-f]+;2$/.test(channel)) {
        ivrHalves.set(channel, []);
      }
      const commands = ivrHalves.get(channel);
      if (!commands) return;
      if (event.name === 'AGIExecStart') {
        const command = event.get('Command') ?? '';
        commands.push(command);
        if (command.startsWith('GET DATA')) press(channel, '12345');
        else if (choice !== undefined && MENU.test(command)) press(channel, choice);
      } else if (event.name === 'Hangup') gone.add(channel);
    });
    await cluster.start();
    await until(async () => (await cluster.owners()).has('real'), 'the Asterisk supervised');
  }, 120_000);
  afterAll(async () => {
    console.info(`lease timeline:\n${leaseTimeline(cluster).sort().join('\n')}`);
    await cluster.stop();
    if (url) await hangUpEverything(url);
    await callers.close();
  });

  it('should hand the real Asterisk to the other node within 5 s, every caller finishing from the menu', async () => {
    for (let i = 0; i < CALLERS; i += 1) {
      await callers.action('Originate', {
        Channel: 'Local/500@default',
        Application: TALKING_CALLER.application,
        Data: TALKING_CALLER.data,
        Async: 'true',
      });
    }
    await until(
      async () => {
        const channels = await cluster.client.channels('real').catch(() => []);
        return channels.filter((channel) => channel.flow === 'menu').length === CALLERS;
      },
      'every caller in the menu',
      120_000,
    );
    await until(
      async () =>
        (await storedStates(cluster, 'real')).filter((s) => s === 'menu').length === CALLERS,
      'every flow stored in the menu',
    );
    expect(ivrHalves.size).toBe(CALLERS);

    const owner = (await cluster.owners()).get('real')!;
    const from = marks(cluster);
    const killedAt = now();
    choice = '2';
    await cluster.nodes.get(owner)!.kill('SIGKILL');
    const heir = await firstReport(
      cluster,
      from,
      (r) => r.type === 'leased' && r.asterisk === 'real',
    );
    const leasedAfterMs = heir.report.t! - killedAt;
    expect(heir.node).not.toBe(owner);
    expect(leasedAfterMs).toBeLessThan(5_000);
    const acquired = await cluster.nodes
      .get(heir.node)!
      .next((r) => r.type === 'acquired' && r.asterisk === 'real', 60_000, from.get(heir.node));
    expect(acquired.restored).toEqual({ found: CALLERS, dropped: 0 });
    console.info(
      `live failover of ${CALLERS} calls on the real Asterisk: lease taken ${Math.round(leasedAfterMs)} ms after SIGKILL, flows resumed ${Math.round(acquired.t! - killedAt)} ms after it`,
    );

    await until(() => gone.size === CALLERS, 'every IVR half hung up', 120_000);
    for (const [channel, commands] of ivrHalves) {
      // The passcode asked once (before the kill), the goodbye last.
      expect(
        commands.filter((command) => command.startsWith('GET DATA')),
        channel,
      ).toHaveLength(1);
      expect(commands.slice(-2), channel).toEqual(['STREAM FILE vm-goodbye ""', 'HANGUP']);
      const after = cluster.agi.filter((c) => c.channel === channel && c.at > heir.report.t!);
      expect(new Set(after.map((c) => c.node)), channel).toEqual(new Set([heir.node]));
    }
    expectOneDriverAtATime(cluster.agi);
    await expectNothingLeft(cluster);
  }, 240_000);
});
