import type { Scenario } from '../scenario.js';

/**
 * Redirect: an AsyncAGI channel sent elsewhere in the middle of a WAIT FOR DIGIT (its AGI ends, the
 * dialplan goes on at 401), a command queued for it afterwards, a channel in Wait() redirected,
 * and the errors of a Redirect without a channel that exists or without an extension.
 */
export const scenario: Scenario = {
  summary:
    'Redirect of an AsyncAGI channel mid-WAIT FOR DIGIT to 401 (its AGI ends), an AGI command queued after it, a Wait() channel redirected to echo, Redirect errors',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const agi = await ami.originateToAgi('403', '"Redirect" <5550020>');
    await ami.agi(agi, 'ANSWER', 'rd-answer');
    const from = ami.seen;
    // A wait, not a playback: where a playback stops depends on when the Redirect lands.
    const playing = ami.agi(agi, 'WAIT FOR DIGIT 10000', 'rd-wait');
    await ami.event('AGIExecStart', (m) => m.get('Channel') === agi, 15_000, from);
    await sleep(1000);
    await ami.action('Redirect', [
      ['Channel', agi],
      ['Context', 'default'],
      ['Exten', '401'],
      ['Priority', '1'],
    ]);
    await playing;
    await ami.event('AsyncAGIEnd', (m) => m.get('Channel') === agi, 15_000, from);
    await sleep(300);
    await ami.action('AGI', [
      ['Channel', agi],
      ['Command', 'NOOP'],
      ['CommandID', 'rd-after-end'],
    ]);
    await ami.hangupOf(agi, 15_000, from);
    await sleep(500);

    const parked = ami.seen;
    const id = ami.send('Originate', [
      ['Channel', 'Local/park@default'],
      ['Application', 'Wait'],
      ['Data', '30'],
      ['CallerID', '"Waiting" <5550021>'],
      ['Async', 'true'],
    ]);
    const response = await ami.event(
      'OriginateResponse',
      (m) => m.get('ActionID') === id,
      15_000,
      parked,
    );
    const waiting = response.get('Channel')!;
    await sleep(1000);
    await ami.action('Redirect', [
      ['Channel', waiting],
      ['Context', 'default'],
      ['Exten', 'echo'],
      ['Priority', '1'],
    ]);
    await sleep(1000);
    await ami.action('Redirect', [
      ['Channel', 'Local/nosuch@default-00000000;1'],
      ['Context', 'default'],
      ['Exten', '401'],
      ['Priority', '1'],
    ]);
    await ami.action('Redirect', [['Channel', waiting]]);
    await sleep(500);
    await ami.action('Hangup', [
      ['Channel', waiting],
      ['Cause', '16'],
    ]);
    await ami.hangupOf(waiting.replace(/;1$/, ';2'), 15_000, parked);
    await sleep(1000);
    await ami.logoff();
  },
};
