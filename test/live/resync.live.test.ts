import { AmiConnection } from 'octostate/connection';
import { describe, expect, it } from 'vitest';
import {
  hangUpEverything,
  type LiveRig,
  nextEvent,
  type PbxKind,
  silentLogger,
  until,
} from './support/liveRig.js';
import { onBoth, pbxPair } from './support/parity.js';
import { startTcpProxy, type TcpProxy } from './support/tcpProxy.js';

/**
 * The runtime loses its AMI connection (a relay in front of the PBX is cut) while 50 calls are up;
 * 10 of them end while it is away. Once back, it rebuilds its channels from `CoreShowChannels`:
 * the 80 channels still up keep their actors, the 20 that went away are reported lost. Same code on
 * the real Asterisk and on the embedded PBX.
 */
const pair = pbxPair();

const CALLS = 50;
const ENDED_WHILE_AWAY = 10;

/** The names of the channels the PBX lists now. */
async function listed(ami: AmiConnection): Promise<string[]> {
  const { items } = await ami.listAction('CoreShowChannels');
  return items.map((item) => item.get('Channel') ?? '').sort();
}

async function loseAndRebuild({ pbx, runtime }: LiveRig, relay: TcpProxy) {
  const direct = AmiConnection.fromUrl(pair.urlOf(pbx), {
    logger: silentLogger,
    reconnect: false,
  });
  await direct.connect();
  try {
    const lost: string[] = [];
    runtime.bus.on('hangup', ({ output }) => {
      if (output.lost) lost.push(output.name);
    });
    const calls = await Promise.all(
      Array.from({ length: CALLS }, () =>
        runtime.originate({ channel: 'Local/park@default', application: 'Wait', data: '120' }),
      ),
    );
    await until(() => runtime.channels.all().length === 2 * CALLS, `${2 * CALLS} channels up`);

    const away = nextEvent(runtime, 'connection', (event) => event.state === 'reconnecting');
    await relay.cut();
    await away;
    const ending = calls.slice(0, ENDED_WHILE_AWAY).map((call) => call.name);
    await Promise.all(ending.map((name) => direct.action('Hangup', { Channel: name })));
    let stillUp = await listed(direct);
    for (let tries = 0; stillUp.length !== 2 * (CALLS - ENDED_WHILE_AWAY) && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stillUp = await listed(direct);
    }

    const rebuilt = nextEvent(runtime, 'resync');
    await relay.restore();
    const report = await rebuilt;
    const actors = runtime.channels
      .all()
      .map((ref) => ref.getSnapshot().context.name)
      .sort();
    const result = {
      report,
      actorsMatchPbx: JSON.stringify(actors) === JSON.stringify(stillUp),
      actors: actors.length,
      lost: lost.length,
      lostAreTheEnded: lost.every((name) =>
        ending.some((end) => name.startsWith(end.slice(0, -2))),
      ),
    };
    await hangUpEverything(pair.urlOf(pbx));
    return result;
  } finally {
    await direct.close();
  }
}

describe.skipIf(!pair.asteriskUrl)(`resync on a real Asterisk (${pair.reason})`, () => {
  it(`should rebuild ${CALLS} calls from CoreShowChannels after losing the connection`, async () => {
    const relays = new Map<PbxKind, TcpProxy>();
    const runs = await onBoth(pair, (rig) => loseAndRebuild(rig, relays.get(rig.pbx)!), {
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      via: async (url, pbx) => {
        const relay = await startTcpProxy(url);
        relays.set(pbx, relay);
        return relay;
      },
      settleMs: 30_000,
    });
    const up = 2 * (CALLS - ENDED_WHILE_AWAY);
    expect(runs.asterisk.result).toEqual({
      report: { listed: up, created: 0, lost: 2 * ENDED_WHILE_AWAY },
      actorsMatchPbx: true,
      actors: up,
      lost: 2 * ENDED_WHILE_AWAY,
      lostAreTheEnded: true,
    });
    expect(runs.embedded.result).toEqual(runs.asterisk.result);
  }, 90_000);
});
