import { describe, expect, it } from 'vitest';
import { settle } from './support/liveRig.js';
import { expectSameView, onBoth, pbxPair } from './support/parity.js';

/**
 * The runtime logged in as `limited` (manager.conf: read `call`, write `originate`), on the real
 * Asterisk and on the embedded PBX: what it may not do fails with a typed error, the rest works.
 */
const pair = pbxPair();

const LIMITED = { username: 'limited', secret: 'limited' };

describe.skipIf(!pair.asteriskUrl)(`the limited user on a real Asterisk (${pair.reason})`, () => {
  it('should originate, and refuse Status, Hangup and AGI with typed errors', async () => {
    const runs = await onBoth(
      pair,
      async ({ runtime, client }) => {
        const errors: string[] = [];
        runtime.bus.on('error', ({ error, during }) =>
          errors.push(`${during}: ${(error as Error).name}: ${(error as Error).message}`),
        );
        // The resync at connect ran before this listener: ask again, as it does.
        const status = await settle(client.action('Status'));
        const call = await runtime.originate({
          channel: 'Local/401@default',
          application: 'Wait',
          data: '5',
        });
        const answered = call.state;
        const hangup = await settle(call.hangup());
        // Originating into an application named like AGI takes the `system` class.
        const toAgi = await runtime.originateToAgi({ channel: 'Local/agent@default' }).then(
          () => 'answered',
          (error) => `${error.name} (${error.reason}): ${error.message}`,
        );
        const end = await call.waitForHangup();
        return { status, answered, hangup, toAgi, end: end.cause, errors };
      },
      { login: LIMITED },
    );
    expect(runs.asterisk.result).toEqual({
      status: { error: 'AmiPermissionError: Status failed: Permission denied' },
      answered: 'answered',
      hangup: { error: 'AmiPermissionError: Hangup failed: Permission denied' },
      toAgi:
        'OriginateError (failed): Originate refused: Originate failed: Originate Access Forbidden: app or data blacklisted',
      end: 16,
      errors: [],
    });
    expectSameView(runs);
  });
});
