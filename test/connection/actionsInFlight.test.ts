import { afterEach, describe, expect, it } from 'vitest';
import { AmiTooManyActionsError } from '../../src/connection/errors.js';
import type { ReceivedAction, ScriptedClient } from '../support/scriptedAmiServer.js';
import { cleanUp, connection, rejectionOf, server, settle } from './support.js';

afterEach(cleanUp);

/** A PBX that answers slower than actions are sent: the actions waiting for it are bounded. */
describe('actions in flight', () => {
  it('should refuse, unsent, an action past maxActionsInFlight, keep the keepalive going, and take more once answers come', async () => {
    const held: Array<{ action: ReceivedAction; client: ScriptedClient }> = [];
    const target = await server({
      handlers: { UserEvent: (action, client) => void held.push({ action, client }) },
    });
    const ami = connection(target, {
      maxActionsInFlight: 3,
      keepaliveIntervalMs: 20,
      keepaliveTimeoutMs: 1000,
    });
    await ami.connect();
    const sent = [1, 2, 3].map((n) => settle(ami.action('UserEvent', { UserEvent: `n${n}` })));
    await target.waitFor(() => (held.length === 3 ? true : undefined));
    const refused = await rejectionOf(ami.action('UserEvent', { UserEvent: 'n4' }));
    expect(refused).toBeInstanceOf(AmiTooManyActionsError);
    expect(refused.message).toMatch(/3 actions already wait for an answer/);
    // Keepalive pings go out past the bound (they answer whether the PBX is alive).
    const pings = target.received('Ping').length;
    await target.waitFor(() => (target.received('Ping').length >= pings + 3 ? true : undefined));
    expect(ami.state).toBe('connected');
    expect(held.map(({ action }) => action.get('UserEvent'))).toEqual(['n1', 'n2', 'n3']);
    const first = held.shift();
    first?.client.respond(first.action, 'Success');
    expect((await sent[0])?.ok).toBe(true);
    const fifth = settle(ami.action('UserEvent', { UserEvent: 'n5' }));
    await target.waitFor(() => (held.length === 3 ? true : undefined));
    for (const { action, client } of held.splice(0)) client.respond(action, 'Success');
    expect(await Promise.all([...sent.slice(1), fifth].map(async (s) => (await s).ok))).toEqual([
      true,
      true,
      true,
    ]);
    expect(ami.pendingActions).toBe(0);
  });
});
