import { isInAgi } from '../machines/channel/channelSnapshot.js';
import type { Call } from './Call.js';
import { InvalidDtmfError, NoSuchCallError } from './errors.js';
import type { InjectDtmfOptions } from './originateOptions.js';

/** The live calls, to pick the one at an extension. */
export interface LiveCalls {
  /** Every call whose channel has not hung up. */
  live(): Call[];
}

/**
 * Plays a DTMF digit into the live call at an extension, as if the far end pressed it: from the
 * other half of a Local pair (whose tone this half then receives), or with `Receive: true` on the
 * channel itself. Prefers a call in AsyncAGI, then the dialplan half (`;2`).
 *
 * @example
 * await injectDtmf(calls, { exten: '403', digit: '5' });
 */
export async function injectDtmf(calls: LiveCalls, options: InjectDtmfOptions): Promise<Call> {
  const { exten, context, digit, durationMs } = options;
  if (!/^[0-9*#A-D]$/i.test(digit)) {
    throw new InvalidDtmfError(`Not a DTMF digit: ${JSON.stringify(digit)}`);
  }
  const call = callAtExtension(calls, exten, context);
  if (!call) {
    throw new NoSuchCallError(`No live call at extension ${context ? `${context}/` : ''}${exten}`);
  }
  const duration = durationMs === undefined ? {} : { durationMs };
  const peer = call.peer;
  if (peer && !peer.hungUp) await peer.playDtmf(digit, duration);
  else await call.playDtmf(digit, { receive: true, ...duration });
  return call;
}

/** The live call at an extension: preferably one in AsyncAGI, then the dialplan half (`;2`). */
function callAtExtension(calls: LiveCalls, exten: string, context: string | undefined) {
  const rank = (call: Call): number =>
    (isInAgi(call.actor.getSnapshot()) ? 0 : 2) + (call.name.endsWith(';1') ? 1 : 0);
  return calls
    .live()
    .filter((call) => {
      const position = call.context.dialplan;
      return position.exten === exten && (context === undefined || position.context === context);
    })
    .sort((a, b) => rank(a) - rank(b))[0];
}
