import type { AnyActorRef, Snapshot } from 'xstate';
import { Call } from '../calls/Call.js';

/** The JSON that stands for a {@link Call} in a stored flow snapshot. */
interface CallMarker {
  readonly $octostateCall: string;
}

/** A flow snapshot could not be written or read back. */
export class FlowSnapshotError extends Error {
  override readonly name = 'FlowSnapshotError';
}

/** Most bytes one stored flow snapshot may take (a NATS message is 1 MiB by default). */
export const MAX_FLOW_SNAPSHOT_BYTES = 256 * 1024;

/**
 * A call-logic actor's persisted snapshot (`getPersistedSnapshot()`, children included) as JSON.
 * Every {@link Call} in it (the flow's context, its children's, the input of a running AGI
 * service) becomes `{ "$octostateCall": uniqueid }`: a Call holds a live connection and an actor,
 * so it is never written, only named. Other values go through `JSON.stringify`: a context that
 * holds functions, class instances or cycles does not survive (an `Error` becomes `{}`).
 *
 * @throws FlowSnapshotError when the snapshot is larger than {@link MAX_FLOW_SNAPSHOT_BYTES}.
 */
export function encodeFlowSnapshot(actor: AnyActorRef): string {
  const text = JSON.stringify(actor.getPersistedSnapshot(), (_key, value: unknown) =>
    value instanceof Call ? ({ $octostateCall: value.uniqueid } satisfies CallMarker) : value,
  );
  if (text.length > MAX_FLOW_SNAPSHOT_BYTES) {
    throw new FlowSnapshotError(
      `flow snapshot of ${text.length} characters is over ${MAX_FLOW_SNAPSHOT_BYTES}`,
    );
  }
  return text;
}

/**
 * Reads a snapshot written by {@link encodeFlowSnapshot} back, each Call marker replaced by the
 * live Call `callOf` gives for its Uniqueid (the restored flow's new Call for its own channel).
 *
 * @throws FlowSnapshotError when the text is not a snapshot or names a call that is gone.
 */
export function decodeFlowSnapshot(
  text: string,
  callOf: (uniqueid: string) => Call | undefined,
): Snapshot<unknown> {
  let missing: string | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (_key, value: unknown) => {
      if (!isCallMarker(value)) return value;
      const call = callOf(value.$octostateCall);
      if (!call) missing ??= value.$octostateCall;
      return call;
    });
  } catch (error) {
    throw new FlowSnapshotError('stored flow snapshot is not JSON', { cause: error });
  }
  if (missing !== undefined) {
    throw new FlowSnapshotError(`stored flow snapshot names call ${missing}, which is not live`);
  }
  if (typeof parsed !== 'object' || parsed === null || !('status' in parsed)) {
    throw new FlowSnapshotError('stored flow snapshot has no status');
  }
  return parsed as Snapshot<unknown>;
}

function isCallMarker(value: unknown): value is CallMarker {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<CallMarker>).$octostateCall === 'string'
  );
}
