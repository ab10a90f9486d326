import { createActor, type Subscription } from 'xstate';
import type { AmiClient } from '../connection/client.js';
import type { ChannelContext } from '../machines/channel/channelContext.js';
import type { ChannelOutput } from '../machines/channel/channelMachine.js';
import { type ChannelActorRef, hasHungUp } from '../machines/channel/channelSnapshot.js';
import { describeChannel } from '../machines/channel/describeChannel.js';
import type { AmiMessage } from '../protocol/message.js';
import { AgiChannel } from './AgiChannel.js';
import type { AgiTransport } from './agiTransport.js';
import {
  type CollectDigitsInput,
  type CollectDigitsOutput,
  collectDigitsMachine,
} from './collectDigitsMachine.js';
import { checkDigit, checkDurationMs, type DTMF_DURATION_MS } from './dtmfInput.js';
import { FastAgiSession } from './fastagi/FastAgiSession.js';

/**
 * One live channel, as an application drives it, and the one way to act on it: the channel actor
 * (its statechart, a read model of what Asterisk said, for state and inspection) plus the commands
 * a call needs. AGI commands (`answer`, `streamFile`, `getData`..., inherited from
 * {@link AgiChannel}) need the channel in an AGI session and run in order; `hangup`, `playDtmf`,
 * `setChannelVariable` and `redirect` work in any state (over AMI when not in AGI).
 *
 * @example
 * runtime.handle({ exten: '403', inAgi: true }, async (call) => {
 *   await call.answer();
 *   await call.streamFile('hello-world');
 *   await call.hangup();
 * });
 */
export class Call extends AgiChannel {
  constructor(
    /** The channel's statechart actor. */
    readonly actor: ChannelActorRef,
    private readonly client: Pick<AmiClient, 'action'>,
    /**
     * The channel's AGI session: AsyncAGI on the runtime's connection (`asyncAgi.transport(actor)`),
     * or the FastAGI connection the call came in on.
     */
    agi: AgiTransport,
    /** Finds the Call of another channel (for {@link Call.peer}). */
    private readonly lookup: (uniqueid: string) => Call | undefined = () => undefined,
  ) {
    super(agi);
    this.uniqueid = actor.getSnapshot().context.uniqueid;
    // A Call sits in call-logic contexts. XState's getPersistedSnapshot walks every enumerable
    // property of a context; a Call's lead to a live connection and to cycles, so they are hidden
    // from it and the Call stays one opaque value (a stored flow names it by its Uniqueid).
    for (const key of Object.keys(this)) Object.defineProperty(this, key, { enumerable: false });
  }

  /** The channel's Uniqueid (stable for its whole life). */
  readonly uniqueid: string;

  /** The channel's current name (`Rename` changes it). */
  get name(): string {
    return this.actor.getSnapshot().context.name;
  }

  /** Everything the channel statechart knows (caller ID, variables, dialplan, AGI env, DTMF...). */
  get context(): ChannelContext {
    return this.actor.getSnapshot().context;
  }

  /** A short state label: `ringing`, `answered+inAgi`, `answered+bridged`, `hungUp`... */
  get state(): string {
    return describeChannel(this.actor.getSnapshot());
  }

  /** Whether the channel is in AGI now (AGI commands can be sent): AsyncAGI, or FastAGI open. */
  get inAgi(): boolean {
    return this.agi.active;
  }

  /** The FastAGI connection the call came in on, if it did: its script, query and arguments. */
  get fastAgi(): FastAgiSession | undefined {
    return this.agi instanceof FastAgiSession ? this.agi : undefined;
  }

  /** For one half of a Local channel pair (`;1`/`;2`), the other half, once Asterisk paired them. */
  get peer(): Call | undefined {
    const peer = this.context.localPeer;
    return peer === undefined ? undefined : this.lookup(peer);
  }

  /**
   * Whether the channel has hung up. Over FastAGI that is as soon as Asterisk writes `HANGUP`: the
   * channel's own `Hangup` event only comes once the handler is done and the connection closes.
   */
  get hungUp(): boolean {
    return this.agi.hungUp === true || hasHungUp(this.actor.getSnapshot());
  }

  /**
   * Hangs the channel up: with AGI `HANGUP` while in AGI (so queued commands stay in order), with
   * the AMI `Hangup` action otherwise. Resolves once Asterisk accepted the request.
   */
  override async hangup(cause?: number): Promise<void> {
    if (this.hungUp) return;
    if (this.inAgi && cause === undefined) {
      await super.hangup();
      return;
    }
    await this.client.action('Hangup', {
      Channel: this.name,
      ...(cause === undefined ? {} : { Cause: String(cause) }),
    });
  }

  /**
   * Plays a DTMF digit on the channel (AMI `PlayDTMF`); `receive: true` makes Asterisk treat it as
   * received from the far end (what `collectDigits` and AGI `WAIT FOR DIGIT` hear), and answer at
   * once. Without `receive` Asterisk answers only once the tone is over, and the runtime's AMI
   * session answers nothing else meanwhile. Throws an `InvalidDtmfError` for a digit outside
   * `0-9*#A-D` or a `durationMs` outside {@link DTMF_DURATION_MS}.
   */
  async playDtmf(
    digit: string,
    options: { receive?: boolean; durationMs?: number } = {},
  ): Promise<AmiMessage> {
    checkDigit(digit);
    checkDurationMs(options.durationMs);
    return this.client.action('PlayDTMF', {
      Channel: this.name,
      Digit: digit,
      ...(options.durationMs === undefined ? {} : { Duration: String(options.durationMs) }),
      ...(options.receive ? { Receive: 'true' } : {}),
    });
  }

  /** Sets a channel variable over AMI (`Setvar`): works whether or not the channel is in AGI. */
  async setChannelVariable(name: string, value: string): Promise<void> {
    await this.client.action('Setvar', { Channel: this.name, Variable: name, Value: value });
  }

  /** Sends the channel elsewhere in the dialplan (AMI `Redirect`), leaving AGI if it is in it. */
  async redirect(to: { context: string; exten: string; priority?: number }): Promise<void> {
    await this.client.action('Redirect', {
      Channel: this.name,
      Context: to.context,
      Exten: to.exten,
      Priority: String(to.priority ?? 1),
    });
  }

  /**
   * Collects the digits the caller presses from now on, as Asterisk reports them (`DTMFEnd`,
   * `Direction: Received`), with {@link collectDigitsMachine}: up to `max`, a terminator key, a
   * timeout for the first key and one between keys. Resolves with the digits and why collection
   * ended; a hang-up ends it with what was collected so far.
   *
   * @example
   * const { digits, reason } = await call.collectDigits({ max: 5, timeoutMs: 8000, terminator: '#' });
   */
  collectDigits(options: CollectDigitsInput): Promise<CollectDigitsOutput> {
    return new Promise((resolve) => {
      const collector = createActor(collectDigitsMachine, { input: options });
      let keys: Subscription | undefined;
      collector.subscribe({
        complete: () => {
          keys?.unsubscribe();
          resolve(collector.getSnapshot().output!);
        },
      });
      collector.start();
      if (collector.getSnapshot().status !== 'active') return;
      keys = this.watchKeys(
        (digit) => collector.send({ type: 'DIGIT', digit }),
        () => collector.send({ type: 'HANGUP' }),
      );
      // Already hung up: collection ended inside watchKeys, before `keys` was set.
      if (collector.getSnapshot().status !== 'active') keys.unsubscribe();
    });
  }

  /**
   * The digits the caller presses from now on (`DTMFEnd`, `Direction: Received`), in order, as an
   * async iterator that ends when the call hangs up. Unlike AGI `WAIT FOR DIGIT`, no key is lost
   * while another command (a prompt) runs: keys wait in the iterator until read.
   *
   * @example
   * for await (const digit of call.digits()) {
   *   if (digit === '#') break;
   *   await call.sayDigits(digit);
   * }
   */
  digits(): AsyncIterableIterator<string> {
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const subscription = this.watchKeys(
      (digit) => {
        queue.push(digit);
        wake?.();
      },
      () => {
        ended = true;
        wake?.();
      },
    );
    const finish = (): IteratorResult<string> => {
      subscription.unsubscribe();
      ended = true;
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<string> = {
      next: async () => {
        while (queue.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
        const digit = queue.shift();
        return digit === undefined ? finish() : { done: false, value: digit };
      },
      return: async () => finish(),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * Calls `onKey` with each key received from now on (each `dtmf.key` the channel actor announces:
   * one per `DTMFEnd`, whatever came before it), and `onEnd` once when the channel hangs up (at
   * once if it already has).
   */
  private watchKeys(onKey: (digit: string) => void, onEnd: () => void): Subscription {
    let ended = false;
    const end = (): void => {
      if (ended || this.actor.getSnapshot().status === 'active') return;
      ended = true;
      onEnd();
    };
    const keys = this.actor.on('dtmf.key', ({ digit }) => onKey(digit));
    const status = this.actor.subscribe({ next: end, complete: end, error: () => {} });
    end();
    return {
      unsubscribe: () => {
        keys.unsubscribe();
        status.unsubscribe();
      },
    };
  }

  /** Resolves with the channel's hang-up (cause, cause text) once it hangs up. */
  waitForHangup(): Promise<ChannelOutput> {
    return new Promise((resolve) => {
      const done = (): boolean => {
        const snapshot = this.actor.getSnapshot();
        if (snapshot.status === 'active') return false;
        resolve(snapshot.output!);
        return true;
      };
      if (done()) return;
      const subscription = this.actor.subscribe({
        complete: () => {
          subscription.unsubscribe();
          done();
        },
        error: () => {},
      });
    });
  }
}
