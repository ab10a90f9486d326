import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { PendingRequests } from '../../src/protocol/pendingRequests.js';

const timeout = () => new Error('no reply in time');

describe('PendingRequests', () => {
  it('should settle each request once, by id, and forget it', async () => {
    const pending = new PendingRequests<string, { channel: string }>();
    const a = pending.wait('a', { timeoutMs: 1000, timeoutError: timeout, meta: { channel: 'x' } });
    const b = pending.wait('b', { timeoutMs: 1000, timeoutError: timeout, meta: { channel: 'y' } });
    expect(pending.size).toBe(2);
    expect(pending.meta('b')).toEqual({ channel: 'y' });
    expect(pending.resolve('b', 'pong')).toBe(true);
    expect(pending.resolve('b', 'again')).toBe(false);
    expect(pending.reject('a', new Error('refused'))).toBe(true);
    await expect(b).resolves.toBe('pong');
    await expect(a).rejects.toThrow('refused');
    expect(pending.size).toBe(0);
  });

  it('should time out on the clock it was given, with the stack of whoever asked', async () => {
    const clock = new SimulatedClock();
    const pending = new PendingRequests<string>(clock);
    const origin = new Error('asked here');
    const reply = pending.wait('a', {
      timeoutMs: 500,
      timeoutError: timeout,
      origin,
      meta: undefined,
    });
    const caught = reply.then(
      () => new Error('resolved'),
      (error: unknown) => error as Error,
    );
    clock.increment(499);
    expect(pending.size).toBe(1);
    clock.increment(1);
    const error = await caught;
    expect(error.message).toBe('no reply in time');
    expect(error.stack).toContain('pendingRequests.test.ts');
    expect(pending.size).toBe(0);
  });

  it('should fail only the requests that match, and refuse an id already waiting', async () => {
    const pending = new PendingRequests<string, string>();
    const wait = (id: string, channel: string) =>
      pending
        .wait(id, { timeoutMs: Number.POSITIVE_INFINITY, timeoutError: timeout, meta: channel })
        .catch((error: unknown) => (error as Error).message);
    const onX = [wait('1', 'x'), wait('2', 'x')];
    const onY = wait('3', 'y');
    expect(() => pending.wait('3', { timeoutMs: 1, timeoutError: timeout, meta: 'z' })).toThrow(
      /already waiting/,
    );
    expect(
      pending.rejectWhere(
        (channel) => channel === 'x',
        (_, id) => new Error(`${id} gone`),
      ),
    ).toBe(2);
    expect(await Promise.all(onX)).toEqual(['1 gone', '2 gone']);
    expect(pending.size).toBe(1);
    pending.rejectAll(() => new Error('closed'));
    expect(await onY).toBe('closed');
  });
});
