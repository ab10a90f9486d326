import { encodeAgiText } from '../../protocol/agiEnv.js';
import type { Channel } from '../channels/Channel.js';
import type { AppResult } from '../dialplan/applications/types.js';
import type { Pbx } from '../Pbx.js';
import { AsyncAgiSession, agiSessionOf, type QueuedAgiCommand } from './AsyncAgi.js';
import type { ApplicationLookup } from './commands.js';
import { agiEnvironment } from './environment.js';
import { runPublishedCommand } from './execEvents.js';
import { fastAgi } from './fastAgi.js';

/** res_agi checks the queue of an idle AsyncAGI channel every 100 ms. */
const POLL_MS = 100;
/**
 * AGI(agi://...) runs FastAGI (see `fastAgi.ts`). AGI(agi:async): announces the channel with AsyncAGIStart, then runs the commands the `AGI`
 * action queues, one at a time, until the channel hangs up, ASYNCAGI BREAK, or a command fails
 * (RESULT_FAILURE: a missing file in STREAM FILE). The command queue stays with the channel
 * afterwards, as res_agi's datastore does: the `AGI` action still accepts commands, which run if
 * the channel enters AsyncAGI again. AGISTATUS: SUCCESS, FAILURE or HANGUP (the dialplan stops).
 * `EXEC` finds the other dialplan applications through `application`, passed in by the
 * application table (which holds this one too, so this module cannot import it).
 */
export const agi = async (
  pbx: Pbx,
  ch: Channel,
  data: string,
  application: ApplicationLookup,
): Promise<AppResult> => {
  if (/^agi:\/\//i.test(data.trim())) return fastAgi(pbx, ch, data.trim(), application);
  if (!/^agi:async/i.test(data.trim())) {
    pbx.setVar(ch, 'AGISTATUS', 'FAILURE');
    return 0;
  }
  const session = agiSessionOf(ch) ?? new AsyncAgiSession();
  ch.agi = session;
  session.running = true;
  pbx.channelEvent('AsyncAGIStart', 'agi', ch, [['Env', encodeAgiText(agiEnvironment(ch))]]);
  let status: 'SUCCESS' | 'FAILURE' | 'HANGUP' = 'SUCCESS';
  try {
    for (;;) {
      // A hang-up or a Redirect ends AGI (ast_check_hangup sees either).
      if (ch.interrupted) {
        status = 'HANGUP';
        break;
      }
      const next = session.queue.shift();
      if (!next) {
        // res_agi polls an idle channel's queue every 100 ms.
        await ch.wait(pbx.clock, POLL_MS);
        continue;
      }
      const outcome = await execute(pbx, ch, next, application);
      if (ch.destroyed) return -1;
      if (outcome === 'break') break;
      if (outcome === 'failure' && !ch.interrupted) {
        status = 'FAILURE';
        break;
      }
    }
  } finally {
    session.running = false;
  }
  if (ch.destroyed) return -1;
  pbx.channelEvent('AsyncAGIEnd', 'agi', ch);
  pbx.showLocation(ch);
  pbx.setVar(ch, 'AGISTATUS', status);
  return status === 'HANGUP' ? -1 : 0;
};

async function execute(
  pbx: Pbx,
  ch: Channel,
  { command, commandId: clientId }: QueuedAgiCommand,
  application: ApplicationLookup,
) {
  const r = await runPublishedCommand(pbx, ch, command, application);
  if (!r) return 'failure';
  const exec: [string, string][] = [['Result', encodeAgiText(`${r.text}\n`)]];
  if (clientId) exec.push(['CommandId', clientId]);
  pbx.channelEvent('AsyncAGIExec', 'agi', ch, exec);
  return r.status;
}
