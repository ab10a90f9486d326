import { encodeAgiText } from '../../protocol/agiEnv.js';
import type { Channel } from '../channels/Channel.js';
import type { AppResult } from '../dialplan/applications/types.js';
import type { Pbx } from '../Pbx.js';
import { AsyncAgiSession, agiSessionOf, type QueuedAgiCommand } from './AsyncAgi.js';
import { type ApplicationLookup, runAgiCommand } from './commands.js';
import { execEndFields } from './outcome.js';

/** res_agi checks the queue of an idle AsyncAGI channel every 100 ms. */
const POLL_MS = 100;
/** The AGI version Asterisk reports in `agi_version`. */
const VERSION = '22.10.1';

let commandSeq = 0x2f1c3a;

/** A number like the ids res_agi gives AGIExecStart/End (its own, not the client's CommandID). */
function nextCommandId(): string {
  commandSeq = (commandSeq * 1103515245 + 12345) % 2147483648;
  return String(commandSeq);
}

/** The AGI environment AsyncAGIStart carries (before URL-encoding). */
export function agiEnvironment(ch: Channel): string {
  const known = (v: string) => (v === '<unknown>' || v === '' ? 'unknown' : v);
  const lines: [string, string][] = [
    ['agi_request', 'async'],
    ['agi_channel', ch.name],
    ['agi_language', ch.language],
    ['agi_type', ch.tech],
    ['agi_uniqueid', ch.uniqueid],
    ['agi_version', VERSION],
    ['agi_callerid', known(ch.callerNum)],
    ['agi_calleridname', known(ch.callerName)],
    ['agi_callingpres', '0'],
    ['agi_callingani2', '0'],
    ['agi_callington', '0'],
    ['agi_callingtns', '0'],
    ['agi_dnid', 'unknown'],
    ['agi_rdnis', 'unknown'],
    ['agi_context', ch.context],
    ['agi_extension', ch.exten],
    ['agi_priority', String(ch.priority)],
    ['agi_enhanced', '0.0'],
    ['agi_accountcode', ch.accountCode],
    ['agi_threadid', String(139852576335552 + Number(ch.uniqueid.split('.')[1] ?? 0) * 4096)],
  ];
  return `${lines.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`;
}

/**
 * AGI(agi:async): announces the channel with AsyncAGIStart, then runs the commands the `AGI`
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
  const id = nextCommandId();
  pbx.channelEvent('AGIExecStart', 'agi', ch, [
    ['CommandId', id],
    ['Command', command],
  ]);
  const r = await runAgiCommand(pbx, ch, command, application);
  if (ch.destroyed) return 'failure';
  const [code, text] = execEndFields(r);
  pbx.channelEvent('AGIExecEnd', 'agi', ch, [
    ['CommandId', id],
    ['Command', command],
    ['ResultCode', code],
    ['Result', text],
  ]);
  const exec: [string, string][] = [['Result', encodeAgiText(`${r.text}\n`)]];
  if (clientId) exec.push(['CommandId', clientId]);
  pbx.channelEvent('AsyncAGIExec', 'agi', ch, exec);
  return r.status;
}
