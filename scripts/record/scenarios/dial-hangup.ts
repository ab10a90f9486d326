import type { Scenario } from '../scenario.js';

/**
 * Hang-ups while Dial() rings: the caller hangs up (DialEnd CANCEL), then, on a second call, the
 * ringing callee hangs up.
 */
export const scenario: Scenario = {
  summary:
    'Dial from AsyncAGI to a ringing extension: the caller hangs up while it rings (CANCEL); on a second call the ringing callee hangs up first',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const ringing = async (label: string) => {
      const channel = await ami.originateToAgi('403', `"${label}" <5550030>`);
      await ami.agi(channel, 'ANSWER', `${label}-answer`);
      const from = ami.seen;
      const dial = ami.agi(channel, 'EXEC Dial Local/ring@default,10', `${label}-dial`, {
        timeoutMs: 30_000,
      });
      const state = await ami.event('DialState', (m) => m.get('Channel') === channel, 15_000, from);
      return { channel, dial, from, callee: state.get('DestChannel')! };
    };

    const first = await ringing('cancel');
    await sleep(1000);
    await ami.action('Hangup', [
      ['Channel', first.channel.replace(/;2$/, ';1')],
      ['Cause', '16'],
    ]);
    await first.dial;
    await ami.hangupOf(first.channel, 15_000, first.from);
    await ami.hangupOf(first.callee.replace(/;1$/, ';2'), 15_000, first.from);
    await sleep(1000);

    const second = await ringing('gone');
    await sleep(1000);
    await ami.action('Hangup', [
      ['Channel', second.callee.replace(/;1$/, ';2')],
      ['Cause', '21'],
    ]);
    await second.dial;
    await ami.agi(second.channel, 'GET VARIABLE DIALSTATUS', 'gone-status');
    await ami.agi(second.channel, 'HANGUP', 'gone-hangup');
    await ami.hangupOf(second.channel.replace(/;2$/, ';1'), 15_000, second.from);
    await sleep(1000);
    await ami.logoff();
  },
};
