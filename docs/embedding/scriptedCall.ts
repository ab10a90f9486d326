// A call without a PBX: a stand-in for the AGI channel of a `Call`, answering the commands a flow
// runs from a script of what the caller does, and logging the command lines the flow sent.
import type { AgiChannel, AgiResult, CollectDigitsInput, DigitCollectingCall } from 'octostate';

/** What the caller does, in order: the codes typed, the keys pressed during prompts. */
export interface CallerScript {
  /** Typed at each `GET DATA` (and `collectDigits`); `''` lets it time out. */
  readonly typed?: string[];
  /** Pressed during each prompt that takes keys (`STREAM FILE` with escape digits, `WAIT FOR DIGIT`); `undefined`: silence. */
  readonly keys?: Array<string | undefined>;
  /** Hang up after this many commands. */
  readonly hangUpAfter?: number;
}

/** Thrown when the scripted caller has hung up, like the runtime's `AgiSessionEndedError`. */
export class CallerHungUp extends Error {}

export function scriptedCall(script: CallerScript): { call: DigitCollectingCall; log: string[] } {
  const typed = [...(script.typed ?? [])];
  const keys = [...(script.keys ?? [])];
  const log: string[] = [];
  const run = async <T>(line: string, answer: () => T): Promise<T> => {
    if (script.hangUpAfter !== undefined && log.length >= script.hangUpAfter) {
      throw new CallerHungUp(`hung up before ${line}`);
    }
    log.push(line);
    return answer();
  };
  const ok = (result = '0'): AgiResult => ({ code: 200, result, raw: `200 result=${result}` });
  const stand: Partial<DigitCollectingCall> = {
    answer: () => run('ANSWER', () => undefined),
    hangup: () => run('HANGUP', () => undefined),
    streamFile: (file: string, escapeDigits = '') =>
      run(`STREAM FILE ${file} "${escapeDigits}"`, () => {
        const key = escapeDigits === '' ? undefined : keys.shift();
        return key !== undefined && escapeDigits.includes(key) ? { digit: key } : {};
      }),
    waitForDigit: (timeoutMs: number) => run(`WAIT FOR DIGIT ${timeoutMs}`, () => keys.shift()),
    getData: (prompt: string) =>
      run(`GET DATA ${prompt}`, () => {
        const digits = typed.shift() ?? '';
        return { digits, timedOut: digits === '' };
      }),
    exec: (application: string, args = '') => run(`EXEC ${application} ${args}`, () => ok()),
    collectDigits: (options: CollectDigitsInput) =>
      run(`collect ${options.max} digits`, () => ({
        digits: typed.shift() ?? '',
        reason: 'terminator' as const,
      })),
  };
  // Only the commands call flows run are there: the stand-in is not a whole `AgiChannel`.
  return { call: stand as DigitCollectingCall & AgiChannel, log };
}
