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

  function harness(answer: () => Promise<unknown>) {
    const pings: number[] = [];
    const dead: AmiTimeoutError[] = [];
    const keepalive = new Keepalive(1000, 300, {
      ping: (timeoutMs) => {
        pings.push(timeoutMs);
        return answer();
      },
      dead: (error) => dead.push(error),
    });
    return { keepalive, pings, dead };
  }

  it('should ping every interval while answers come', async () => {
    vi.useFakeTimers();
    const { keepalive, pings, dead } = harness(() => Promise.resolve());
    keepalive.start();
    await vi.advanceTimersByTimeAsync(3500);
    expect(pings).toEqual([300, 300, 300]);
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

  it('should declare the peer dead on a ping timeout, once', async () => {
    vi.useFakeTimers();
    const timeout = new AmiTimeoutError('Ping', 300);
    const { keepalive, dead } = harness(() => Promise.reject(timeout));
    keepalive.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(dead).toEqual([timeout]);
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
