import { afterEach, describe, expect, it } from 'vitest';
import { AgiChannel } from '../../src/calls/AgiChannel.js';
import type { FastAgiSession } from '../../src/calls/fastagi/FastAgiSession.js';
import {
  type FastAgiServer,
  type FastAgiServerOptions,
  startFastAgiServer,
} from '../../src/calls/fastagi/fastAgiServer.js';
import {
  AgiDeadChannelError,
  AgiError,
  AgiInvalidCommandError,
  AgiNotInAgiError,
  AgiSessionEndedError,
  AgiUsageError,
  FastAgiProtocolError,
} from '../../src/protocol/errors.js';
import { agiEnvironment, FakeAsterisk } from '../fastagi/fakeAsterisk.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server on a free port that queues its sessions and refusals for the test. */
async function server(options: FastAgiServerOptions = {}) {
  const sessions: FastAgiSession[] = [];
  const rejected: Error[] = [];
  let wake: (() => void) | undefined;
  const started: FastAgiServer = await startFastAgiServer(
    { port: 0, ...options },
    {
      session: (session) => {
        sessions.push(session);
        wake?.();
      },
      rejected: (error) => {
        rejected.push(error);
        wake?.();
      },
    },
  );
  cleanups.push(() => started.close());
  const until = async (test: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!test()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  const peer = async (env?: string | false) => {
    const fake = await FakeAsterisk.connect(started.port, env);
    cleanups.push(() => fake.destroy());
    return fake;
  };
  return {
    server: started,
    sessions,
    rejected,
    peer,
    nextSession: async () => {
      const count = sessions.length;
      await until(() => sessions.length > count);
      return sessions[count]!;
    },
    nextRejection: async () => {
      const count = rejected.length;
      await until(() => rejected.length > count);
      return rejected[count]!;
    },
  };
}

/** The typed AGI commands over one FastAGI session, as a Call has them. */
function channelOf(session: FastAgiSession): AgiChannel {
  return new AgiChannel(session);
}

describe('startFastAgiServer', () => {
  it('should listen on 127.0.0.1 by default and read the environment, script, query and arguments', async () => {
    const fastAgi = await server();
    expect(fastAgi.server.host).toBe('127.0.0.1');
    await fastAgi.peer(
      agiEnvironment({}, 'hello?greeting=hello%20world&x=1', ['one', 'two words']),
    );
    const session = await fastAgi.nextSession();
    expect(session.uniqueid).toBe('1796140000.1');
    expect(session.channel).toBe('Local/501@default-00000000;2');
    expect(session.env.agi_extension).toBe('501');
    expect(session.request).toEqual({
      url: 'agi://127.0.0.1/hello?greeting=hello%20world&x=1',
      script: 'hello',
      params: { greeting: 'hello world', x: '1' },
      args: ['one', 'two words'],
    });
  });

  it('should run commands one at a time and parse 200, 510, 511 and 520 replies into typed results and errors', async () => {
    const fastAgi = await server();
    const asterisk = await fastAgi.peer();
    const call = channelOf(await fastAgi.nextSession());
    const answered = call.answer();
    const value = call.getVariable('GREETING');
    const unknown = call.command('FLY AWAY');
    // One command on the wire at a time: the second waits for the first reply.
    expect(await asterisk.answer(1, '200 result=0')).toBe('ANSWER');
    await answered;
    expect(await asterisk.answer(2, '200 result=1 (hello world)')).toBe('GET VARIABLE GREETING');
    expect(await value).toBe('hello world');
    await asterisk.answer(3, '510 Invalid or unknown command');
    await expect(unknown).rejects.toBeInstanceOf(AgiInvalidCommandError);
    const usage = call.command('WAIT FOR DIGIT');
    await asterisk.answer(
      4,
      '520-Invalid command syntax.  Proper usage follows:\nWaits up to <replaceable>timeout</replaceable> ms.\n520 End of proper usage.',
    );
    const error = await usage.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgiUsageError);
    expect((error as AgiUsageError).usage).toBe(
      'Waits up to <replaceable>timeout</replaceable> ms.',
    );
    const dead = call.streamFile('beep');
    await asterisk.answer(5, '511 Command Not Permitted on a dead channel or intercept routine');
    await expect(dead).rejects.toBeInstanceOf(AgiDeadChannelError);
    expect(asterisk.commands).toEqual([
      'ANSWER',
      'GET VARIABLE GREETING',
      'FLY AWAY',
      'WAIT FOR DIGIT',
      'STREAM FILE beep ""',
    ]);
  });

  it('should note HANGUP, keep answering commands, and close when asked', async () => {
    const fastAgi = await server();
    const asterisk = await fastAgi.peer();
    const session = await fastAgi.nextSession();
    const call = channelOf(session);
    let notified = 0;
    session.on('hangup', () => notified++);
    const playing = call.streamFile('hello-world');
    await asterisk.command(1);
    // The caller hangs up during the prompt: the reply, then HANGUP (as recorded).
    asterisk.write('200 result=-1 endpos=4960\nHANGUP\n');
    await expect(playing).rejects.toThrow(/STREAM FILE failed/);
    await expect.poll(() => session.hungUp).toBe(true);
    expect(notified).toBe(1);
    const pin = call.getVariable('PIN');
    await asterisk.answer(2, '200 result=1 (12345)');
    expect(await pin).toBe('12345');
    await session.close();
    await asterisk.closedByServer();
    expect(session.ended).toBe(true);
    // As after AsyncAGIEnd: the channel is no longer in AGI, and commands fail at once.
    await expect(call.answer()).rejects.toBeInstanceOf(AgiNotInAgiError);
  });

  it('should say why a session ended: left (break() once the queued commands ran), hangup, lost', async () => {
    const fastAgi = await server();
    const ends: string[] = [];
    const leaving = await fastAgi.peer();
    const left = await fastAgi.nextSession();
    left.onEnd(({ reason }) => ends.push(`left: ${reason}`));
    const call = channelOf(left);
    const answered = call.answer();
    const broken = call.break();
    expect(await leaving.answer(1, '200 result=0')).toBe('ANSWER');
    await answered;
    await broken;
    await leaving.closedByServer();
    expect(left.active).toBe(false);

    const hanging = await fastAgi.peer();
    const hungUp = await fastAgi.nextSession();
    hungUp.onEnd(({ reason }) => ends.push(`hungUp: ${reason}`));
    hanging.write('HANGUP\n');
    await expect.poll(() => hungUp.hungUp).toBe(true);
    hanging.destroy();

    const cutting = await fastAgi.peer();
    const lost = await fastAgi.nextSession();
    lost.onEnd(({ reason }) => ends.push(`lost: ${reason}`));
    cutting.destroy();
    await expect.poll(() => ends.length).toBe(3);
    expect(ends).toEqual(['left: left', 'hungUp: hangup', 'lost: lost']);
    // Told at once to a listener that comes after the end.
    const late = await new Promise((resolve) => lost.onEnd(({ reason }) => resolve(reason)));
    expect(late).toBe('lost');
  });

  it('should reject the command on the wire and those queued when the socket is cut mid-command', async () => {
    const fastAgi = await server();
    const asterisk = await fastAgi.peer();
    const session = await fastAgi.nextSession();
    const first = session.run('GET DATA beep 3000 5');
    const second = session.run('ANSWER');
    const queuedInCall = channelOf(session).answer();
    await asterisk.command(1);
    asterisk.write('200 resu'); // half a reply, then the connection is gone
    asterisk.destroy();
    await expect(first).rejects.toBeInstanceOf(AgiSessionEndedError);
    await expect(second).rejects.toBeInstanceOf(AgiSessionEndedError);
    await expect(queuedInCall).rejects.toBeInstanceOf(AgiSessionEndedError);
    // Each rejection carries the caller's stack.
    const error = (await first.catch((e: unknown) => e)) as Error;
    expect(error.stack).toContain('fastAgiServer.test.ts');
  });

  it('should refuse a malformed environment with a typed error and close that connection only', async () => {
    const fastAgi = await server();
    const bad = await fastAgi.peer('agi_network: yes\nthis is not an environment line\n\n');
    const error = await fastAgi.nextRejection();
    expect(error).toBeInstanceOf(FastAgiProtocolError);
    expect((error as FastAgiProtocolError).code).toBe('bad-environment');
    await bad.closedByServer();
    const missing = await fastAgi.peer('agi_network: yes\nagi_request: agi://x/y\n\n');
    const lacking = await fastAgi.nextRejection();
    expect(lacking.message).toMatch(/lacks agi_channel, agi_uniqueid/);
    await missing.closedByServer();
    // The server goes on serving well-formed connections.
    await fastAgi.peer();
    await fastAgi.nextSession();
    expect(fastAgi.sessions).toHaveLength(1);
  });

  it('should cut off a peer that never sends the blank line, after environmentTimeoutMs', async () => {
    const fastAgi = await server({ environmentTimeoutMs: 200 });
    const slow = await fastAgi.peer('agi_network: yes\nagi_request: agi://127.0.0.1/ivr\n');
    const error = (await fastAgi.nextRejection()) as FastAgiProtocolError;
    expect(error.code).toBe('environment-timeout');
    await slow.closedByServer();
    await expect.poll(() => fastAgi.server.connections).toBe(0);
  });

  it('should bound lines and the environment: past them the connection is refused', async () => {
    const fastAgi = await server({ reader: { maxLineBytes: 1024, maxEnvironmentLines: 40 } });
    const long = await fastAgi.peer(`agi_network: yes\nagi_request: ${'x'.repeat(5000)}\n\n`);
    expect(((await fastAgi.nextRejection()) as FastAgiProtocolError).code).toBe('line-too-long');
    await long.closedByServer();
    const many = Array.from({ length: 50 }, (_, i) => `agi_arg_${i + 1}: ${i}`).join('\n');
    const wide = await fastAgi.peer(`${many}\n\n`);
    expect(((await fastAgi.nextRejection()) as FastAgiProtocolError).code).toBe(
      'environment-too-large',
    );
    await wide.closedByServer();
  });

  it('should end a session whose peer answers with a line that is neither a reply nor HANGUP', async () => {
    const fastAgi = await server();
    const asterisk = await fastAgi.peer();
    const session = await fastAgi.nextSession();
    const answered = channelOf(session).answer();
    await asterisk.answer(1, 'garbage that is no reply');
    const error = await answered.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgiSessionEndedError);
    expect((error as AgiSessionEndedError).cause).toBeInstanceOf(FastAgiProtocolError);
    await asterisk.closedByServer();
  });

  it('should time a command out, refuse commands past the queue bound, and refuse connections past maxConnections', async () => {
    const fastAgi = await server({
      maxConnections: 1,
      session: { commandTimeoutMs: 200, maxQueuedCommands: 2 },
    });
    const asterisk = await fastAgi.peer();
    const session = await fastAgi.nextSession();
    const waiting = [1, 2, 3].map(() => session.run('NOOP'));
    const refused = session.run('NOOP');
    await expect(refused).rejects.toThrow(/2 commands already wait/);
    await expect(waiting[0]).rejects.toBeInstanceOf(AgiError);
    await expect(waiting[0]).rejects.toThrow(/no AGI reply within 200 ms/);
    await Promise.allSettled(waiting);
    await asterisk.closedByServer();
    const one = await fastAgi.peer(false);
    const two = await fastAgi.peer(false);
    await expect
      .poll(() => fastAgi.rejected.map((error) => error.message))
      .toContain('FastAGI: more than 1 connections at once');
    await two.closedByServer();
    one.destroy();
  });
});
