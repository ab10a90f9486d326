import { expect } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { AgiChannel } from '../../../src/calls/AgiChannel.js';
import type { AgiTransport } from '../../../src/calls/agiTransport.js';
import { type AgiResult, parseAgiResult } from '../../../src/protocol/agiResult.js';
import { AgiError, AgiNotInAgiError, AgiSessionEndedError } from '../../../src/protocol/errors.js';

interface Pending {
  readonly line: string;
  readonly resolve: (result: AgiResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A call for call-flow tests without a PBX: a real {@link AgiChannel} (so the AGI command lines
 * are the ones the runtime would send) whose commands are answered by the test, one at a time,
 * with AGI reply lines (`200 result=49 endpos=800`), a hang-up, or an AGI error.
 *
 * @example
 * const phone = new ScriptedAgiCall({ HANGUP: '200 result=1' });
 * const actor = createActor(helloMachine, { input: { call: phone.call } }).start();
 * await settle();
 * phone.reply('200 result=0'); // ANSWER
 */
export class ScriptedAgiCall {
  /** Every command line sent, in order. */
  readonly log: string[] = [];
  /** The command waiting for its result, if any. */
  pending: Pending | undefined;
  private inAgi = true;
  readonly call: AgiChannel;

  /** `autoReplies`: replies given at once to commands that start with the key (`HANGUP`). */
  constructor(private readonly autoReplies: Readonly<Record<string, string>> = {}) {
    const inAgi = (): boolean => this.inAgi;
    const transport: AgiTransport = {
      kind: 'async',
      get active() {
        return inAgi();
      },
      env: undefined,
      send: (line) =>
        new Promise<AgiResult>((resolve, reject) => {
          if (!this.inAgi) {
            reject(new AgiNotInAgiError(`${line}: not in AGI`, 0));
            return;
          }
          this.log.push(line);
          const auto = Object.entries(this.autoReplies).find(([prefix]) => line.startsWith(prefix));
          if (auto) {
            resolve(parseAgiResult(auto[1]));
            if (line === 'HANGUP') this.inAgi = false;
            return;
          }
          if (this.pending) reject(new Error(`${line} sent while ${this.pending.line} runs`));
          this.pending = { line, resolve, reject };
        }),
      onEnd: () => () => {},
      close: async () => {
        this.inAgi = false;
      },
    };
    this.call = new AgiChannel(transport);
  }

  /** The line of the command waiting for its result (throws when none waits). */
  get waiting(): string {
    if (!this.pending) throw new Error('no AGI command is waiting');
    return this.pending.line;
  }

  /** Answers the waiting command with an AGI reply line. */
  reply(text: string): void {
    const pending = this.take();
    pending.resolve(parseAgiResult(text));
  }

  /** The caller hangs up: the waiting command fails and the channel leaves AsyncAGI. */
  hangUp(): void {
    this.inAgi = false;
    this.pending && this.take().reject(new AgiSessionEndedError('AGI session ended', 0));
  }

  /** The waiting command fails with an AGI error (not a hang-up). */
  fail(error: Error = new AgiError('AGI command failed', 0)): void {
    this.take().reject(error);
  }

  private take(): Pending {
    const pending = this.pending;
    if (!pending) throw new Error('no AGI command is waiting');
    this.pending = undefined;
    return pending;
  }
}

/** Lets promise settlements and the actors' reactions to them run (no timers involved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The checks every model-based call-flow test makes in each state of a path, once the actors have
 * reacted: the phone got exactly the model's commands; a finished model means a finished machine
 * with no command left waiting, else a live machine waiting on the model's latest command.
 */
export async function expectPhoneFollowsModel(
  phone: ScriptedAgiCall,
  actor: AnyActorRef,
  model: { readonly status: string; readonly context: { readonly commands: readonly string[] } },
): Promise<void> {
  await settle();
  expect(phone.log).toEqual(model.context.commands);
  if (model.status === 'done') {
    expect(actor.getSnapshot().status).toBe('done');
    expect(phone.pending).toBeUndefined();
  } else {
    expect(actor.getSnapshot().status).toBe('active');
    expect(phone.waiting).toBe(model.context.commands.at(-1));
  }
}

/** The reply to a key pressed while `line` runs: STREAM FILE and WAIT FOR DIGIT give its code. */
export function keyReply(line: string, digit: string): string {
  const code = digit.charCodeAt(0);
  return line.startsWith('STREAM FILE') ? `200 result=${code} endpos=1600` : `200 result=${code}`;
}
