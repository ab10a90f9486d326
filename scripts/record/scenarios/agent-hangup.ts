import type { Scenario } from '../scenario.js';

/** 402 bridged with the agent, then the agent hangs up: the bridge ends, 402 goes on and ends. */
export const scenario: Scenario = {
  summary:
    '402 dials the agent and both are bridged; the agent hangs up (Hangup of its ;2): BridgeLeave, Dial returns, 402 hangs up',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const from = ami.seen;
    const id = ami.send('Originate', [
      ['Channel', 'Local/402@default'],
      ['Application', 'Wait'],
      ['Data', '30'],
      ['CallerID', '"Agent Hangup" <5550090>'],
      ['Async', 'true'],
    ]);
    await ami.response(id);
    const enter = await ami.event(
      'BridgeEnter',
      (m) => /^Local\/agent@default-.*;1$/.test(m.get('Channel') ?? ''),
      15_000,
      from,
    );
    const agent = enter.get('Channel')!.replace(/;1$/, ';2');
    await sleep(1500);
    await ami.action('Hangup', [
      ['Channel', agent],
      ['Cause', '16'],
    ]);
    await ami.event(
      'Hangup',
      (m) => /^Local\/402@default-.*;1$/.test(m.get('Channel') ?? ''),
      15_000,
      from,
    );
    await sleep(1000);
    await ami.logoff();
  },
};
