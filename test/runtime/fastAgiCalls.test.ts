import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/calls/Call.js';
import { createLogger } from '../../src/connection/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';
import { FakeAmiClient } from '../actors/fakeAmiClient.js';
import { agiEnvironment, FakeAsterisk } from '../fastagi/fakeAsterisk.js';

/**
 * How the runtime joins a FastAGI connection to the channel the AMI side knows: by Uniqueid, at
 * once or after waiting (bounded) for the channel's `Newchannel`; and what it does with a call no
 * handler takes. The AMI side is a fake client the test feeds; Asterisk's FastAGI side is scripted.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const UNIQUEID = '1796140000.1';
const CHANNEL = 'Local/501@default-00000000;2';

function newchannel(client: FakeAmiClient): void {
  client.event([
    ['Event', 'Newchannel'],
    ['Channel', CHANNEL],
    ['ChannelState', '4'],
    ['ChannelStateDesc', 'Ring'],
    ['Context', 'default'],
    ['Exten', '501'],
    ['Priority', '1'],
    ['Uniqueid', UNIQUEID],
    ['Linkedid', '1796140000.0'],
  ]);
}

async function start(channelWaitMs: number) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const client = new FakeAmiClient();
  const runtime: Runtime = createRuntime({
    client,
    logger: createLogger({ level: 'warn', destination }),
    fastAgi: { port: 0, channelWaitMs },
  });
  cleanups.push(() => runtime.close());
  client.connect();
  await runtime.ready();
  const served: Call[] = [];
  runtime.handle({ agiScript: 'ivr' }, async (call) => {
    served.push(call);
    await call.answer();
  });
  const asterisk = await FakeAsterisk.connect(runtime.fastAgi!.port, false);
  cleanups.push(() => asterisk.destroy());
  return { client, runtime, served, asterisk, log: () => lines.join('') };
}

describe('FastAGI calls in a runtime with AMI', () => {
  it('should wait for a Newchannel routed after the connection and join that channel actor', async () => {
    const { client, runtime, served, asterisk } = await start(5_000);
    asterisk.write(agiEnvironment({ agi_uniqueid: UNIQUEID, agi_channel: CHANNEL }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(served).toHaveLength(0); // still waiting for the channel
    newchannel(client);
    await asterisk.answer(1, '200 result=0');
    expect(served).toHaveLength(1);
    expect(served[0]!.actor).toBe(runtime.channels.get(UNIQUEID));
    // The handler is done: the connection is closed, the dialplan goes on.
    await asterisk.closedByServer();
    await expect.poll(() => runtime.stats().fastAgiSessions).toBe(0);
  });

  it('should serve with what the environment says, and say so, when no Newchannel comes in time', async () => {
    const { runtime, served, asterisk, log } = await start(100);
    asterisk.write(agiEnvironment({ agi_uniqueid: UNIQUEID, agi_channel: CHANNEL }));
    await asterisk.answer(1, '200 result=0');
    expect(served[0]!.context).toMatchObject({
      uniqueid: UNIQUEID,
      name: CHANNEL,
      dialplan: { context: 'default', exten: '501', priority: 1 },
    });
    expect(runtime.channels.get(UNIQUEID)).toBeUndefined();
    expect(log()).toContain('FastAGI call served with what its AGI environment says');
    await asterisk.closedByServer();
    await expect.poll(() => runtime.stats().fastAgiSessions).toBe(0);
  });

  it('should close a connection no handler takes, without a command, and report nothing else', async () => {
    const { served, asterisk, log } = await start(0);
    asterisk.write(agiEnvironment({}, 'nosuchscript'));
    await asterisk.closedByServer();
    expect(asterisk.commands).toEqual([]);
    expect(served).toHaveLength(0);
    expect(log()).toContain('no handler for this FastAGI script');
  });

  it('should report a connection with a malformed environment on the bus and keep serving', async () => {
    const { runtime, served, asterisk } = await start(0);
    const errors: string[] = [];
    runtime.bus.on('error', ({ during }) => errors.push(during));
    asterisk.write('agi_network: yes\nnot an environment line\n\n');
    await asterisk.closedByServer();
    expect(errors).toEqual([expect.stringMatching(/^FastAGI connection from 127\.0\.0\.1:\d+$/)]);
    const next = await FakeAsterisk.connect(runtime.fastAgi!.port);
    cleanups.push(() => next.destroy());
    await next.answer(1, '200 result=0');
    await expect.poll(() => served.length).toBe(1);
  });
});
