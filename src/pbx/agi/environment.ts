import type { Channel } from '../channels/Channel.js';

/** The Asterisk version res_agi reports in `agi_version`. */
const VERSION = '22.10.1';
/** `agi_callingpres` of a channel with no caller ID: AST_PRES_NUMBER_NOT_AVAILABLE. */
const PRES_NUMBER_NOT_AVAILABLE = '67';

/**
 * The AGI environment res_agi's `setup_env` writes, as `key: value` lines ending with a blank line:
 * `agi_request` is `async` for AsyncAGI or the `agi://` URL for FastAGI; `args` are the AGI()
 * arguments after the script (`agi_arg_1`...).
 */
export function agiEnvironment(
  ch: Channel,
  request = 'async',
  args: readonly string[] = [],
): string {
  const known = (v: string) => (v === '<unknown>' || v === '' ? 'unknown' : v);
  // The dialplan half of a Local channel with no caller ID reports it "not available" (recorded
  // over AsyncAGI and FastAGI); the originated half reports 0.
  const noCaller = ch.name.endsWith(';2') && known(ch.callerNum) === 'unknown';
  const lines: [string, string][] = [
    ['agi_request', request],
    ['agi_channel', ch.name],
    ['agi_language', ch.language],
    ['agi_type', ch.tech],
    ['agi_uniqueid', ch.uniqueid],
    ['agi_version', VERSION],
    ['agi_callerid', known(ch.callerNum)],
    ['agi_calleridname', known(ch.callerName)],
    ['agi_callingpres', noCaller ? PRES_NUMBER_NOT_AVAILABLE : '0'],
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
    ...args.map((arg, i): [string, string] => [`agi_arg_${i + 1}`, arg]),
  ];
  return `${lines.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`;
}
