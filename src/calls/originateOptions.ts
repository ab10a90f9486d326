/**
 * What the runtime's `originate`, `originateToAgi` and `injectDtmf` take, and how an originate
 * becomes the fields of the AMI `Originate` action.
 */

/**
 * What to originate: a `channel` to call (`PJSIP/alice`, `Local/401@default`), connected once it
 * answers either to a dialplan position (`context`/`exten`/`priority`) or to an application
 * (`application`/`data`).
 */
export interface OriginateOptions {
  readonly channel: string;
  readonly context?: string;
  readonly exten?: string;
  readonly priority?: number;
  readonly application?: string;
  readonly data?: string;
  readonly variables?: Readonly<Record<string, string>>;
  readonly callerId?: string;
  /** Ring timeout, ms. */
  readonly timeoutMs?: number;
  /** How long to wait for Asterisk's `OriginateResponse`, ms (default: ring timeout + 60 s). */
  readonly outcomeTimeoutMs?: number;
}

/** An Originate straight into AsyncAGI: the call's AGI session is driven by this runtime. */
export type OriginateToAgiOptions = Omit<
  OriginateOptions,
  'application' | 'data' | 'context' | 'exten' | 'priority'
> & {
  /**
   * The channel variable that correlates the call (default `AsyncOrigId`, which the shipped
   * `manager.conf` lists in `channelvars`, so every channel event carries it).
   */
  readonly correlationVariable?: string;
};

/** Which live call a DTMF injection targets, and the digit. */
export interface InjectDtmfOptions {
  /** The extension the call is at (`403`). */
  readonly exten: string;
  /** Its dialplan context, when extensions repeat across contexts. */
  readonly context?: string;
  /** One of `0-9`, `*`, `#`, `A-D`. */
  readonly digit: string;
  /** Tone length, ms (default Asterisk's). */
  readonly durationMs?: number;
}

/**
 * The `Originate` action's fields for `options`, in the order the recorded client used (Async
 * before the Variable lines), always asynchronous: the outcome comes as `OriginateResponse`.
 *
 * @example
 * originateFields({ channel: 'Local/401@default', application: 'Wait', data: '5' });
 * // [['Channel', 'Local/401@default'], ['Application', 'Wait'], ['Data', '5'], ['Async', 'true']]
 */
export function originateFields(options: OriginateOptions): Array<readonly [string, string]> {
  const fields: Array<readonly [string, string]> = [['Channel', options.channel]];
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined) fields.push([key, String(value)]);
  };
  add('Context', options.context);
  add('Exten', options.exten);
  add('Priority', options.priority ?? (options.exten === undefined ? undefined : 1));
  add('Application', options.application);
  add('Data', options.data);
  add('CallerID', options.callerId);
  add('Timeout', options.timeoutMs);
  // The order the recorded client used (traces): Async, then one Variable line each.
  fields.push(['Async', 'true']);
  for (const [name, value] of Object.entries(options.variables ?? {}))
    add('Variable', `${name}=${value}`);
  return fields;
}
