import type { NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { publishCallEvents } from '../../src/cluster/eventPublisher.js';
import { createEmitter } from '../../src/connection/emitter.js';
import type { Runtime } from '../../src/runtime/createRuntime.js';
import type { RuntimeEvents } from '../../src/runtime/runtimeEvents.js';

/**
 * Call events while NATS is away: kept in order up to the outage buffer, the oldest dropped past
 * it, a gap message first when the connection is back.
 */
describe('call events across a NATS outage', () => {
  const setUp = (outageBuffer: number) => {
    const sent: Array<[string, Record<string, unknown>]> = [];
    const nc = {
      publish: (subject: string, payload: string) => sent.push([subject, JSON.parse(payload)]),
    } as unknown as NatsConnection;
    const bus = createEmitter<RuntimeEvents>();
    const runtime = { bus, channels: { get: () => undefined } } as unknown as Pick<
      Runtime,
      'bus' | 'channels'
    >;
    let connected = true;
    const publisher = publishCallEvents(
      runtime,
      nc,
      { asterisk: 'pbx', node: 'n' },
      { outageBuffer, isConnected: () => connected },
    );
    const state = (i: number) =>
      bus.emit('channelState', {
        uniqueid: `1.${i}`,
        name: `PJSIP/p-${i}`,
        state: 'ringing',
        previous: 'down',
      });
    return { sent, publisher, state, setConnected: (value: boolean) => (connected = value) };
  };

  it('should publish at once while connected, on the call and event subject', () => {
    const { sent, publisher, state } = setUp(10);
    state(1);
    expect(sent).toEqual([
      [
        'octostate.pbx.call.1%2E1.state',
        expect.objectContaining({
          asterisk: 'pbx',
          node: 'n',
          uniqueid: '1.1',
          linkedid: '1.1',
          event: 'state',
          state: 'ringing',
        }),
      ],
    ]);
    expect(publisher.published).toBe(1);
    publisher.stop();
  });

  it('should keep events in order while away, drop the oldest past the buffer, and say so', async () => {
    const { sent, publisher, state, setConnected } = setUp(3);
    setConnected(false);
    for (let i = 1; i <= 5; i++) state(i);
    expect(sent).toEqual([]);
    expect(publisher.buffered).toBe(3);
    expect(publisher.dropped).toBe(2);
    setConnected(true);
    for (let waited = 0; sent.length < 4 && waited < 2000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sent.map(([subject]) => subject)).toEqual([
      'octostate.pbx.gap',
      'octostate.pbx.call.1%2E3.state',
      'octostate.pbx.call.1%2E4.state',
      'octostate.pbx.call.1%2E5.state',
    ]);
    expect(sent[0]![1]).toMatchObject({ dropped: 2 });
    expect(publisher.buffered).toBe(0);
    publisher.stop();
  });
});
