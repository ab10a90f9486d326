import { describe, expect, it } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import {
  type PasscodeInput,
  type PasscodeOutput,
  type PasscodeReason,
  passcodeMachine,
} from '../../../src/machines/flows/passcodeMachine.js';
import { AgiInvalidCommandError } from '../../../src/protocol/errors.js';
import { modelPaths, stepsOf } from './modelPaths.js';
import { expectPhoneFollowsModel, ScriptedAgiCall, settle } from './scriptedAgiCall.js';

/**
 * Model-based test of the passcode step. The model is the specification written as a statechart,
 * independently of `passcodeMachine`: the caller is asked with GET DATA (prompt, digit timeout,
 * at most 16 keys); a right code grants; a wrong one, or nothing before the timeout, plays the retry
 * prompt then asks again, three codes at most; a hang-up at any point ends it. The model also
 * lists the AGI commands the specification implies. The system under test is the real machine on
 * a scripted call (a real `AgiChannel` whose replies the test gives): along every shortest path and
 * every simple path to an end, the commands sent and the output must be the model's.
 */

const OPTIONS = { digitTimeoutMs: 4000 } satisfies Omit<PasscodeInput, 'call'>;
const ASK = 'GET DATA agent-pass 4000 16';
const RETRY = 'STREAM FILE vm-incorrect ""';

type ModelEvent =
  | { type: 'CORRECT_CODE' }
  | { type: 'WRONG_CODE' }
  | { type: 'TIMEOUT' }
  | { type: 'PROMPT_END' }
  | { type: 'HANGUP' };

const model = setup({
  types: {
    context: {} as { attempts: number; reason: PasscodeReason | ''; commands: string[] },
    events: {} as ModelEvent,
  },
  guards: {
    mayTryAgain: ({ context }) => context.attempts + 1 < 3,
  },
  actions: {
    send: assign({
      commands: ({ context }, params: { line: string }) => [...context.commands, params.line],
    }),
    count: assign({ attempts: ({ context }) => context.attempts + 1 }),
    end: assign((_, params: { reason: PasscodeReason }) => ({ reason: params.reason })),
  },
}).createMachine({
  id: 'model',
  context: { attempts: 0, reason: '', commands: [] },
  initial: 'asking',
  states: {
    asking: {
      entry: { type: 'send', params: { line: ASK } },
      on: {
        CORRECT_CODE: {
          target: 'granted',
          actions: ['count', { type: 'end', params: { reason: 'granted' } }],
        },
        WRONG_CODE: [
          { guard: 'mayTryAgain', target: 'retrying', actions: 'count' },
          { target: 'denied', actions: ['count', { type: 'end', params: { reason: 'denied' } }] },
        ],
        TIMEOUT: [
          { guard: 'mayTryAgain', target: 'retrying', actions: 'count' },
          { target: 'denied', actions: ['count', { type: 'end', params: { reason: 'denied' } }] },
        ],
        HANGUP: { target: 'gone', actions: { type: 'end', params: { reason: 'gone' } } },
      },
    },
    retrying: {
      entry: { type: 'send', params: { line: RETRY } },
      on: {
        PROMPT_END: 'asking',
        HANGUP: { target: 'gone', actions: { type: 'end', params: { reason: 'gone' } } },
      },
    },
    granted: { type: 'final' },
    denied: { type: 'final' },
    gone: { type: 'final' },
  },
});

describe('passcodeMachine (model-based)', () => {
  const { complete, paths } = modelPaths(model, [
    'CORRECT_CODE',
    'WRONG_CODE',
    'TIMEOUT',
    'PROMPT_END',
    'HANGUP',
  ]);

  it('should have paths to every state and every way to end', () => {
    const ends = new Set(complete.map((path) => path.state.context.reason));
    expect([...ends].sort()).toEqual(['denied', 'gone', 'granted']);
    // granted after 1, 2 or 3 codes; denied after 3; gone in each asking and retrying state.
    expect(complete.length).toBeGreaterThanOrEqual(3 * 4 + 8);
  });

  for (const path of paths) {
    it(`should ask like the model along: ${stepsOf(path)}`, async () => {
      const phone = new ScriptedAgiCall();
      const actor = createActor(passcodeMachine, { input: { call: phone.call, ...OPTIONS } });
      actor.start();
      await path.test({
        events: {
          CORRECT_CODE: () => phone.reply('200 result=12345'),
          WRONG_CODE: () => phone.reply('200 result=54321'),
          TIMEOUT: () => phone.reply('200 result= (timeout)'),
          PROMPT_END: () => phone.reply('200 result=0 endpos=7200'),
          HANGUP: () => phone.hangUp(),
        },
        states: {
          '*': async (snapshot) => {
            await expectPhoneFollowsModel(phone, actor, snapshot);
            const real = actor.getSnapshot();
            if (snapshot.status === 'done') {
              const { attempts, reason } = snapshot.context;
              expect(real.output).toMatchObject({
                granted: reason === 'granted',
                attempts,
                reason,
              });
              if (reason === 'gone') {
                expect(real.output?.error).toMatchObject({ name: 'AgiSessionEndedError' });
              } else {
                expect(real.output).not.toHaveProperty('error');
              }
            } else {
              expect(real.value).toBe(snapshot.value);
            }
          },
        },
      });
    });
  }
});

describe('passcodeMachine', () => {
  async function run(
    logic: typeof passcodeMachine,
    input: Omit<PasscodeInput, 'call'>,
    answers: Array<(phone: ScriptedAgiCall) => void>,
  ): Promise<{ output: PasscodeOutput | undefined; value: unknown; log: string[] }> {
    const phone = new ScriptedAgiCall();
    const actor = createActor(logic, { input: { call: phone.call, ...input } }).start();
    for (const answer of answers) {
      await settle();
      answer(phone);
    }
    await settle();
    const snapshot = actor.getSnapshot();
    return { output: snapshot.output, value: snapshot.value, log: phone.log };
  }

  it('should take its prompts, code, limits and timeout from the input', async () => {
    const { output, log } = await run(
      passcodeMachine,
      {
        expected: '4242',
        maxAttempts: 2,
        prompt: 'vm-password',
        retryPrompt: 'please-try-again',
        digitTimeoutMs: 3000,
        maxDigits: 4,
      },
      [
        (phone) => phone.reply('200 result=12345'),
        (phone) => phone.reply('200 result=0 endpos=8800'),
        (phone) => phone.reply('200 result=4242'),
      ],
    );
    expect(log).toEqual([
      'GET DATA vm-password 3000 4',
      'STREAM FILE please-try-again ""',
      'GET DATA vm-password 3000 4',
    ]);
    expect(output).toEqual({ granted: true, attempts: 2, reason: 'granted' });
  });

  it('should let an application check codes its own way by providing isCorrect', async () => {
    const pins = new Set(['1111', '2222']);
    const checked = passcodeMachine.provide({
      guards: { isCorrect: (_, { digits }) => pins.has(digits) },
    });
    const wrong = await run(checked, {}, [(phone) => phone.reply('200 result=12345')]);
    expect(wrong.value).toBe('retrying');
    expect(wrong.log).toEqual([ASK.replace('4000', '5000'), RETRY]);
    const right = await run(checked, {}, [(phone) => phone.reply('200 result=2222')]);
    expect(right.output).toEqual({ granted: true, attempts: 1, reason: 'granted' });
  });

  it('should end in gone, with the error, when an AGI command fails', async () => {
    const failure = new AgiInvalidCommandError('Invalid or unknown command', 510);
    const { output } = await run(passcodeMachine, {}, [(phone) => phone.fail(failure)]);
    expect(output).toEqual({ granted: false, attempts: 0, reason: 'gone', error: failure });
  });

  it('should end in gone at once when the call is no longer in AGI', async () => {
    const phone = new ScriptedAgiCall();
    phone.hangUp();
    const actor = createActor(passcodeMachine, { input: { call: phone.call } }).start();
    await settle();
    expect(phone.log).toEqual([]);
    expect(actor.getSnapshot().output).toMatchObject({
      reason: 'gone',
      error: { name: 'AgiNotInAgiError' },
    });
  });
});
