import type { Subscription } from 'xstate';
import { isInAgi } from '../machines/channel/channelSnapshot.js';
import type { Call } from './Call.js';
import { checkDigit, checkDurationMs, DTMF_DURATION_MS } from './dtmfInput.js';
import { DtmfInjectionBusyError, NoSuchCallError } from './errors.js';
import type { InjectDtmfOptions } from './originateOptions.js';

/** The live calls, to pick the one at an extension. */
export interface LiveCalls {
  /** Every call whose channel has not hung up. */
  live(): Call[];
}

/** Bounds of DTMF injection (see {@link DtmfInjector}). */
export interface DtmfInjectionLimits {
  /** Injected digits not heard yet, per call (default 16). */
  readonly perCall?: number;
  /** Injected digits not heard yet, over every call (default 256). */
  readonly overall?: number;
  /**
   * How long a call may go without hearing a key while injected digits wait for it, in ms
   * (default the longest tone + 5 s); past it those digits are counted as lost and free their
   * places (a channel that reads no frames never reports them).
   */
  readonly silenceMs?: number;
}

/** The timers the injector uses (the runtime's actor-system clock). */
export interface InjectionClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** One call's injected digits waiting to be heard. */
interface Waiting {
  count: number;
  timer: unknown;
  readonly keys: Subscription;
  readonly status: Subscription;
}

/**
 * Plays DTMF digits into live calls as if the far end pressed them: `PlayDTMF` with
 * `Receive: true` on the call's own channel. Asterisk answers that at once and queues the digit on
 * the channel, so an injection never holds an AMI session (without `Receive`, Asterisk's session
 * sleeps through the whole tone and every later action, keepalive included, waits behind it).
 *
 * Asterisk reports queued digits one at a time, each after the one before it has played; the
 * injector counts the digits it sent that the call has not heard yet (`DTMFEnd`) and refuses more
 * than {@link DtmfInjectionLimits} allow, per call and overall, with a
 * {@link DtmfInjectionBusyError}, before sending anything.
 *
 * @example
 * const injector = new DtmfInjector(calls, clock);
 * await injector.inject({ exten: '403', digit: '5' });
 */
export class DtmfInjector {
  private readonly waiting = new Map<Call, Waiting>();
  private total = 0;
  private readonly perCall: number;
  private readonly overall: number;
  private readonly silenceMs: number;

  constructor(
    private readonly calls: LiveCalls,
    private readonly clock: InjectionClock,
    limits: DtmfInjectionLimits = {},
  ) {
    this.perCall = limits.perCall ?? 16;
    this.overall = limits.overall ?? 256;
    this.silenceMs = limits.silenceMs ?? DTMF_DURATION_MS.max + 5000;
  }

  /** Injected digits not heard yet, over every call. */
  get inFlight(): number {
    return this.total;
  }

  /**
   * Plays `digit` into the live call at the extension (preferring one in AsyncAGI, then the
   * dialplan half `;2` of a Local pair). Resolves with that call once Asterisk has queued the digit.
   * Rejects with an `InvalidDtmfError` (digit or `durationMs`), a `NoSuchCallError`, a
   * {@link DtmfInjectionBusyError}, or Asterisk's refusal.
   */
  async inject(options: InjectDtmfOptions): Promise<Call> {
    const { exten, context, digit, durationMs } = options;
    checkDigit(digit);
    checkDurationMs(durationMs);
    const call = callAtExtension(this.calls, exten, context);
    if (!call) {
      throw new NoSuchCallError(
        `No live call at extension ${context ? `${context}/` : ''}${exten}`,
      );
    }
    if (this.total >= this.overall) {
      throw new DtmfInjectionBusyError(
        `${this.total} injected digits are waiting to be heard (at most ${this.overall})`,
        'runtime',
        this.overall,
      );
    }
    const waiting = this.waiting.get(call) ?? this.watch(call);
    if (waiting.count >= this.perCall) {
      throw new DtmfInjectionBusyError(
        `${waiting.count} injected digits are waiting to be heard by ${call.name} (at most ${this.perCall})`,
        'call',
        this.perCall,
      );
    }
    waiting.count += 1;
    this.total += 1;
    try {
      await call.playDtmf(digit, {
        receive: true,
        ...(durationMs === undefined ? {} : { durationMs }),
      });
    } catch (error) {
      this.heard(call, 1);
      throw error;
    }
    return call;
  }

  /** Forgets every waiting digit and stops watching the calls (the runtime is closing). */
  close(): void {
    for (const call of [...this.waiting.keys()]) this.heard(call, Number.POSITIVE_INFINITY);
  }

  /** Starts counting a call's keys: each one heard frees one place; its hang-up frees them all. */
  private watch(call: Call): Waiting {
    const keys = call.actor.on('dtmf.key', () => this.heard(call, 1));
    const gone = () => {
      if (call.hungUp) this.heard(call, Number.POSITIVE_INFINITY);
    };
    const status = call.actor.subscribe({ next: gone, complete: gone, error: gone });
    const waiting: Waiting = { count: 0, timer: undefined, keys, status };
    this.waiting.set(call, waiting);
    this.restartSilence(call, waiting);
    return waiting;
  }

  /** `count` of the call's waiting digits arrived (or will never arrive). */
  private heard(call: Call, count: number): void {
    const waiting = this.waiting.get(call);
    if (!waiting) return;
    const freed = Math.min(count, waiting.count);
    waiting.count -= freed;
    this.total -= freed;
    if (waiting.count > 0) {
      this.restartSilence(call, waiting);
      return;
    }
    this.clock.clearTimeout(waiting.timer);
    waiting.keys.unsubscribe();
    waiting.status.unsubscribe();
    this.waiting.delete(call);
  }

  private restartSilence(call: Call, waiting: Waiting): void {
    this.clock.clearTimeout(waiting.timer);
    waiting.timer = this.clock.setTimeout(
      () => this.heard(call, Number.POSITIVE_INFINITY),
      this.silenceMs,
    );
  }
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
