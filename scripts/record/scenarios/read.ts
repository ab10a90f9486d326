import type { Scenario } from '../scenario.js';

/**
 * Read() run from AsyncAGI: four digits keyed from the other half while its prompt plays, then
 * a Read that times out with two digits, and the variables it leaves.
 */
export const scenario: Scenario = {
  summary:
    'EXEC Read(PIN,beep,4) with digits keyed during the prompt, then a Read that times out with two digits; READSTATUS and the variables read back',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const agi = await ami.originateToAgi('403', '"Read" <5550060>');
    const caller = agi.replace(/;2$/, ';1');
    await ami.agi(agi, 'ANSWER', 'read-answer');
    const keys = async (digits: string) => {
      for (const digit of digits) {
        await ami.action('PlayDTMF', [
          ['Channel', caller],
          ['Digit', digit],
          ['Duration', '120'],
        ]);
        await sleep(150);
      }
    };
    let from = ami.seen;
    const pin = ami.agi(agi, 'EXEC Read PIN,beep,4', 'read-pin');
    // Well inside the command (a key between two AGI commands is lost): after the beep, in the
    // 10 s wait for the first key.
    await ami.event('AGIExecStart', (m) => m.get('Channel') === agi, 15_000, from);
    await sleep(1000);
    await keys('2468');
    await pin;
    await ami.agi(agi, 'GET VARIABLE PIN', 'read-pin-value');
    await ami.agi(agi, 'GET VARIABLE READSTATUS', 'read-pin-status');
    from = ami.seen;
    const short = ami.agi(agi, 'EXEC Read CODE,,4,,1,2', 'read-code');
    await ami.event('AGIExecStart', (m) => m.get('Channel') === agi, 15_000, from);
    await sleep(700);
    await keys('13');
    await short;
    await ami.agi(agi, 'GET VARIABLE CODE', 'read-code-value');
    await ami.agi(agi, 'GET VARIABLE READSTATUS', 'read-code-status');
    await ami.agi(agi, 'HANGUP', 'read-hangup');
    await ami.hangupOf(caller, 15_000, from);
    await sleep(1000);
    await ami.logoff();
  },
};
