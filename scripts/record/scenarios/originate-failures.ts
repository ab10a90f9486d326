import type { Scenario } from '../scenario.js';

/**
 * Originates that fail, one after the other, each with its OriginateResponse Reason: busy (5),
 * congestion (8), no answer within the timeout (3), a far end that hangs up without answering,
 * an extension that does not exist and a technology that does not exist (0), then a synchronous
 * one to busy (`Originate failed`), and one that succeeds with two variables.
 */
export const scenario: Scenario = {
  summary:
    'async Originates to busy (Reason 5), congest (8), ring with Timeout (3), reject (a hang-up before answer), a missing extension and technology (0); a sync one to busy; one answered with two variables',
  async run({ ami, sleep }) {
    await ami.login();
    await sleep(200);
    const originate = async (channel: string, extra: [string, string][], caller: string) => {
      const from = ami.seen;
      const id = ami.send('Originate', [
        ['Channel', channel],
        ['Application', 'Wait'],
        ['Data', '1'],
        ['CallerID', caller],
        ...extra,
      ]);
      await ami.response(id, 30_000);
      if (extra.some(([k]) => k === 'Async')) {
        await ami.event('OriginateResponse', (m) => m.get('ActionID') === id, 30_000, from);
      }
      await sleep(1000);
    };
    const async: [string, string][] = [['Async', 'true']];
    await originate('Local/busy@default', async, '"Busy" <5550001>');
    await originate('Local/congest@default', async, '"Congest" <5550002>');
    await originate('Local/ring@default', [...async, ['Timeout', '2000']], '"Ring" <5550003>');
    await originate('Local/reject@default', async, '"Reject" <5550004>');
    await originate('Local/nosuch@default', async, '"Nosuch" <5550005>');
    await originate('Bogus/123', async, '"Bogus" <5550006>');
    await originate('Local/busy@default', [], '"Sync busy" <5550007>');
    const from = ami.seen;
    await originate(
      'Local/401@default',
      [...async, ['Variable', 'FIRST=one'], ['Variable', 'SECOND=two']],
      '"Two vars" <5550008>',
    );
    await ami.event(
      'Hangup',
      (m) => /^Local\/401@default-.*;1$/.test(m.get('Channel') ?? ''),
      15_000,
      from,
    );
    await sleep(1000);
    await ami.logoff();
  },
};
