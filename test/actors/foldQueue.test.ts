import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { ChannelRouter } from '../../src/actors/channelRouter.js';
import { FoldQueue, isFoldable } from '../../src/actors/foldQueue.js';
import type { ChannelEvent } from '../../src/machines/channel/channelEvents.js';
import { toChannelEvent } from '../../src/machines/channel/channelEvents.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';
import { createMessage } from '../../src/protocol/serialize.js';
import { traceMessages } from './traceMessages.js';

const varSet = (value: string) =>
  toChannelEvent(
    createMessage([
      ['Event', 'VarSet'],
      ['Uniqueid', 'u1'],
      ['Variable', 'X'],
      ['Value', value],
    ]),
  );

describe('FoldQueue', () => {
  it('should hold facts until the end of the burst, then send each channel one step, in order', async () => {
    const sent: Array<{ uniqueid: string; event: ChannelEvent }> = [];
    const queue = new FoldQueue((uniqueid, event) => sent.push({ uniqueid, event }));
    const [a, b, c] = [varSet('1'), varSet('2'), varSet('3')];
    queue.offer('u1', a);
    queue.offer('u2', b);
    queue.offer('u1', c);
    expect(sent).toEqual([]);
    expect(queue.waiting).toBe(3);
    await Promise.resolve();
    expect(sent).toEqual([
      { uniqueid: 'u1', event: { type: 'ami.batch', events: [a, c] } },
      { uniqueid: 'u2', event: b },
    ]);
    expect(queue.waiting).toBe(0);
  });

  it('should send at once when its bound is reached', () => {
    const sent: ChannelEvent[] = [];
    const queue = new FoldQueue((_, event) => sent.push(event), 3);
    queue.offer('u1', varSet('1'));
    queue.offer('u1', varSet('2'));
    expect(sent).toHaveLength(0);
    queue.offer('u1', varSet('3'));
    expect(sent).toHaveLength(1);
    expect(queue.waiting).toBe(0);
  });

  it('should fold facts only: never DTMF, state changes, hang-ups or bridge moves', () => {
    const of = (name: string) => isFoldable(toChannelEvent(createMessage([['Event', name]])));
    expect(['VarSet', 'Newexten', 'NewCallerid', 'AGIExecStart'].map(of)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['DTMFBegin', 'DTMFEnd', 'Newstate', 'Hangup', 'BridgeEnter', 'AsyncAGIExec'].map(of),
    ).toEqual([false, false, false, false, false, false]);
  });

  it('should deliver every event, and each state change after every fact about its channel before it', async () => {
    const messages = traceMessages('bridge');
    const run = async (fold: boolean) => {
      const received: Array<{ uniqueid: string; event: ChannelEvent }> = [];
      const router = new ChannelRouter({
        create: (uniqueid) => ({
          start: () => {},
          send: (event: ChannelEvent) => {
            const events = 'events' in event ? event.events : [event];
            for (const one of events) received.push({ uniqueid, event: one });
          },
        }),
        created: () => {},
        bridge: () => {},
      });
      if (!fold) router.folds.offer = (uniqueid, event) => received.push({ uniqueid, event });
      for (const message of messages) router.route(message);
      await Promise.resolve();
      return received;
    };
    const folded = await run(true);
    const plain = await run(false);
    expect(folded).toHaveLength(plain.length);
    const messageOf = (event: ChannelEvent) => ('message' in event ? event.message : event);
    const key = ({ uniqueid, event }: { uniqueid: string; event: ChannelEvent }) => ({
      uniqueid,
      message: messageOf(event),
    });
    // Folding only moves facts later, never past an event that may change a state.
    plain.forEach((delivery, index) => {
      if (isFoldable(delivery.event)) return;
      const at = folded.findIndex(
        (other) =>
          other.uniqueid === delivery.uniqueid &&
          messageOf(other.event) === messageOf(delivery.event),
      );
      expect(at).toBeGreaterThanOrEqual(0);
      const seenBefore = (list: typeof plain, end: number) =>
        new Set(
          list
            .slice(0, end)
            .filter((other) => other.uniqueid === delivery.uniqueid)
            .map(key)
            .map((k) => `${k.uniqueid} ${messages.indexOf(k.message as never)}`),
        );
      expect(seenBefore(folded, at)).toEqual(seenBefore(plain, index));
    });
    expect(folded.some(({ event }) => isFoldable(event))).toBe(true);
  });

  it('should leave a channel actor in the same state and context whether facts are folded or not', async () => {
    const events = traceMessages('bridge');
    const uniqueid = events.find((m) => m.name === 'Newchannel')?.get('Uniqueid') ?? '';
    const run = async (fold: boolean) => {
      const actors = new Map<string, ReturnType<typeof createActor<typeof channelMachine>>>();
      const router = new ChannelRouter({
        create: (id, input) => {
          const actor = createActor(channelMachine, { id, input });
          actors.set(id, actor);
          return actor;
        },
        created: () => {},
        bridge: () => {},
      });
      if (!fold) router.folds.offer = (id, event) => actors.get(id)?.send(event);
      for (const message of events) router.route(message);
      await Promise.resolve();
      const snapshot = actors.get(uniqueid)!.getSnapshot();
      for (const actor of actors.values()) actor.stop();
      return { value: snapshot.value, status: snapshot.status, context: snapshot.context };
    };
    expect(await run(true)).toEqual(await run(false));
  });
});
