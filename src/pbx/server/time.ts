/** `2026-11-27T19:40:01.252+0000`: the EventTV / SessionTV format of security events. */
export function eventTv(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** `1795808401.255854`: seconds with microseconds (Ping's Timestamp). */
export function timestamp(ms: number): string {
  return (ms / 1000).toFixed(6);
}
