import type { Channel } from '../channels/Channel.js';
import type { Pbx } from '../Pbx.js';
import { type ApplicationLookup, runAgiCommand } from './commands.js';
import { type AgiOutcome, execEndFields } from './outcome.js';

let commandSeq = 0x2f1c3a;

/** A number like the ids res_agi gives AGIExecStart/End (its own, not the client's CommandID). */
function nextCommandId(): string {
  commandSeq = (commandSeq * 1103515245 + 12345) % 2147483648;
  return String(commandSeq);
}

/**
 * Runs one AGI command between the `AGIExecStart` and `AGIExecEnd` events res_agi publishes for
 * every command, over AsyncAGI and FastAGI alike. `undefined` when the channel was destroyed
 * meanwhile (no `AGIExecEnd` then).
 */
export async function runPublishedCommand(
  pbx: Pbx,
  ch: Channel,
  command: string,
  application: ApplicationLookup,
  dead = false,
): Promise<AgiOutcome | undefined> {
  const id = nextCommandId();
  pbx.channelEvent('AGIExecStart', 'agi', ch, [
    ['CommandId', id],
    ['Command', command],
  ]);
  const outcome = await runAgiCommand(pbx, ch, command, application, dead);
  if (ch.destroyed) return undefined;
  const [code, text] = execEndFields(outcome);
  pbx.channelEvent('AGIExecEnd', 'agi', ch, [
    ['CommandId', id],
    ['Command', command],
    ['ResultCode', code],
    ['Result', text],
  ]);
  return outcome;
}
