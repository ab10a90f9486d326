import type { Scenario } from '../scenario.js';

/**
 * AGI errors and a channel that hangs up mid-command: an unknown command (510), a usage error
 * (520), AGI on a channel that never entered AGI, a WAIT FOR DIGIT cut by the caller's hang-up with a
 * NOOP queued behind it, and AGI sent to the channel once it is gone; then, on a second call, a
 * STREAM FILE of a file that does not exist, which ends the AGI session.
 */
export const scenario: Scenario = {
  summary:
    'AGI 510 and 520, AGI on a channel outside AGI, WAIT FOR DIGIT cut by a hang-up with a NOOP queued behind it, AGI to the gone channel; STREAM FILE of a missing file ends the AGI',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const agi = await ami.originateToAgi('403', '"Dead Channel" <5550040>');
    const caller = agi.replace(/;2$/, ';1');
    await ami.agi(agi, 'ANSWER', 'dead-answer');
    await ami.agi(agi, 'NO SUCH COMMAND', 'dead-510');
    await ami.agi(agi, 'SAY DIGITS * ""', 'dead-520');
    await ami.action('AGI', [
      ['Channel', caller],
      ['Command', 'NOOP'],
      ['CommandID', 'dead-not-in-agi'],
    ]);
    const from = ami.seen;
    // A wait, not a playback: where a playback stops depends on when the hang-up lands.
    const playing = ami.agi(agi, 'WAIT FOR DIGIT 10000', 'dead-wait');
    await ami.event('AGIExecStart', (m) => m.get('Channel') === agi, 15_000, from);
    await ami.action('AGI', [
      ['Channel', agi],
      ['Command', 'NOOP'],
      ['CommandID', 'dead-queued'],
    ]);
    await sleep(1000);
    await ami.action('Hangup', [
      ['Channel', caller],
      ['Cause', '16'],
    ]);
    await playing;
    await ami.hangupOf(agi, 15_000, from);
    await sleep(300);
    await ami.action('AGI', [
      ['Channel', agi],
      ['Command', 'NOOP'],
      ['CommandID', 'dead-gone'],
    ]);
    await sleep(500);

    const second = await ami.originateToAgi('403', '"Missing File" <5550041>');
    const next = ami.seen;
    await ami.agi(second, 'ANSWER', 'missing-answer');
    await ami.agi(second, 'STREAM FILE no-such-sound ""', 'missing-stream');
    await ami.action('AGI', [
      ['Channel', second],
      ['Command', 'NOOP'],
      ['CommandID', 'missing-after'],
    ]);
    await ami.hangupOf(second, 15_000, next);
    await sleep(1000);
    await ami.logoff();
  },
};
