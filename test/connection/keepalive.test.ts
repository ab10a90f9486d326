import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AmiActionError,
  AmiConnectionClosedError,
  AmiTimeoutError,
} from '../../src/connection/errors.js';
import { Keepalive } from '../../src/connection/keepalive.js';
import { createMessage } from '../../src/protocol/serialize.js';

describe('Keepalive', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The verdict is given in an immediate queued at the deadline, once pending I/O was read. */
  const pollPhase = () => vi.advanceTimersByTimeAsync(1);

  /** A keepalive on fake time: `read()` records bytes read from the peer now. */
  function harness(answer: () => Promise<unknown>) {
    const pings: number[] = [];
    const dead: AmiTimeoutError[] = [];
    let lastReadAt = Number.NEGATIVE_INFINITY;
    const keepalive = new Keepalive(1000, 300, {
      ping: () => {
        pings.push(Date.now());
        return answer();
      },
      lastReadAt: () => lastReadAt,
      now: () => Date.now(),
      dead: (error) => dead.push(error),
    });
    const read = (): void => {
      lastReadAt = Date.now();
    };
    return { keepalive, pings, dead, read };
  }

  it('should ping every interval while answers come', async () => {
    vi.useFakeTimers();
    const { keepalive, pings, dead } = harness(() => Promise.resolve());
    keepalive.start();
    await vi.advanceTimersByTimeAsync(3500);
    expect(pings).toHaveLength(3);
    expect(dead).toEqual([]);
    keepalive.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(pings).toHaveLength(3);
  });

  it('should never have two pings in flight', async () => {
    vi.useFakeTimers();
    const { keepalive, pings } = harness(() => new Promise(() => undefined));
    keepalive.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(pings).toHaveLength(1);
    keepalive.stop();
  });

  it('should declare the peer dead, once, when a ping waits timeoutMs with nothing read', async () => {
    vi.useFakeTimers();
    const { keepalive, pings, dead } = harness(() => new Promise(() => undefined));
    keepalive.start();
    await vi.advanceTimersByTimeAsync(1000 + 299);
    expect(dead).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await pollPhase();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toBeInstanceOf(AmiTimeoutError);
    expect(dead[0]?.timeoutMs).toBe(300);
    await vi.advanceTimersByTimeAsync(5000);
    expect({ dead: dead.length, pings: pings.length }).toEqual({ dead: 1, pings: 1 });
  });

  it('should count every byte read as proof of life and judge the silence after the last one', async () => {
    vi.useFakeTimers();
    let answer: () => void = () => undefined;
    const { keepalive, dead, read } = harness(
      () => new Promise<void>((resolve) => (answer = resolve)),
    );
    keepalive.start();
    await vi.advanceTimersByTimeAsync(1000);
    // Events keep coming for 2 s, the answer behind them.
    for (let ms = 0; ms < 2000; ms += 100) {
      await vi.advanceTimersByTimeAsync(100);
      read();
    }
    expect(dead).toEqual([]);
    answer();
    await vi.advanceTimersByTimeAsync(1000);
    expect(dead).toEqual([]);
    // Now one more ping, one more byte, then silence: dead 300 ms after that byte.
    await vi.advanceTimersByTimeAsync(100);
    read();
    await vi.advanceTimersByTimeAsync(299);
    expect(dead).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await pollPhase();
    expect(dead).toHaveLength(1);
    keepalive.stop();
  });

  it('should judge nothing once stopped', async () => {
    vi.useFakeTimers();
    const { keepalive, dead } = harness(() => new Promise(() => undefined));
    keepalive.start();
    await vi.advanceTimersByTimeAsync(1100);
    keepalive.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(dead).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('should treat an error answer as alive and ignore a closed connection', async () => {
    vi.useFakeTimers();
    const answers = [
      Promise.reject(new AmiActionError('Ping', createMessage([['Response', 'Error']]))),
      Promise.reject(new AmiConnectionClosedError('gone')),
    ];
    for (const answer of answers) answer.catch(() => undefined);
    let n = 0;
    const { keepalive, pings, dead } = harness(() => answers[n++] ?? Promise.resolve());
    keepalive.start();
    await vi.advanceTimersByTimeAsync(3500);
    expect(pings).toHaveLength(3);
    expect(dead).toEqual([]);
    keepalive.stop();
  });
});
