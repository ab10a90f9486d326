import type { Scenario } from '../scenario.js';

/** SAY NUMBER, SAY DIGITS (one cut by a key), SET VARIABLE, GET VARIABLE, GET FULL VARIABLE. */
export const scenario: Scenario = {
  summary:
    'SAY NUMBER (7, 42, 1234), SAY DIGITS (one cut by a key), SET VARIABLE, GET VARIABLE (set, unset, empty, CALLERID(num)), GET FULL VARIABLE',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const agi = await ami.originateToAgi('403', '"Say Vars" <5550050>');
    await ami.agi(agi, 'ANSWER', 'say-answer');
    await ami.agi(agi, 'SAY NUMBER 7 ""', 'say-7');
    await ami.agi(agi, 'SAY NUMBER 42 ""', 'say-42');
    await ami.agi(agi, 'SAY NUMBER 1234 ""', 'say-1234');
    await ami.agi(agi, 'SAY DIGITS 305 ""', 'say-digits');
    const from = ami.seen;
    const cut = ami.agi(agi, 'SAY DIGITS 98765 "0123456789"', 'say-cut');
    await ami.event('AGIExecStart', (m) => m.get('Channel') === agi, 15_000, from);
    await sleep(1200);
    await ami.action('PlayDTMF', [
      ['Channel', agi.replace(/;2$/, ';1')],
      ['Digit', '3'],
      ['Duration', '250'],
    ]);
    await cut;
    await ami.agi(agi, 'SET VARIABLE COLOR blue', 'var-set');
    await ami.agi(agi, 'GET VARIABLE COLOR', 'var-get');
    await ami.agi(agi, 'GET VARIABLE NOSUCHVAR', 'var-unset');
    await ami.agi(agi, 'SET VARIABLE EMPTY ""', 'var-set-empty');
    await ami.agi(agi, 'GET VARIABLE EMPTY', 'var-get-empty');
    await ami.agi(agi, 'GET VARIABLE CALLERID(num)', 'var-callerid');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dialplan ${VAR} syntax
    await ami.agi(agi, 'GET FULL VARIABLE "${COLOR} at ${EXTEN}"', 'var-full');
    await ami.agi(agi, 'HANGUP', 'say-hangup');
    await ami.hangupOf(agi.replace(/;2$/, ';1'), 15_000, from);
    await sleep(1000);
    await ami.logoff();
  },
};
