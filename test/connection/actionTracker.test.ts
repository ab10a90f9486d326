import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActionTracker, type AmiList } from '../../src/connection/actionTracker.js';
import {
  AmiActionError,
  AmiConnectionClosedError,
  AmiListTooLongError,
  AmiTimeoutError,
} from '../../src/connection/errors.js';
import type { PendingAction } from '../../src/connection/pendingAction.js';
import type { AmiMessage } from '../../src/protocol/message.js';
import { createMessage } from '../../src/protocol/serialize.js';
import { rejectionOf, settle } from './support.js';

function track(
  tracker: ActionTracker,
  id: string,
  options: { name?: string; list?: boolean; idempotent?: boolean; timeoutMs?: number } = {},
): { pending: PendingAction; promise: Promise<AmiMessage | AmiList> } {
  const name = options.name ?? 'Ping';
  const timeoutMs = options.timeoutMs ?? 1000;
  const created = tracker.create(
    {
      id,
      name,
      wire: `Action: ${name}\r\nActionID: ${id}\r\n\r\n`,
      list: options.list ?? false,
      idempotent: options.idempotent ?? false,
      origin: new AmiTimeoutError(name, timeoutMs),
    },
    timeoutMs,
  );
  tracker.sent(created.pending);
  return created;
}

const response = (id: string, status = 'Success', extra: Array<[string, string]> = []) =>
  createMessage([['Response', status], ['ActionID', id], ...extra]);
const event = (name: string, id: string, extra: Array<[string, string]> = []) =>
  createMessage([['Event', name], ['ActionID', id], ...extra]);

describe('ActionTracker', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should resolve an action with the response carrying its ActionID', async () => {
    const tracker = new ActionTracker({ maxListItems: 10 });
    const a = track(tracker, 'a');
    const b = track(tracker, 'b');
    expect(tracker.handle(response('b', 'Success', [['Ping', 'Pong']]))).toBe(true);
    expect(tracker.handle(response('a'))).toBe(true);
    expect(((await b.promise) as AmiMessage).get('Ping')).toBe('Pong');
    expect(((await a.promise) as AmiMessage).get('ActionID')).toBe('a');
    expect(tracker.size).toBe(0);
  });

  it('should leave messages with no or unknown ActionIDs to the caller', () => {
    const tracker = new ActionTracker({ maxListItems: 10 });
    const { promise } = track(tracker, 'a');
    // Never answered: its timeout must not become an unhandled rejection on a slow run.
    promise.catch(() => {});
    expect(tracker.handle(createMessage([['Event', 'Newchannel']]))).toBe(false);
    expect(tracker.handle(response('zzz'))).toBe(false);
    // An event carrying the ActionID of a plain action (OriginateResponse) is an event.
    expect(tracker.handle(event('OriginateResponse', 'a'))).toBe(false);
    expect(tracker.size).toBe(1);
    // Settle the action left pending, so its timer cannot reject unobserved after the test.
    tracker.handle(response('a'));
  });

  it('should reject Response: Error with an AmiActionError holding the response', async () => {
    const tracker = new ActionTracker({ maxListItems: 10 });
    const { promise } = track(tracker, 'x', { name: 'Getvar' });
    const answer = response('x', 'Error', [['Message', 'No such channel']]);
    tracker.handle(answer);
    const error = (await rejectionOf(promise)) as AmiActionError;
    expect(error).toBeInstanceOf(AmiActionError);
    expect(error.response).toBe(answer);
    expect(error.action).toBe('Getvar');
    expect(error.message).toContain('No such channel');
  });

  it('should collect a list until EventList: Complete', async () => {
    const tracker = new ActionTracker({ maxListItems: 10 });
    const { promise } = track(tracker, 'l', { name: 'CoreShowChannels', list: true });
    tracker.handle(response('l', 'Success', [['EventList', 'start']]));
    expect(tracker.handle(event('CoreShowChannel', 'l', [['Channel', 'A']]))).toBe(true);
    expect(tracker.handle(event('CoreShowChannel', 'l', [['Channel', 'B']]))).toBe(true);
    tracker.handle(
      event('CoreShowChannelsComplete', 'l', [
        ['EventList', 'Complete'],
        ['ListItems', '2'],
      ]),
    );
    const list = (await promise) as AmiList;
    expect(list.items.map((item) => item.get('Channel'))).toEqual(['A', 'B']);
    expect(list.response.get('EventList')).toBe('start');
    expect(list.complete.get('ListItems')).toBe('2');
    expect(tracker.size).toBe(0);
  });

  it('should resolve a list action answered without a list as an empty list', async () => {
    const tracker = new ActionTracker({ maxListItems: 10 });
    const { promise } = track(tracker, 'l', { list: true });
    const answer = response('l');
    tracker.handle(answer);
    expect(await promise).toEqual({ response: answer, items: [], complete: answer });
  });

  it('should reject a list past the cap at once and swallow the rest until Complete', async () => {
    const tracker = new ActionTracker({ maxListItems: 2 });
    const { promise } = track(tracker, 'l', { name: 'Status', list: true });
    const settled = settle(promise);
    tracker.handle(response('l', 'Success', [['EventList', 'start']]));
    for (let i = 0; i < 3; i++) expect(tracker.handle(event('Status', 'l'))).toBe(true);
    const result = await settled;
    expect(result.ok).toBe(false);
    expect((result as { error: Error }).error).toBeInstanceOf(AmiListTooLongError);
    // Still consumed: the remaining items must not leak onto the event bus.
    expect(tracker.handle(event('Status', 'l'))).toBe(true);
    expect(tracker.handle(event('StatusComplete', 'l', [['EventList', 'Complete']]))).toBe(true);
    expect(tracker.size).toBe(0);
    expect(tracker.handle(event('Status', 'l'))).toBe(false);
  });

  it('should time out with the error created by the caller', async () => {
    vi.useFakeTimers();
    const tracker = new ActionTracker({ maxListItems: 10 });
    const { pending, promise } = track(tracker, 't', { timeoutMs: 500 });
    const settled = settle(promise);
    vi.advanceTimersByTime(499);
    expect(pending.open).toBe(true);
    vi.advanceTimersByTime(1);
    const result = await settled;
    expect(result.ok).toBe(false);
    expect((result as { error: Error }).error).toBe(pending.origin);
    expect(tracker.size).toBe(0);
    // A late answer is not consumed: the connection reports it as unsolicited.
    expect(tracker.handle(response('t'))).toBe(false);
  });

  it('should restart a list timeout at each item', async () => {
    vi.useFakeTimers();
    const tracker = new ActionTracker({ maxListItems: 100 });
    const { pending, promise } = track(tracker, 'l', { list: true, timeoutMs: 100 });
    const settled = settle(promise);
    tracker.handle(response('l', 'Success', [['EventList', 'start']]));
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(80);
      tracker.handle(event('Item', 'l'));
    }
    expect(pending.open).toBe(true);
    vi.advanceTimersByTime(100);
    const result = await settled;
    expect((result as { error: Error }).error).toBeInstanceOf(AmiTimeoutError);
  });

  it('should reject in-flight actions on loss, and hand back idempotent ones when asked', async () => {
    const tracker = new ActionTracker({ maxListItems: 10 });
    const originate = track(tracker, 'o', { name: 'Originate' });
    const status = track(tracker, 's', { name: 'Status', list: true, idempotent: true });
    const originateResult = settle(originate.promise);
    tracker.handle(response('s', 'Success', [['EventList', 'start']]));
    tracker.handle(event('Status', 's'));
    const cause = new Error('socket reset');
    const again = tracker.connectionLost(cause, true);
    expect(again).toEqual([status.pending]);
    expect(status.pending.state).toBe('waiting');
    expect(status.pending.items).toEqual([]);
    const result = await originateResult;
    expect(result.ok).toBe(false);
    const error = (result as { error: Error }).error;
    expect(error).toBeInstanceOf(AmiConnectionClosedError);
    expect(error.cause).toBe(cause);
    expect(tracker.size).toBe(0);
    // Without resend, idempotent ones are rejected too.
    tracker.sent(status.pending);
    const statusResult = settle(status.promise);
    expect(tracker.connectionLost(cause, false)).toEqual([]);
    expect((await statusResult).ok).toBe(false);
  });

  it('should give rejections the stack of the call, not of the socket handler', async () => {
    const tracker = new ActionTracker({ maxListItems: 10 });
    const { promise } = track(tracker, 'x');
    tracker.handle(response('x', 'Error'));
    const result = await settle(promise);
    const stack = (result as { error: Error }).error.stack ?? '';
    expect(stack.split('\n')[0]).toContain('AmiActionError');
    expect(stack).toContain('actionTracker.test.ts');
    expect(stack).toMatch(/at track /);
  });
});

describe('ActionTracker under any interleaving', () => {
  it('should match every answer to its action whatever the order between actions', async () => {
    const { default: fc } = await import('fast-check');
    const actionArb = fc.record({
      list: fc.boolean(),
      error: fc.boolean(),
      items: fc.integer({ min: 0, max: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(actionArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        fc.integer({ min: 0, max: 5 }),
        async (actions, picks, strays) => {
          const tracker = new ActionTracker({ maxListItems: 100 });
          const tracked = actions.map((spec, index) => ({
            spec,
            ...track(tracker, `id-${index}`, { list: spec.list }),
          }));
          // What the server sends for each action, in order; actions interleave arbitrarily.
          const streams = actions.map((spec, index) => {
            const id = `id-${index}`;
            if (spec.error) return [response(id, 'Error')];
            if (!spec.list) return [response(id)];
            return [
              response(id, 'Success', [['EventList', 'start']]),
              ...Array.from({ length: spec.items }, (_, n) =>
                event('Item', id, [['N', String(n)]]),
              ),
              event('ListComplete', id, [
                ['EventList', 'Complete'],
                ['ListItems', String(spec.items)],
              ]),
            ];
          });
          const unrelated = Array.from({ length: strays }, () => event('Newchannel', 'stranger'));
          const sources = [...streams, unrelated];
          let pick = 0;
          const leftovers: AmiMessage[] = [];
          while (sources.some((s) => s.length > 0)) {
            const open = sources.filter((s) => s.length > 0);
            const source = open[(picks[pick++ % picks.length] ?? 0) % open.length]!;
            const message = source.shift()!;
            if (!tracker.handle(message)) leftovers.push(message);
          }
          expect(leftovers).toHaveLength(strays);
          expect(tracker.size).toBe(0);
          for (const [index, { spec, promise }] of tracked.entries()) {
            const result = await settle(promise);
            expect(result.ok).toBe(!spec.error);
            if (!result.ok || !spec.list) continue;
            const list = result.value as AmiList;
            expect(list.items.map((item) => item.get('N'))).toEqual(
              Array.from({ length: spec.items }, (_, n) => String(n)),
            );
            expect(list.items.every((item) => item.get('ActionID') === `id-${index}`)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
