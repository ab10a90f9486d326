import { describe, expect, it } from 'vitest';
import { type AnyActorRef, assign, createActor, fromPromise, type InputFrom, setup } from 'xstate';
import type { GetDataResult } from '../../../src/calls/AgiChannel.js';
import type { agiServices } from '../../../src/machines/flows/agiServices.js';
import {
  type IvrInput,
  type IvrOutcome,
  ivrMachine,
} from '../../../src/machines/flows/ivrMachine.js';
import { menuMachine } from '../../../src/machines/flows/menuMachine.js';
import { passcodeMachine } from '../../../src/machines/flows/passcodeMachine.js';
import { modelPaths, stepsOf } from './modelPaths.js';
import { expectPhoneFollowsModel, keyReply, ScriptedAgiCall, settle } from './scriptedAgiCall.js';

/**
 * Model-based test of the whole IVR with its real children (passcode, menu) on a scripted call. The
 * model is the IVR's specification: answer; passcode 12345 (two attempts here, "login incorrect"
 * between them); then a menu (two offers here) where 1 dials the agent and 2 says goodbye; a
 * wrong passcode or no valid choice says goodbye too; after the Dial or the goodbye the call is
 * hung up; a hang-up before the outcome is known ends it as `gone`. Sounds that cannot be
 * interrupted (the retry prompt, the hang-up) are answered at once by the scripted call; every
 * other AGI command waits for a caller event. Every shortest path and every simple path to an end is
 * driven; the AGI commands sent and the IVR's output must be the model's.
 */

const INPUT = {
  passcode: { maxAttempts: 2, digitTimeoutMs: 4000 },
  menu: { prompt: ['vm-press', 'digits/1'], maxTries: 2, timeoutMs: 4000 },
} satisfies Omit<IvrInput, 'call'>;
const AUTO = { 'STREAM FILE vm-incorrect': '200 result=0 endpos=7200', HANGUP: '200 result=1' };

const ASK = 'GET DATA agent-pass 4000 16';
const RETRY = 'STREAM FILE vm-incorrect ""';
const DIAL = 'EXEC Dial Local/agent@default';
const GOODBYE = 'STREAM FILE vm-goodbye ""';

type ModelEvent =
  | { type: 'ANSWERED' }
  | { type: 'CORRECT_CODE' }
  | { type: 'WRONG_CODE' }
  | { type: 'TIMEOUT' }
  | { type: 'PRESS_1' }
  | { type: 'PRESS_2' }
  | { type: 'PRESS_INVALID' }
  | { type: 'SOUND_END' }
  | { type: 'DIAL_END' }
  | { type: 'HANGUP' };

interface ModelContext {
  attempts: number;
  tries: number;
  sounds: string[];
  index: number;
  choice: string | undefined;
  outcome: IvrOutcome | '';
  commands: string[];
}

/** What a key does while the menu is offered, from its prompts or the wait after them. */
const MENU_CHOICES = {
  PRESS_1: { target: 'connecting', actions: { type: 'choose', params: { choice: '1' } } },
  PRESS_2: {
    target: 'farewell',
    actions: [
      { type: 'choose', params: { choice: '2' } },
      { type: 'decide', params: { outcome: 'goodbye' } },
    ],
  },
} as const;

const model = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
  guards: {
    mayRetryCode: ({ context }) => context.attempts + 1 < 2,
    moreSounds: ({ context }) => context.index + 1 < context.sounds.length,
    offerAgain: ({ context }) => context.tries < 2,
  },
  actions: {
    send: assign({
      commands: ({ context }, params: { lines: string[] }) => [
        ...context.commands,
        ...params.lines,
      ],
    }),
    streamSound: assign({
      commands: ({ context }) => [
        ...context.commands,
        `STREAM FILE ${context.sounds[context.index]} 12`,
      ],
    }),
    countCode: assign({ attempts: ({ context }) => context.attempts + 1 }),
    nextSound: assign({ index: ({ context }) => context.index + 1 }),
    offerMenu: assign({ tries: 1, index: 0, sounds: ['vm-press', 'digits/1'] }),
    offerAgain: assign(({ context }) => ({
      tries: context.tries + 1,
      index: 0,
      sounds: ['please-try-again', 'vm-press', 'digits/1'],
    })),
    choose: assign((_, params: { choice: string }) => ({ choice: params.choice })),
    decide: assign((_, params: { outcome: IvrOutcome }) => ({ outcome: params.outcome })),
  },
}).createMachine({
  id: 'model',
  context: {
    attempts: 0,
    tries: 0,
    sounds: [],
    index: 0,
    choice: undefined,
    outcome: '',
    commands: ['ANSWER'],
  },
  initial: 'answering',
  states: {
    answering: {
      on: {
        ANSWERED: 'asking',
        HANGUP: { target: 'gone' },
      },
    },
    asking: {
      entry: { type: 'send', params: { lines: [ASK] } },
      on: {
        CORRECT_CODE: { target: 'prompting', actions: ['countCode', 'offerMenu'] },
        WRONG_CODE: [
          {
            guard: 'mayRetryCode',
            target: 'asking',
            reenter: true,
            actions: ['countCode', { type: 'send', params: { lines: [RETRY] } }],
          },
          {
            target: 'farewell',
            actions: ['countCode', { type: 'decide', params: { outcome: 'denied' } }],
          },
        ],
        TIMEOUT: [
          {
            guard: 'mayRetryCode',
            target: 'asking',
            reenter: true,
            actions: ['countCode', { type: 'send', params: { lines: [RETRY] } }],
          },
          {
            target: 'farewell',
            actions: ['countCode', { type: 'decide', params: { outcome: 'denied' } }],
          },
        ],
        HANGUP: 'gone',
      },
    },
    prompting: {
      entry: 'streamSound',
      on: {
        ...MENU_CHOICES,
        SOUND_END: [
          { guard: 'moreSounds', target: 'prompting', reenter: true, actions: 'nextSound' },
          { target: 'waiting' },
        ],
        HANGUP: 'gone',
      },
    },
    waiting: {
      entry: { type: 'send', params: { lines: ['WAIT FOR DIGIT 4000'] } },
      on: {
        ...MENU_CHOICES,
        PRESS_INVALID: [
          { guard: 'offerAgain', target: 'prompting', actions: 'offerAgain' },
          { target: 'farewell', actions: { type: 'decide', params: { outcome: 'noChoice' } } },
        ],
        TIMEOUT: [
          { guard: 'offerAgain', target: 'prompting', actions: 'offerAgain' },
          { target: 'farewell', actions: { type: 'decide', params: { outcome: 'noChoice' } } },
        ],
        HANGUP: 'gone',
      },
    },
    connecting: {
      entry: { type: 'send', params: { lines: [DIAL] } },
      on: {
        DIAL_END: {
          target: 'done',
          actions: [
            { type: 'decide', params: { outcome: 'connected' } },
            { type: 'send', params: { lines: ['HANGUP'] } },
          ],
        },
        HANGUP: 'gone',
      },
    },
    farewell: {
      entry: { type: 'send', params: { lines: [GOODBYE] } },
      on: {
        SOUND_END: { target: 'done', actions: { type: 'send', params: { lines: ['HANGUP'] } } },
        // The outcome is known: hanging up during the goodbye does not change it.
        HANGUP: 'done',
      },
    },
    done: { type: 'final' },
    gone: { type: 'final', entry: { type: 'decide', params: { outcome: 'gone' } } },
  },
});

describe('ivrMachine (model-based)', () => {
  const { complete, paths } = modelPaths(model, [
    'ANSWERED',
    'CORRECT_CODE',
    'WRONG_CODE',
    'TIMEOUT',
    'PRESS_1',
    'PRESS_2',
    'PRESS_INVALID',
    'SOUND_END',
    'DIAL_END',
    'HANGUP',
  ]);

  it('should have paths to every outcome', () => {
    const outcomes = new Set(complete.map((path) => path.state.context.outcome));
    expect([...outcomes].sort()).toEqual(['connected', 'denied', 'gone', 'goodbye', 'noChoice']);
    expect(paths.length).toBeGreaterThan(100);
  });

  for (const path of paths) {
    it(`should run the IVR like the model along: ${stepsOf(path)}`, async () => {
      const phone = new ScriptedAgiCall(AUTO);
      const actor = createActor(ivrMachine, { input: { call: phone.call, ...INPUT } });
      actor.start();
      await path.test({
        events: {
          ANSWERED: () => phone.reply('200 result=0'),
          CORRECT_CODE: () => phone.reply('200 result=12345'),
          WRONG_CODE: () => phone.reply('200 result=1234'),
          TIMEOUT: () =>
            phone.reply(
              phone.waiting.startsWith('GET DATA') ? '200 result= (timeout)' : '200 result=0',
            ),
          PRESS_1: () => phone.reply(keyReply(phone.waiting, '1')),
          PRESS_2: () => phone.reply(keyReply(phone.waiting, '2')),
          PRESS_INVALID: () => phone.reply(keyReply(phone.waiting, '7')),
          SOUND_END: () => phone.reply('200 result=0 endpos=4000'),
          DIAL_END: () => phone.reply('200 result=0'),
          HANGUP: () => phone.hangUp(),
        },
        states: {
          '*': async (snapshot) => {
            await expectPhoneFollowsModel(phone, actor, snapshot);
            if (snapshot.status !== 'done') return;
            const { attempts, choice, outcome, tries } = snapshot.context;
            const output = actor.getSnapshot().output!;
            expect(output.outcome).toBe(outcome);
            // What the children reported, when they got to finish.
            if (output.passcode) {
              expect(output.passcode.attempts).toBe(attempts);
              expect(output.passcode.granted).toBe(tries > 0);
            }
            if (output.menu) {
              expect(output.menu.choice).toBe(choice);
              expect(output.menu.tries).toBe(tries);
            }
            if (['connected', 'goodbye', 'noChoice'].includes(outcome)) {
              expect(output.menu).toBeDefined();
            }
            if (outcome === 'denied') expect(output.passcode?.granted).toBe(false);
          },
        },
      });
    });
  }
});

describe('ivrMachine children', () => {
  it('should run the passcode and the menu as children named passcode and menu', async () => {
    const phone = new ScriptedAgiCall(AUTO);
    const actor = createActor(ivrMachine, { input: { call: phone.call } }).start();
    await settle();
    phone.reply('200 result=0'); // ANSWER
    await settle();
    expect(actor.getSnapshot().value).toBe('passcode');
    expect((actor.getSnapshot().children.passcode as AnyActorRef).getSnapshot().value).toBe(
      'asking',
    );
    phone.reply('200 result=12345');
    await settle();
    expect(actor.getSnapshot().value).toBe('menu');
    expect(actor.getSnapshot().children.passcode).toBeUndefined();
    expect((actor.getSnapshot().children.menu as AnyActorRef).getSnapshot().value).toBe(
      'prompting',
    );
    phone.reply('200 result=50 endpos=800'); // 2 during "press"
    await settle();
    phone.reply('200 result=0 endpos=6400'); // vm-goodbye
    await settle();
    expect(phone.log).toEqual([
      'ANSWER',
      'GET DATA agent-pass 5000 16',
      'STREAM FILE vm-press 12',
      GOODBYE,
      'HANGUP',
    ]);
    expect(actor.getSnapshot().output).toEqual({
      outcome: 'goodbye',
      passcode: { granted: true, attempts: 1, reason: 'granted' },
      menu: { choice: '2', tries: 1, reason: 'chosen' },
    });
  });

  it('should use a passcode child provided by the application', async () => {
    // A passcode step that trusts the caller without asking (say, a known caller ID).
    const trusting = passcodeMachine.provide({
      actors: {
        getData: fromPromise<GetDataResult, InputFrom<typeof agiServices.getData>>(async () => ({
          digits: 'trusted',
          timedOut: false,
        })),
      },
      guards: { isCorrect: (_, { digits }) => digits === 'trusted' },
    });
    const phone = new ScriptedAgiCall(AUTO);
    const ivr = ivrMachine.provide({ actors: { passcode: trusting } });
    const actor = createActor(ivr, {
      input: { call: phone.call, menu: { prompt: ['beep'] }, dial: 'PJSIP/bob,20' },
    }).start();
    await settle();
    phone.reply('200 result=0'); // ANSWER
    await settle();
    phone.reply('200 result=49 endpos=100'); // 1 during the beep
    await settle();
    phone.reply('200 result=0'); // the Dial returns
    await settle();
    expect(phone.log).toEqual([
      'ANSWER',
      'STREAM FILE beep 12',
      'EXEC Dial PJSIP/bob,20',
      'HANGUP',
    ]);
    expect(actor.getSnapshot().output).toMatchObject({
      outcome: 'connected',
      passcode: { granted: true, attempts: 1 },
      menu: { choice: '1' },
    });
  });

  it('should use a menu child and guards provided by the application', async () => {
    // Key 3 connects; the menu offers 1 and 3.
    const phone = new ScriptedAgiCall(AUTO);
    const ivr = ivrMachine.provide({
      actors: { menu: menuMachine },
      guards: { choseConnect: (_, { menu }) => menu.choice === '3' },
    });
    const actor = createActor(ivr, {
      input: { call: phone.call, menu: { prompt: ['beep'], choices: ['1', '3'] } },
    }).start();
    await settle();
    phone.reply('200 result=0'); // ANSWER
    await settle();
    phone.reply('200 result=12345');
    await settle();
    phone.reply('200 result=51 endpos=100'); // 3
    await settle();
    expect(phone.waiting).toBe(DIAL);
    phone.hangUp();
    await settle();
    expect(actor.getSnapshot().output).toMatchObject({
      outcome: 'gone',
      error: { name: 'AgiSessionEndedError' },
    });
    expect(phone.log).toEqual([
      'ANSWER',
      'GET DATA agent-pass 5000 16',
      'STREAM FILE beep 13',
      DIAL,
    ]);
  });
});
