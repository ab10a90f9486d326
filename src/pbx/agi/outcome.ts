import { AGI_USAGE } from './usage.js';

/**
 * What res_agi makes of a command handler's return value: `success` (RESULT_SUCCESS: AGIExecEnd
 * "Success"), `usage` (RESULT_SHOWUSAGE: 520 and the usage text), `failure` (RESULT_FAILURE:
 * AGIExecEnd "Failure" with ResultCode -1, and the AGI session ends unless the channel hung up),
 * `break` (ASYNCAGI BREAK), `other` (any other value, e.g. EXEC's application result: "Unknown
 * Result"), `invalid` (no such command: 510), `dead` (not allowed once the channel hung up: 511,
 * FastAGI's dead mode).
 */
export type AgiStatus = 'success' | 'usage' | 'failure' | 'break' | 'other' | 'invalid' | 'dead';

/** The outcome of one AGI command: the text written back (`200 result=0`) and its status. */
export interface AgiOutcome {
  /** The reply's status code (200, 510, 511, 520). */
  readonly code: number;
  /** The reply without its final newline (520 replies span several lines). */
  readonly text: string;
  readonly status: AgiStatus;
}

const DEAD_TEXT = 'Command Not Permitted on a dead channel or intercept routine';

/** `511`: res_agi's answer to a command that cannot run on a hung-up channel (dead mode). */
export const DEAD_CHANNEL: AgiOutcome = { code: 511, text: `511 ${DEAD_TEXT}`, status: 'dead' };

/** `200 result=<value><extra>`, RESULT_SUCCESS. */
export function result(value: string | number, extra = ''): AgiOutcome {
  return { code: 200, text: `200 result=${value}${extra}`, status: 'success' };
}

/** `200 result=<value><extra>` with the status the handler returns alongside. */
export function done(value: string | number, status: AgiStatus, extra = ''): AgiOutcome {
  return { code: 200, text: `200 result=${value}${extra}`, status };
}

/** RESULT_SHOWUSAGE: the 520 reply with the command's usage text, as res_agi writes it. */
export function usage(command: string): AgiOutcome {
  const text = AGI_USAGE[command];
  return {
    code: 520,
    text: text
      ? `520-Invalid command syntax.  Proper usage follows:\n${text}\n520 End of proper usage.`
      : '520 Invalid command syntax.  Proper usage not available.',
    status: 'usage',
  };
}

/** AGIExecEnd's ResultCode and Result for an outcome. */
export function execEndFields(o: AgiOutcome): [code: string, text: string] {
  switch (o.status) {
    case 'usage':
      return ['520', 'Usage'];
    case 'failure':
      return ['-1', 'Failure'];
    case 'invalid':
      return ['510', 'Invalid or unknown command'];
    case 'dead':
      return ['511', DEAD_TEXT];
    case 'other':
      return ['200', 'Unknown Result'];
    default:
      return ['200', 'Success'];
  }
}
