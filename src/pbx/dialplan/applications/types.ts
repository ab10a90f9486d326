import type { Channel } from '../../channels/Channel.js';
import type { Pbx } from '../../Pbx.js';

/** Where a Goto sends the channel. */
export interface DialplanLocation {
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
}

/** 0: go on; -1: the channel hangs up (hung up, or the app asked for it); or jump somewhere. */
export type AppResult = 0 | -1 | { readonly goto: DialplanLocation };

/** A dialplan application: runs on one channel with its (substituted) argument text. */
export type Application = (pbx: Pbx, ch: Channel, data: string) => Promise<AppResult>;

/** Splits application arguments on commas (no quoting: the demos do not need it). */
export function args(data: string): string[] {
  return data === '' ? [] : data.split(',').map((a) => a.trim());
}
