import { describe, expect, it } from 'vitest';
import { ReconnectPolicy } from '../../src/connection/reconnectPolicy.js';

const delays = (policy: ReconnectPolicy, count: number): Array<number | undefined> =>
  Array.from({ length: count }, () => policy.next()?.delayMs);

describe('ReconnectPolicy', () => {
  it('should back off exponentially up to the maximum', () => {
    const policy = new ReconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
    expect(delays(policy, 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('should honour the factor', () => {
    const policy = new ReconnectPolicy({ initialDelayMs: 10, factor: 3, jitter: 0 });
    expect(delays(policy, 3)).toEqual([10, 30, 90]);
  });

  it('should spread delays by the jitter fraction, never past the maximum', () => {
    const low = new ReconnectPolicy({ initialDelayMs: 100, jitter: 0.5 }, () => 0);
    const high = new ReconnectPolicy({ initialDelayMs: 100, jitter: 0.5 }, () => 0.999_999);
    expect(low.next()?.delayMs).toBe(50);
    expect(high.next()?.delayMs).toBe(150);
    const capped = new ReconnectPolicy(
      { initialDelayMs: 100, maxDelayMs: 100, jitter: 0.5 },
      () => 0.999_999,
    );
    expect(capped.next()?.delayMs).toBe(100);
  });

  it('should keep jittered delays within bounds for any random source', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const policy = new ReconnectPolicy(
      { initialDelayMs: 50, maxDelayMs: 800, jitter: 0.3 },
      random,
    );
    for (let attempt = 1; attempt <= 50; attempt++) {
      const base = Math.min(800, 50 * 2 ** (attempt - 1));
      const delay = policy.next()?.delayMs ?? -1;
      expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.7));
      expect(delay).toBeLessThanOrEqual(800);
    }
  });

  it('should stop after maxAttempts until reset', () => {
    const policy = new ReconnectPolicy({ initialDelayMs: 1, jitter: 0, maxAttempts: 2 });
    expect(delays(policy, 3)).toEqual([1, 2, undefined]);
    expect(policy.attempt).toBe(2);
    policy.reset();
    expect(policy.next()).toEqual({ attempt: 1, delayMs: 1 });
  });

  it('should let the hook override a delay or give up, and tell it the attempt and error', () => {
    const seen: Array<[number, number, string | undefined]> = [];
    const policy = new ReconnectPolicy({
      initialDelayMs: 100,
      jitter: 0,
      onReconnect: ({ attempt, delayMs, error }) => {
        seen.push([attempt, delayMs, error?.message]);
        if (attempt === 1) return 5;
        if (attempt === 3) return false;
        return undefined;
      },
    });
    expect(policy.next(new Error('refused'))).toEqual({ attempt: 1, delayMs: 5 });
    expect(policy.next()).toEqual({ attempt: 2, delayMs: 200 });
    expect(policy.next()).toBeUndefined();
    expect(seen).toEqual([
      [1, 100, 'refused'],
      [2, 200, undefined],
      [3, 400, undefined],
    ]);
  });
});
