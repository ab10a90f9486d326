import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallLog, type StepRecord } from '../../src/inspector/callLog.js';

function step(seq: number, actor = 'channel:1'): StepRecord {
  return { seq, at: seq, actor, event: { type: `e${seq}` }, snapshot: {}, transitions: [] };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('CallLog', () => {
  it('should end a call with its last actor and keep its steps and its actors', () => {
    const log = new CallLog<string>();
    log.actorStarted('A', 'channel:1');
    log.actorStarted('A', 'flow:1');
    log.record('A', step(1));
    log.record('A', step(2, 'flow:1'));
    log.actorEnded('A', 'flow:1', 'flow last');
    expect(log.get('A')?.endedAt).toBeNull();
    expect(log.endedActor('flow:1')).toBe('flow last');
    log.actorEnded('A', 'channel:1', 'channel last');
    expect(log.get('A')?.endedAt).toEqual(expect.any(Number));
    expect(log.endedActors('A')).toEqual(['flow last', 'channel last']);
    expect(log.steps('A').map((s) => s.seq)).toEqual([1, 2]);
    expect(log.steps('A', 1).map((s) => s.seq)).toEqual([2]);
    expect(log.step('A', 2)?.actor).toBe('flow:1');
    // An actor of an ended call starting again: the call is live again.
    log.actorStarted('A', 'channel:2');
    expect(log.get('A')?.endedAt).toBeNull();
    expect(log.sizes).toEqual({ calls: 1, ended: 0 });
  });

  it('should keep at most maxStepsPerCall steps per call, the latest, and count the others', () => {
    const log = new CallLog<string>({ maxStepsPerCall: 10 });
    for (let seq = 1; seq <= 1000; seq++) log.record('A', step(seq));
    const kept = log.steps('A').map((s) => s.seq);
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept.at(-1)).toBe(1000);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 1001 - kept.length + i));
    expect(log.get('A')?.droppedSteps).toBeGreaterThanOrEqual(990);
  });

  it('should forget ended calls past maxEndedCalls, oldest first, and tell which actors went', () => {
    const log = new CallLog<string>({ maxEndedCalls: 2 });
    const forgotten: Array<[string, string[]]> = [];
    log.onForget((call, actors) => forgotten.push([call, actors]));
    for (const call of ['A', 'B', 'C']) {
      log.actorStarted(call, `channel:${call}`);
      log.actorEnded(call, `channel:${call}`, call);
    }
    expect(log.list().map((call) => call.id)).toEqual(['B', 'C']);
    expect(forgotten).toEqual([['A', ['channel:A']]]);
    expect(log.endedActor('channel:A')).toBeUndefined();
    expect(log.endedActor('channel:B')).toBe('B');
    log.clear();
  });

  it('should forget ended calls after endedRetentionMs, without a timer once none is left', () => {
    vi.useFakeTimers();
    const log = new CallLog<string>({ endedRetentionMs: 600_000 });
    log.actorStarted('A', 'channel:A');
    log.actorEnded('A', 'channel:A', 'A');
    vi.advanceTimersByTime(300_000);
    log.actorStarted('B', 'channel:B');
    log.actorEnded('B', 'channel:B', 'B');
    expect(log.sizes.ended).toBe(2);
    vi.advanceTimersByTime(300_001);
    expect(log.list().map((call) => call.id)).toEqual(['B']);
    vi.advanceTimersByTime(300_001);
    expect(log.list()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
