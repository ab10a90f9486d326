/**
 * NATS subjects of a cluster. Subjects are `.`-separated tokens and a Linkedid such as
 * `1795815240.12` contains a `.`, so every id goes through {@link encodeToken}: URL encoding, with
 * `.` and the other characters `encodeURIComponent` leaves alone escaped too. Letters, digits, `-`
 * and `_` stay as they are.
 *
 * - `octostate.<asterisk>.call.<linkedid>.<event>`: what happens to the calls of one Asterisk
 *   (`channel`, `state`, `hangup`, `bridge`, `flow`), kept by the `OCTOSTATE_EVENTS` stream.
 * - `octostate.<asterisk>.gap`: events dropped while NATS was unreachable (how many).
 * - `octostate.<asterisk>.cmd.<verb>`: requests answered by the node that supervises the Asterisk.
 */
export const SUBJECT_ROOT = 'octostate';

/** Call events a node publishes. */
export type CallEventKind = 'channel' | 'state' | 'hangup' | 'bridge' | 'flow';

/** An id as one subject token (reversible with {@link decodeToken}). */
export function encodeToken(id: string): string {
  if (id === '') return '%';
  return encodeURIComponent(id).replace(
    /[.!~*'()]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The id a token of {@link encodeToken} stands for. */
export function decodeToken(token: string): string {
  return token === '%' ? '' : decodeURIComponent(token);
}

/** Asterisk ids name buckets' keys and subjects: letters, digits, `-` and `_`, 1 to 64 of them. */
export function checkAsteriskId(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw new TypeError(
      `Asterisk id ${JSON.stringify(id)}: use 1 to 64 letters, digits, '-' or '_'`,
    );
  }
  return id;
}

/** `octostate.<asterisk>.call.<linkedid>.<event>`. */
export function callEventSubject(asterisk: string, linkedid: string, event: CallEventKind): string {
  return `${SUBJECT_ROOT}.${asterisk}.call.${encodeToken(linkedid)}.${event}`;
}

/** Every call event of one Asterisk (`*` for all), or of one call of it. */
export function callEventFilter(asterisk = '*', linkedid?: string): string {
  return `${SUBJECT_ROOT}.${asterisk}.call.${linkedid === undefined ? '*' : encodeToken(linkedid)}.>`;
}

/** `octostate.<asterisk>.gap`. */
export function gapSubject(asterisk: string): string {
  return `${SUBJECT_ROOT}.${asterisk}.gap`;
}

/** `octostate.<asterisk>.cmd.<verb>`. */
export function commandSubject(asterisk: string, verb: string): string {
  return `${SUBJECT_ROOT}.${asterisk}.cmd.${verb}`;
}
