import type { Scenario } from '../scenario.js';

/**
 * The IVR on 500 as ivrMachine drives it over AsyncAGI: answer, passcode with GET DATA (a wrong
 * one, then 12345#, keyed from the other half while the prompt plays), the menu's prompts and its
 * wait for a key (1), Dial of the agent, the agent hangs up, the IVR hangs up.
 */
export const scenario: Scenario = {
  summary:
    'the IVR on 500 over AsyncAGI: GET DATA passcode (wrong, then 12345#) keyed during the prompt, the menu prompts then 1 in WAIT FOR DIGIT, Dial to the agent, the agent hangs up, HANGUP',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const ivr = await ami.originateToAgi('500', '"IVR Caller" <5550500>');
    const caller = ivr.replace(/;2$/, ';1');
    await ami.agi(ivr, 'ANSWER', 'ivr-answer');
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
    /**
     * Queues a command, waits until Asterisk starts it and `ms` more, keys digits, waits for it.
     * The keys come well inside the command: a key that reaches the channel between two AGI
     * commands is lost, and a replay may run a little early or late.
     */
    const keyedDuring = async (command: string, id: string, ms: number, digits: string) => {
      const from = ami.seen;
      const done = ami.agi(ivr, command, id);
      await ami.event('AGIExecStart', (m) => m.get('Command') === command, 15_000, from);
      await sleep(ms);
      await keys(digits);
      return done;
    };
    await keyedDuring('GET DATA agent-pass 5000 16', 'ivr-passcode-1', 2500, '999#');
    await ami.agi(ivr, 'STREAM FILE vm-incorrect ""', 'ivr-incorrect');
    await keyedDuring('GET DATA agent-pass 5000 16', 'ivr-passcode-2', 2500, '12345#');
    // The menu as menuMachine offers it: its prompts, then a wait for the key (pressed well
    // inside it, so that a replay a little late still lands there).
    await ami.agi(ivr, 'STREAM FILE vm-press "12"', 'ivr-menu-1');
    await ami.agi(ivr, 'STREAM FILE digits/1 "12"', 'ivr-menu-2');
    await ami.agi(ivr, 'STREAM FILE vm-press "12"', 'ivr-menu-3');
    await ami.agi(ivr, 'STREAM FILE digits/2 "12"', 'ivr-menu-4');
    await keyedDuring('WAIT FOR DIGIT 5000', 'ivr-menu-wait', 2000, '1');
    const from = ami.seen;
    const dialing = ami.agi(ivr, 'EXEC Dial Local/agent@default', 'ivr-dial', {
      timeoutMs: 60_000,
    });
    const enter = await ami.event('BridgeEnter', (m) => m.get('Channel') === ivr, 15_000, from);
    const agent = (
      await ami.event(
        'BridgeEnter',
        (m) => m.get('BridgeUniqueid') === enter.get('BridgeUniqueid') && m.get('Channel') !== ivr,
        15_000,
        from,
      )
    ).get('Channel')!;
    await sleep(2000);
    await ami.action('Hangup', [
      ['Channel', agent.replace(/;1$/, ';2')],
      ['Cause', '16'],
    ]);
    await dialing;
    await ami.agi(ivr, 'GET VARIABLE DIALSTATUS', 'ivr-dialstatus');
    await ami.agi(ivr, 'HANGUP', 'ivr-hangup');
    await ami.hangupOf(caller);
    await sleep(1000);
    await ami.logoff();
  },
};
