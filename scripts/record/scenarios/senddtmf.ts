import type { Scenario } from '../scenario.js';

/** SendDTMF() run from AsyncAGI: the digits leave the channel and arrive on its other half. */
export const scenario: Scenario = {
  summary:
    'EXEC SendDTMF(12#) and SendDTMF(5,100) from an AsyncAGI channel: the digits arrive on the other half of the Local pair (DTMFBegin, DTMFEnd)',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const agi = await ami.originateToAgi('403', '"Send DTMF" <5550070>');
    const from = ami.seen;
    await ami.agi(agi, 'ANSWER', 'send-answer');
    await ami.agi(agi, 'EXEC SendDTMF 12#', 'send-three');
    await ami.agi(agi, 'EXEC SendDTMF 5,100', 'send-short');
    await ami.agi(agi, 'HANGUP', 'send-hangup');
    await ami.hangupOf(agi.replace(/;2$/, ';1'), 15_000, from);
    await sleep(1000);
    await ami.logoff();
  },
};
