import { AmiConnection } from 'octostate/connection';
import { type LiveRig, nextAmiEvent, nextEvent, silentLogger, until } from './liveRig.js';

/**
 * `core restart now` under `calls` calls (Local/park, both halves up), sent on a session of its own
 * at `controlUrl`: resolves with how the runtime saw it once it is back and has placed a new call
 * (how the channels of before ended, its connection states, the resync report, what it still
 * holds, the new call's state). The runtime must reconnect by itself.
 */
export async function restartUnderCalls(
  { runtime, client }: LiveRig,
  controlUrl: string,
  calls: number,
) {
  const ended: string[] = [];
  runtime.bus.on('hangup', ({ output }) =>
    ended.push(output.lost ? 'lost' : `${output.cause} ${output.causeText}`),
  );
  const connection: string[] = [];
  runtime.bus.on('connection', ({ state }) => connection.push(state));
  await Promise.all(
    Array.from({ length: calls }, () =>
      runtime.originate({ channel: 'Local/park@default', application: 'Wait', data: '120' }),
    ),
  );
  await until(() => runtime.channels.all().length === 2 * calls, `${2 * calls} channels up`);

  const back = nextEvent(runtime, 'resync');
  // AMI answers before the restarted Asterisk has loaded its dialplan: an Originate fails (Reason
  // 0) until it announces FullyBooted, which the new session gets at login or once booted.
  const booted = nextAmiEvent(client, 'FullyBooted', () => client.state === 'connected');
  const control = AmiConnection.fromUrl(controlUrl, {
    logger: silentLogger,
    reconnect: false,
  });
  await control.connect();
  // The PBX may close the session before it answers: what counts is what the runtime sees.
  await control.action('Command', { Command: 'core restart now' }).catch(() => undefined);
  await control.close();
  const report = await back;
  await until(() => ended.length === 2 * calls, 'every channel of before the restart ended');
  const afterwards = runtime.channels.all().length;
  const endings = ended.splice(0);
  await booted;
  const call = await runtime.originate({
    channel: 'Local/401@default',
    application: 'Wait',
    data: '5',
  });
  const answered = call.state;
  await call.waitForHangup();
  return {
    // How the channels of before ended, counted by cause (or `lost`).
    ended: endings.reduce<Record<string, number>>((counts, how) => {
      counts[how] = (counts[how] ?? 0) + 1;
      return counts;
    }, {}),
    connection: [...new Set(connection)],
    report,
    afterwards,
    answered,
  };
}
