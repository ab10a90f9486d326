import { fromPromise } from 'xstate';
import type { AgiChannel, GetDataResult, PlaybackResult } from '../../calls/AgiChannel.js';
import type { CollectDigitsInput, CollectDigitsOutput } from '../../calls/collectDigitsMachine.js';
import type { AgiResult } from '../../protocol/agiResult.js';

/** What every AGI service needs: the call to run the command on. */
export interface AgiServiceInput {
  readonly call: AgiChannel;
}

/** A call that can also collect digits from DTMF events (a runtime `Call`). */
export interface DigitCollectingCall extends AgiChannel {
  collectDigits(options: CollectDigitsInput): Promise<CollectDigitsOutput>;
}

/**
 * AGI commands as invokable promise actors, for call-flow machines: put them in
 * `setup({ actors: agiServices })`, `invoke` them by name with `input: ({ context }) => ({ call:
 * context.call, ... })`, and react to `onDone` (the result) and `onError` (a typed AGI error, a
 * hang-up). Tests and applications swap any of them with `.provide({ actors: { ... } })`.
 *
 * @example
 * const greet = setup({ types: { context: {} as { call: Call } }, actors: agiServices }).createMachine({
 *   context: ({ input }) => ({ call: input.call }),
 *   initial: 'answering',
 *   states: {
 *     answering: { invoke: { src: 'answer', input: ({ context }) => ({ call: context.call }), onDone: 'greeting' } },
 *     greeting: {
 *       invoke: { src: 'streamFile', input: ({ context }) => ({ call: context.call, file: 'hello-world' }), onDone: 'done' },
 *     },
 *     done: { type: 'final' },
 *   },
 * });
 */
export const agiServices = {
  /** `ANSWER`. */
  answer: fromPromise<void, AgiServiceInput>(({ input }) => input.call.answer()),
  /** `HANGUP`. */
  hangup: fromPromise<void, AgiServiceInput>(({ input }) => input.call.hangup()),
  /** `STREAM FILE file escapeDigits`: resolves with the key that stopped it, if any. */
  streamFile: fromPromise<
    PlaybackResult,
    AgiServiceInput & { file: string; escapeDigits?: string }
  >(({ input }) => input.call.streamFile(input.file, input.escapeDigits ?? '')),
  /** `EXEC Playback file&file...`. */
  playback: fromPromise<void, AgiServiceInput & { files: readonly string[] }>(({ input }) =>
    input.call.playback(...input.files),
  ),
  /** `GET DATA prompt timeout maxDigits`: the keys typed after the prompt. */
  getData: fromPromise<
    GetDataResult,
    AgiServiceInput & { prompt: string; timeoutMs?: number; maxDigits?: number }
  >(({ input }) => input.call.getData(input.prompt, input.timeoutMs, input.maxDigits)),
  /** `WAIT FOR DIGIT timeout`: the key, or undefined on timeout. */
  waitForDigit: fromPromise<string | undefined, AgiServiceInput & { timeoutMs: number }>(
    ({ input }) => input.call.waitForDigit(input.timeoutMs),
  ),
  /** `SAY DIGITS digits`. */
  sayDigits: fromPromise<
    string | undefined,
    AgiServiceInput & { digits: string; escapeDigits?: string }
  >(({ input }) => input.call.sayDigits(input.digits, input.escapeDigits ?? '')),
  /** `SAY NUMBER n`. */
  sayNumber: fromPromise<
    string | undefined,
    AgiServiceInput & { value: number; escapeDigits?: string }
  >(({ input }) => input.call.sayNumber(input.value, input.escapeDigits ?? '')),
  /** `EXEC application args` (e.g. `Dial`). */
  exec: fromPromise<AgiResult, AgiServiceInput & { application: string; args?: string }>(
    ({ input }) => input.call.exec(input.application, input.args ?? ''),
  ),
  /** `SET VARIABLE name value`. */
  setVariable: fromPromise<void, AgiServiceInput & { name: string; value: string }>(({ input }) =>
    input.call.setVariable(input.name, input.value),
  ),
  /** `GET VARIABLE name`: the value, or undefined when not set. */
  getVariable: fromPromise<string | undefined, AgiServiceInput & { name: string }>(({ input }) =>
    input.call.getVariable(input.name),
  ),
  /** Digits from DTMF events (see `collectDigitsMachine`), for calls that offer it. */
  collectDigits: fromPromise<
    CollectDigitsOutput,
    { call: DigitCollectingCall; options: CollectDigitsInput }
  >(({ input }) => input.call.collectDigits(input.options)),
};
