import type { Scenario } from '../scenario.js';

/**
 * Status, CoreShowChannels and `core show channels` while calls are up: 402 bridged with the
 * agent, 403 in AsyncAGI, park in Wait(); then each call hung up. The three calls start together
 * and are listed 2.2 s later, so that every channel's age in whole seconds (Duration, Seconds) is
 * clear of a second's edge: a replay a little late or early lists the same.
 */
export const scenario: Scenario = {
  summary:
    'Status (all, and one channel), CoreShowChannels and core show channels with live calls: 402 bridged with the agent, 403 in AsyncAGI, park waiting; then each call hung up',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const from = ami.seen;
    const started = Date.now();
    const originate = (exten: string, caller: string, extra: [string, string][] = []) =>
      ami.send('Originate', [
        ['Channel', `Local/${exten}@default`],
        ['Application', 'Wait'],
        ['Data', '30'],
        ['CallerID', caller],
        ['Async', 'true'],
        ...extra,
      ]);
    const calls = [
      originate('402', '"Bridged" <5550080>'),
      originate('403', '"In AGI" <5550081>'),
      originate('park', '"Parked" <5550082>'),
    ];
    // 403 answers when its AGI says so.
    const agi = (
      await ami.event(
        'AsyncAGIStart',
        (m) => /^Local\/403@default-.*;2$/.test(m.get('Channel') ?? ''),
        15_000,
        from,
      )
    ).get('Channel')!;
    await ami.agi(agi, 'ANSWER', 'status-answer', { waitResult: false });
    const [bridgedOne, agiOne, parkedOne] = await Promise.all(
      calls.map(async (id) => {
        await ami.response(id);
        const r = await ami.event(
          'OriginateResponse',
          (m) => m.get('ActionID') === id,
          15_000,
          from,
        );
        return r.get('Channel')!;
      }),
    );
    await ami.event(
      'BridgeEnter',
      (m) => /^Local\/402@default-/.test(m.get('Channel') ?? ''),
      15_000,
      from,
    );
    await sleep(Math.max(0, 2200 - (Date.now() - started)));
    const status = ami.send('Status');
    await ami.event('StatusComplete', (m) => m.get('ActionID') === status);
    const listed = ami.send('CoreShowChannels');
    await ami.event('CoreShowChannelsComplete', (m) => m.get('ActionID') === listed);
    const one = ami.send('Status', [['Channel', agi]]);
    await ami.event('StatusComplete', (m) => m.get('ActionID') === one);
    await ami.action('Command', [['Command', 'core show channels']]);
    await sleep(200);
    // One call at a time (a /regex/ Hangup would race each call's own hang-ups).
    for (const channel of [agiOne!, bridgedOne!, parkedOne!]) {
      const before = ami.seen;
      await ami.action('Hangup', [
        ['Channel', channel],
        ['Cause', '16'],
      ]);
      await ami.hangupOf(channel.replace(/;1$/, ';2'), 15_000, before);
      await sleep(300);
    }
    await sleep(1000);
    const empty = ami.send('CoreShowChannels');
    await ami.event('CoreShowChannelsComplete', (m) => m.get('ActionID') === empty);
    await sleep(500);
    await ami.logoff();
  },
};
