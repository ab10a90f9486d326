/** Why {@link untilStopped} resolved. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'timeout' | 'aborted';

/**
 * Waits for Ctrl-C (`SIGINT`), `SIGTERM`, the end of `seconds` when given, or `signal`'s abort
 * (the program stops for its own reasons), whichever comes first. The signal handlers are removed once it resolves, so a second Ctrl-C
 * during a slow shutdown gets Node's default behaviour (exit at once).
 *
 * @example
 * const reason = await untilStopped({ seconds: 10 });
 * process.stderr.write(`stopping (${reason})\n`);
 */
export function untilStopped(
  options: { seconds?: number; signal?: AbortSignal } = {},
): Promise<StopReason> {
  const { seconds, signal } = options;
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (reason: StopReason): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      resolve(reason);
    };
    const onInt = (): void => finish('SIGINT');
    const onTerm = (): void => finish('SIGTERM');
    const onAbort = (): void => finish('aborted');
    if (signal?.aborted) return finish('aborted');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (seconds !== undefined) timer = setTimeout(() => finish('timeout'), seconds * 1000);
  });
}
