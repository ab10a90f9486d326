import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { AgiChannel } from '../../src/calls/AgiChannel.js';
import { AsyncAgi } from '../../src/calls/asyncAgi.js';
import type { ActionFields } from '../../src/connection/actionFields.js';
import { AmiActionError } from '../../src/connection/errors.js';
import { channelInputFrom } from '../../src/machines/channel/channelContext.js';
import { toChannelEvent } from '../../src/machines/channel/channelEvents.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';
import { encodeAgiText } from '../../src/protocol/agiEnv.js';
import {
  AgiDeadChannelError,
  AgiError,
  AgiInvalidCommandError,
  AgiNotInAgiError,
  AgiSessionEndedError,
  AgiUsageError,
} from '../../src/protocol/errors.js';
import type { AmiMessage } from '../../src/protocol/message.js';
import { createMessage } from '../../src/protocol/serialize.js';

const CHANNEL = 'Local/403@default-00000002;2';
const UNIQUEID = '1795808411.5';

interface SentAgi {
  channel: string;
  command: string;
  commandId: string;
}

/** The channel fields every event about a channel carries. */
const about = (channel: string, uniqueid: string): Array<[string, string]> => [
  ['Channel', channel],
  ['ChannelState', '6'],
  ['ChannelStateDesc', 'Up'],
  ['Uniqueid', uniqueid],
  ['Linkedid', uniqueid],
];

/** A channel actor in AsyncAGI, as the supervisor would have it, fed AMI events by the test. */
function channelInAgi(channel: string, uniqueid: string) {
  const actor = createActor(channelMachine, {
    input: channelInputFrom(createMessage([['Event', 'Newchannel'], ...about(channel, uniqueid)])),
  }).start();
  const event = (name: string, extra: Array<[string, string]> = []) =>
    actor.send(
      toChannelEvent(createMessage([['Event', name], ...about(channel, uniqueid), ...extra])),
    );
  event('AsyncAGIStart', [['Env', encodeAgiText(`agi_channel: ${channel}\n\n`)]]);
  return { actor, event };
}

/**
 * A fake AMI client that records `Action: AGI`, and a channel actor in AsyncAGI that the test
 * answers each command through, the way Asterisk does: the AGIExecEnd with Asterisk's own
 * CommandId first, then AsyncAGIExec with ours, both routed to the channel actor.
 */
function fakeAsterisk(options: { refuse?: boolean } = {}) {
  const sent: SentAgi[] = [];
  const client = {
    action: vi.fn(
      async (name: string, fields?: ActionFields, _options?: unknown): Promise<AmiMessage> => {
        const f = fields as Record<string, string>;
        if (options.refuse) {
          throw new AmiActionError(
            name,
            createMessage([
              ['Response', 'Error'],
              ['Message', 'Failed to add AGI command to queue'],
            ]),
          );
        }
        sent.push({ channel: f.Channel!, command: f.Command!, commandId: f.CommandID! });
        return createMessage([
          ['Response', 'Success'],
          ['Message', 'Added AGI command to queue'],
        ]);
      },
    ),
  };
  const asyncAgi = new AsyncAgi(client);
  const channels = new Map([[UNIQUEID, channelInAgi(CHANNEL, UNIQUEID)]]);
  const reply = (index: number, result: string, uniqueid = UNIQUEID): void => {
    const command = sent[index]!;
    const { event } = channels.get(uniqueid)!;
    event('AGIExecEnd', [
      ['Command', command.command],
      ['CommandId', '1847225092'],
      ['ResultCode', '200'],
      ['Result', 'Success'],
    ]);
    event('AsyncAGIExec', [
      ['Result', encodeAgiText(`${result}\n`)],
      ['CommandId', command.commandId],
    ]);
  };
  const open = (channel: string, uniqueid: string): AgiChannel => {
    const entry = channelInAgi(channel, uniqueid);
    channels.set(uniqueid, entry);
    return new AgiChannel(asyncAgi.transport(entry.actor));
  };
  const main = channels.get(UNIQUEID)!;
  return {
    sent,
    reply,
    asyncAgi,
    channel: new AgiChannel(asyncAgi.transport(main.actor)),
    event: main.event,
    open,
    client,
    leaveAgi: () => main.event('AsyncAGIEnd'),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('AgiChannel over AsyncAGI', () => {
  it('should send Action: AGI with a CommandID of its own and resolve on the matching AsyncAGIExec', async () => {
    const asterisk = fakeAsterisk();
    const answered = asterisk.channel.answer();
    await settle();
    expect(asterisk.sent).toEqual([
      { channel: CHANNEL, command: 'ANSWER', commandId: expect.stringMatching(/^agi-/) },
    ]);
    asterisk.reply(0, '200 result=0');
    await expect(answered).resolves.toBeUndefined();
    expect(asterisk.asyncAgi.size).toBe(0);
  });

  it('should return digits as characters, not ASCII codes', async () => {
    const asterisk = fakeAsterisk();
    const digit = asterisk.channel.waitForDigit(5000);
    await settle();
    expect(asterisk.sent[0]!.command).toBe('WAIT FOR DIGIT 5000');
    asterisk.reply(0, '200 result=49');
    await expect(digit).resolves.toBe('1');

    const none = asterisk.channel.waitForDigit(2000);
    await settle();
    asterisk.reply(1, '200 result=0');
    await expect(none).resolves.toBeUndefined();

    const data = asterisk.channel.getData('beep', 8000, 5);
    await settle();
    expect(asterisk.sent[2]!.command).toBe('GET DATA beep 8000 5');
    asterisk.reply(2, '200 result=12345');
    await expect(data).resolves.toEqual({ digits: '12345', timedOut: false });

    const partial = asterisk.channel.getData('beep', 3000, 5);
    await settle();
    asterisk.reply(3, '200 result=12 (timeout)');
    await expect(partial).resolves.toEqual({ digits: '12', timedOut: true });

    const interrupted = asterisk.channel.streamFile('hello-world', '#');
    await settle();
    expect(asterisk.sent[4]!.command).toBe('STREAM FILE hello-world #');
    asterisk.reply(4, '200 result=35 endpos=4400');
    await expect(interrupted).resolves.toEqual({ digit: '#', endpos: 4400 });
  });

  it('should read variables, set to empty or not set at all', async () => {
    const asterisk = fakeAsterisk();
    const set = asterisk.channel.getVariable('GREETING');
    await settle();
    asterisk.reply(0, '200 result=1 (hello world)');
    await expect(set).resolves.toBe('hello world');
    const unset = asterisk.channel.getVariable('NOPE');
    await settle();
    asterisk.reply(1, '200 result=0');
    await expect(unset).resolves.toBeUndefined();
    const written = asterisk.channel.setVariable('GREETING', 'a "quoted" value');
    await settle();
    expect(asterisk.sent[2]!.command).toBe('SET VARIABLE GREETING "a \\"quoted\\" value"');
    asterisk.reply(2, '200 result=1');
    await expect(written).resolves.toBeUndefined();
  });

  it('should reject with the typed error of each failure code', async () => {
    const asterisk = fakeAsterisk();
    const unknown = asterisk.channel.command('FLY AWAY');
    const dead = asterisk.channel.command('ANSWER');
    const usage = asterisk.channel.command('WAIT FOR DIGIT');
    await settle();
    asterisk.reply(0, '510 Invalid or unknown command');
    await expect(unknown).rejects.toBeInstanceOf(AgiInvalidCommandError);
    await settle();
    asterisk.reply(1, '511 Command Not Permitted on a dead channel or intercept routine');
    await expect(dead).rejects.toBeInstanceOf(AgiDeadChannelError);
    await settle();
    asterisk.reply(
      2,
      '520-Invalid command syntax.  Proper usage follows:\nUsage: WAIT FOR DIGIT <timeout>\n520 End of proper usage.',
    );
    await expect(usage).rejects.toBeInstanceOf(AgiUsageError);
  });

  it('should run one channel’s commands in order, one at a time', async () => {
    const asterisk = fakeAsterisk();
    const first = asterisk.channel.answer();
    const second = asterisk.channel.streamFile('beep');
    const third = asterisk.channel.hangup();
    await settle();
    expect(asterisk.sent.map((s) => s.command)).toEqual(['ANSWER']);
    asterisk.reply(0, '200 result=0');
    await first;
    await settle();
    expect(asterisk.sent.map((s) => s.command)).toEqual(['ANSWER', 'STREAM FILE beep ""']);
    asterisk.reply(1, '510 Invalid or unknown command');
    await expect(second).rejects.toBeInstanceOf(AgiInvalidCommandError);
    await settle();
    // A failed command does not stop the queue.
    expect(asterisk.sent.map((s) => s.command)).toEqual([
      'ANSWER',
      'STREAM FILE beep ""',
      'HANGUP',
    ]);
    asterisk.reply(2, '200 result=1');
    await expect(third).resolves.toBeUndefined();
  });

  it('should run commands of different channels concurrently', async () => {
    const asterisk = fakeAsterisk();
    const other = asterisk.open('Local/403@default-00000003;2', '1795808411.7');
    const a = asterisk.channel.waitForDigit(5000);
    const b = other.waitForDigit(5000);
    await settle();
    expect(asterisk.sent.map((s) => s.channel)).toEqual([CHANNEL, 'Local/403@default-00000003;2']);
    asterisk.reply(1, '200 result=50', '1795808411.7');
    await expect(b).resolves.toBe('2');
    asterisk.reply(0, '200 result=51');
    await expect(a).resolves.toBe('3');
  });

  it('should fail pending commands when the AGI session ends or the channel hangs up', async () => {
    const asterisk = fakeAsterisk();
    const waiting = asterisk.channel.waitForDigit(-1);
    await settle();
    asterisk.event('AsyncAGIEnd');
    await expect(waiting).rejects.toBeInstanceOf(AgiSessionEndedError);

    asterisk.event('AsyncAGIStart', [['Env', '']]);
    const other = asterisk.channel.getData('beep');
    await settle();
    asterisk.event('Hangup', [['Cause', '16']]);
    await expect(other).rejects.toThrow(/hung up/);
    expect(asterisk.asyncAgi.size).toBe(0);
  });

  it('should fail at once, without sending, on a channel that is not in AGI', async () => {
    const asterisk = fakeAsterisk();
    asterisk.leaveAgi();
    await expect(asterisk.channel.answer()).rejects.toBeInstanceOf(AgiNotInAgiError);
    expect(asterisk.client.action).not.toHaveBeenCalled();
  });

  it('should time out with a stack that points at the caller', async () => {
    vi.useFakeTimers();
    const asterisk = fakeAsterisk();
    const pending = asterisk.channel.command('NOOP', { timeoutMs: 1000 });
    const caught = pending.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_001);
    const error = (await caught) as AgiError;
    expect(error).toBeInstanceOf(AgiError);
    expect(error.message).toMatch(/no AGI result within 1000 ms/);
    expect(error.stack).toContain('asyncAgi.test.ts');
    expect(asterisk.asyncAgi.size).toBe(0);
  });

  it('should turn a refused AGI action into an AgiError with the AMI error as cause', async () => {
    const asterisk = fakeAsterisk({ refuse: true });
    const error = (await asterisk.channel.answer().catch((e: unknown) => e)) as AgiError;
    expect(error).toBeInstanceOf(AgiError);
    expect(error.cause).toBeInstanceOf(AmiActionError);
    expect(asterisk.asyncAgi.size).toBe(0);
  });

  it('should ignore results of other clients’ commands', async () => {
    const asterisk = fakeAsterisk();
    const mine = asterisk.channel.answer();
    await settle();
    asterisk.event('AsyncAGIExec', [
      ['Result', '510%20Invalid%0A'],
      ['CommandId', 'someone-else-1'],
    ]);
    asterisk.reply(0, '200 result=0');
    await expect(mine).resolves.toBeUndefined();
  });
});
