import type { AgiResult } from '../protocol/agiResult.js';

/** How one AGI command is sent. */
export interface AgiSendOptions {
  /** How long to wait for the result, in ms; the session's end still fails the command at once. */
  readonly timeoutMs: number;
  /**
   * An error made on the caller's stack when the command was asked for (it may be sent later,
   * after the commands queued before it): a rejection carries its frames.
   */
  readonly origin: Error;
}

/** Why an AGI session ended. */
export interface AgiSessionEnd {
  /**
   * `hangup`: the channel hung up (AsyncAGI: `Hangup`; FastAGI: the connection ended after a
   * `HANGUP` line);
   * `left`: the dialplan went on (AsyncAGI: `AsyncAGIEnd` after `ASYNCAGI BREAK`; FastAGI: the
   * script closed the session); `lost`: the transport failed (AMI connection or socket lost).
   */
  readonly reason: 'hangup' | 'left' | 'lost';
}

/**
 * Where a call's AGI commands go and where their results come from: the AGI session of one
 * channel. {@link AgiChannel} (and so `Call`) sends every AGI command through one, in order, so
 * the same call logic runs over any AGI transport:
 *
 * - AsyncAGI (`AsyncAgiTransport`): `Action: AGI` with a `CommandID` on the AMI connection; the
 *   result comes back in the `AsyncAGIExec` that the channel actor receives; a channel may enter
 *   and leave AsyncAGI more than once.
 * - FastAGI: one TCP socket per call opened by Asterisk's `AGI(agi://...)`; the environment is the
 *   `agi_*` lines the session starts with; a command is one line and its result the reply line.
 *
 * Contract of an implementation:
 * - `send` writes one command line as given (quoting is the caller's: `formatAgiCommand`) and
 *   settles with the parsed `200` reply (`parseAgiResult`); it is called again only after the
 *   previous command was sent (order is kept by the caller, not by the transport).
 * - It rejects with the typed errors of `parseAgiResult` for a non-200 reply: `AgiInvalidCommandError`
 *   (510), `AgiDeadChannelError` (511), `AgiUsageError` (520, with the usage text), `AgiError`
 *   otherwise; `AgiNotInAgiError` at once, without sending, when no session is open (`active` is
 *   false); `AgiSessionEndedError` when the session ends (hang-up, end of AGI, transport lost)
 *   before the result; `AgiError` when no result comes within `timeoutMs`. Every rejection carries
 *   `options.origin`'s stack (see `withStack`).
 * - When a session ends every command still waiting is rejected, then `onEnd` listeners run.
 *
 * @example
 * class EchoTransport implements AgiTransport {
 *   readonly kind = 'fast';
 *   active = true;
 *   env = { agi_channel: 'PJSIP/alice-00000001' };
 *   async send(line: string) {
 *     return parseAgiResult('200 result=0');
 *   }
 *   onEnd() {
 *     return () => {};
 *   }
 *   async close() {
 *     this.active = false;
 *   }
 * }
 * const call = new AgiChannel(new EchoTransport());
 * await call.answer();
 */
export interface AgiTransport {
  /** `async`: AsyncAGI over the AMI connection; `fast`: a FastAGI socket. */
  readonly kind: 'async' | 'fast';
  /** Whether an AGI session is open now: commands can be sent. */
  readonly active: boolean;
  /**
   * The AGI environment of the current (or last) session, keys as Asterisk writes them
   * (`agi_channel`, `agi_uniqueid`, `agi_extension`, `agi_callerid`...); `undefined` before any.
   */
  readonly env: Readonly<Record<string, string>> | undefined;
  /**
   * Whether the transport itself has heard that the channel hung up, before the channel's own
   * events say so: FastAGI's `HANGUP` line (the session stays open, in dead mode, until closed).
   * AsyncAGI learns it from the channel's `Hangup` only, and leaves this undefined.
   */
  readonly hungUp?: boolean;
  /** Sends one AGI command line and resolves with its parsed `200` result (see above). */
  send(line: string, options: AgiSendOptions): Promise<AgiResult>;
  /** Calls `listener` each time a session ends. Returns a function that removes it. */
  onEnd(listener: (end: AgiSessionEnd) => void): () => void;
  /**
   * Ends the session from our side, letting the dialplan go on: AsyncAGI sends `ASYNCAGI BREAK`,
   * FastAGI closes the socket. Commands still waiting reject with `AgiSessionEndedError`.
   */
  close(): Promise<void>;
}
