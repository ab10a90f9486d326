import { describe, expect, it } from 'vitest';
import { and, not, or } from 'xstate';
import {
  eventLabel,
  formatDelay,
  guardLabel,
  transitionLabel,
  words,
} from '../../src/diagram/labels.js';

const context = {
  invokes: new Map([
    ['0.ivr.answering', 'answer'],
    ['passcode', 'passcode'],
  ]),
  delays: new Map([['firstDigit', 5000]]),
  states: new Map([['menu.waiting', 'waiting']]),
};

describe('diagram labels', () => {
  it('should turn names into words, keeping acronyms', () => {
    expect(words('isSelf')).toBe('is self');
    expect(words('lastDialLegEnds')).toBe('last dial leg ends');
    expect(words('startsInAgi')).toBe('starts in AGI');
    expect(words('has_tries_left')).toBe('has tries left');
    expect(words('DTMF')).toBe('DTMF');
    expect(words('playDtmf')).toBe('play DTMF');
  });

  it('should write durations as people do', () => {
    expect(formatDelay(0)).toBe('0 ms');
    expect(formatDelay(500)).toBe('500 ms');
    expect(formatDelay(5000)).toBe('5 s');
    expect(formatDelay(1500)).toBe('1.5 s');
    expect(formatDelay(120_000)).toBe('2 min');
    expect(formatDelay(90_000)).toBe('1 min 30 s');
    expect(formatDelay(5_400_000)).toBe('1 h 30 min');
  });

  it('should name events by what happened, not by XState ids', () => {
    expect(eventLabel('xstate.done.actor.0.ivr.answering', context)).toBe('done: answer');
    expect(eventLabel('xstate.error.actor.passcode', context)).toBe('error: passcode');
    expect(eventLabel('xstate.done.actor.unknown', context)).toBe('done: unknown');
    expect(eventLabel('xstate.done.state.menu.waiting', context)).toBe('done: waiting');
    expect(eventLabel('xstate.after.firstDigit.collectDigits.waiting', context, 'firstDigit')).toBe(
      'after 5 s',
    );
    expect(eventLabel('xstate.after.1500.x.y', context, 1500)).toBe('after 1.5 s');
    expect(eventLabel('xstate.after.later.x.y', context, 'nextDigit')).toBe('after next digit');
    expect(eventLabel('ami.Hangup', context)).toBe('Hangup');
    expect(eventLabel('ami.*', context)).toBe('any AMI event');
    expect(eventLabel('', context)).toBe('always');
    expect(eventLabel('*', context)).toBe('any event');
    expect(eventLabel('DIGIT', context)).toBe('DIGIT');
  });

  it('should write guards as words, with their parameters and operators', () => {
    expect(guardLabel(undefined)).toBeUndefined();
    expect(guardLabel('isTerminator')).toBe('is terminator');
    expect(guardLabel({ type: 'lineIs', params: { line: 'answered' } })).toBe('line is answered');
    expect(guardLabel({ type: 'isGranted', params: () => ({}) })).toBe('is granted');
    expect(guardLabel({ type: 'within', params: { min: 1, max: 3 } })).toBe(
      'within {"min":1,"max":3}',
    );
    expect(guardLabel(not('isSelf'))).toBe('not is self');
    expect(guardLabel(and(['isSelf', 'changes']))).toBe('is self and changes');
    expect(guardLabel(or(['isSelf', not('changes')]))).toBe('is self or not changes');
    expect(
      guardLabel(function hasTriesLeft() {
        return true;
      }),
    ).toBe('has tries left');
  });

  it('should label a transition by its description, else its event and guard', () => {
    expect(transitionLabel({ eventType: 'DIGIT', guard: 'isTerminator' }, context)).toBe(
      'DIGIT [is terminator]',
    );
    expect(transitionLabel({ eventType: '', guard: 'startsInAgi' }, context)).toBe(
      '[starts in AGI]',
    );
    expect(transitionLabel({ eventType: '' }, context)).toBe('always');
    expect(
      transitionLabel(
        { eventType: 'DIGIT', guard: 'isTerminator', description: 'DTMF [digit is #]' },
        context,
      ),
    ).toBe('DTMF [digit is #]');
  });
});
