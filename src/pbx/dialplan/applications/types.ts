import type { Channel } from '../../channels/Channel.js';
import type { Pbx } from '../../Pbx.js';

/** Where a Goto sends the channel. */
export interface DialplanLocation {
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
}

/**
 * What an application returns, as Asterisk's do: 0 to go on, -1 to end the call (hung up, or the
 * application asked for it), a digit's character code (Background() interrupted by a key), or a
 * jump somewhere.
 */
export type AppResult = number | { readonly goto: DialplanLocation };

/** How an application is run. */
export interface AppContext {
  /** Run by AGI EXEC: Asterisk disables its dialplan workarounds (Background returns the key). */
  readonly fromAgi?: boolean;
}

/** A dialplan application: runs on one channel with its (substituted) argument text. */
export type Application = (
  pbx: Pbx,
  ch: Channel,
  data: string,
  context?: AppContext,
) => Promise<AppResult>;

/** Splits application arguments on commas (no quoting: the demos do not need it). */
export function args(data: string): string[] {
  return data === '' ? [] : data.split(',').map((a) => a.trim());
}
