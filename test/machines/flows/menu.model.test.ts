import { describe, expect, it } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import {
  type MenuInput,
  type MenuReason,
  menuMachine,
} from '../../../src/machines/flows/menuMachine.js';
import { modelPaths, stepsOf } from './modelPaths.js';
import { expectPhoneFollowsModel, keyReply, ScriptedAgiCall, settle } from './scriptedAgiCall.js';

/**
 * Model-based test of the menu. The model is the specification as a statechart, written apart
 * from `menuMachine`: each sound of the prompt plays with STREAM FILE and the choices as escape
 * digits, so key 1 or 2 interrupts it; after the prompt, WAIT FOR DIGIT; an invalid key or no key
 * offers the menu again with `please-try-again` first, three offers at most; a hang-up ends it.
 * The real machine runs on a scripted call along every shortest path and every simple path to an
 * end; in each state the AGI commands sent so far and the output must be the model's.
 */

const OPTIONS = {
  prompt: ['vm-press', 'digits/1'],
  choices: ['1', '2'],
  maxTries: 3,
  timeoutMs: 4000,
} satisfies Omit<MenuInput, 'call'>;

type ModelEvent =
  | { type: 'PRESS_1' }
  | { type: 'PRESS_2' }
  | { type: 'PRESS_INVALID' }
  | { type: 'SOUND_END' }
  | { type: 'TIMEOUT' }
  | { type: 'HANGUP' };

interface ModelContext {
  tries: number;
  sounds: string[];
  index: number;
  choice: string | undefined;
  reason: MenuReason | '';
  commands: string[];
}

const model = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
  guards: {
    moreSounds: ({ context }) => context.index + 1 < context.sounds.length,
    offerAgain: ({ context }) => context.tries < 3,
  },
  actions: {
    streamSound: assign({
      commands: ({ context }) => [
        ...context.commands,
        `STREAM FILE ${context.sounds[context.index]} 12`,
      ],
    }),
    waitForKey: assign({ commands: ({ context }) => [...context.commands, 'WAIT FOR DIGIT 4000'] }),
    nextSound: assign({ index: ({ context }) => context.index + 1 }),
    again: assign(({ context }) => ({
      tries: context.tries + 1,
      index: 0,
      sounds: ['please-try-again', 'vm-press', 'digits/1'],
    })),
    choose: assign((_, params: { choice: string }) => ({
      choice: params.choice,
      reason: 'chosen' as const,
    })),
    end: assign((_, params: { reason: MenuReason }) => ({ reason: params.reason })),
  },
}).createMachine({
  id: 'model',
  context: {
    tries: 1,
    sounds: ['vm-press', 'digits/1'],
    index: 0,
    choice: undefined,
    reason: '',
    commands: [],
  },
  initial: 'prompting',
  on: { HANGUP: { target: '.gone', actions: { type: 'end', params: { reason: 'gone' } } } },
  states: {
    prompting: {
      entry: 'streamSound',
      on: {
        PRESS_1: { target: 'chosen', actions: { type: 'choose', params: { choice: '1' } } },
        PRESS_2: { target: 'chosen', actions: { type: 'choose', params: { choice: '2' } } },
        SOUND_END: [
          { guard: 'moreSounds', target: 'prompting', reenter: true, actions: 'nextSound' },
          { target: 'waiting' },
        ],
      },
    },
    waiting: {
      entry: 'waitForKey',
      on: {
        PRESS_1: { target: 'chosen', actions: { type: 'choose', params: { choice: '1' } } },
        PRESS_2: { target: 'chosen', actions: { type: 'choose', params: { choice: '2' } } },
        PRESS_INVALID: [
          { guard: 'offerAgain', target: 'prompting', actions: 'again' },
          { target: 'noChoice', actions: { type: 'end', params: { reason: 'noChoice' } } },
        ],
        TIMEOUT: [
          { guard: 'offerAgain', target: 'prompting', actions: 'again' },
          { target: 'noChoice', actions: { type: 'end', params: { reason: 'noChoice' } } },
        ],
      },
    },
    chosen: { type: 'final' },
    noChoice: { type: 'final' },
    gone: { type: 'final' },
  },
});

describe('menuMachine (model-based)', () => {
  const { complete, paths } = modelPaths(model, [
    'PRESS_1',
    'PRESS_2',
    'PRESS_INVALID',
    'SOUND_END',
    'TIMEOUT',
    'HANGUP',
  ]);

  it('should have paths to every state and every way to end', () => {
    const ends = new Set(complete.map((path) => path.state.context.reason));
    expect([...ends].sort()).toEqual(['chosen', 'gone', 'noChoice']);
    const offers = new Set(complete.map((path) => path.state.context.tries));
    expect([...offers].sort()).toEqual([1, 2, 3]);
    expect(paths.length).toBeGreaterThan(50);
  });

  for (const path of paths) {
    it(`should offer the menu like the model along: ${stepsOf(path)}`, async () => {
      const phone = new ScriptedAgiCall();
      const actor = createActor(menuMachine, { input: { call: phone.call, ...OPTIONS } });
      actor.start();
      await path.test({
        events: {
          PRESS_1: () => phone.reply(keyReply(phone.waiting, '1')),
          PRESS_2: () => phone.reply(keyReply(phone.waiting, '2')),
          PRESS_INVALID: () => phone.reply(keyReply(phone.waiting, '9')),
          SOUND_END: () => phone.reply('200 result=0 endpos=4000'),
          TIMEOUT: () => phone.reply('200 result=0'),
          HANGUP: () => phone.hangUp(),
        },
        states: {
          '*': async (snapshot) => {
            await expectPhoneFollowsModel(phone, actor, snapshot);
            const real = actor.getSnapshot();
            if (snapshot.status === 'done') {
              const { choice, tries, reason } = snapshot.context;
              expect(real.output).toMatchObject({ choice, tries, reason });
              expect(real.output?.error !== undefined).toBe(reason === 'gone');
            } else {
              expect(real.value).toBe(snapshot.value);
            }
          },
        },
      });
    });
  }
});

describe('menuMachine', () => {
  it('should play the default prompt, then give up with no choice after one offer', async () => {
    const phone = new ScriptedAgiCall();
    const actor = createActor(menuMachine, { input: { call: phone.call, maxTries: 1 } }).start();
    for (let i = 0; i < 4; i++) {
      await settle();
      phone.reply('200 result=0 endpos=4000');
    }
    await settle();
    phone.reply('200 result=0');
    await settle();
    expect(phone.log).toEqual([
      'STREAM FILE vm-press 12',
      'STREAM FILE digits/1 12',
      'STREAM FILE vm-press 12',
      'STREAM FILE digits/2 12',
      'WAIT FOR DIGIT 5000',
    ]);
    expect(actor.getSnapshot().output).toEqual({ choice: undefined, tries: 1, reason: 'noChoice' });
  });

  it('should take any set of choices, and let isChoice be provided', async () => {
    const phone = new ScriptedAgiCall();
    const strict = menuMachine.provide({ guards: { isChoice: (_, { digit }) => digit === '*' } });
    const actor = createActor(strict, {
      input: { call: phone.call, prompt: ['beep'], choices: ['*', '0'], maxTries: 2 },
    }).start();
    await settle();
    phone.reply('200 result=48 endpos=100'); // 0 interrupts, but the provided guard refuses it
    await settle();
    phone.reply('200 result=42'); // *
    await settle();
    expect(phone.log).toEqual(['STREAM FILE beep *0', 'WAIT FOR DIGIT 5000']);
    expect(actor.getSnapshot().output).toEqual({ choice: '*', tries: 1, reason: 'chosen' });
  });
});
