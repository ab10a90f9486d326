import { afterEach, describe, expect, it } from 'vitest';
import { type Actor, createActor, fromCallback } from 'xstate';
import { agentPoolMachine } from '../../../examples/load/agentPoolMachine.js';
import {
  type HotlineCall,
  type HotlineEvent,
  type HotlineInput,
  type HotlineOutput,
  hotlineMachine,
} from '../../../examples/load/hotlineMachine.js';
import { ScriptedAgiCall, settle } from '../../machines/flows/scriptedAgiCall.js';

/**
 * hotlineMachine without a PBX: a scripted AGI call (the exact command lines, answered by the test)
 * and a real pool actor. Each way a call can go, and what the pool holds afterwards.
 */

const actors: Array<{ stop(): void }> = [];
afterEach(() => {
  for (const actor of actors.splice(0)) actor.stop();
});

function setUp(agents: string[], options: Partial<Omit<HotlineInput, 'call' | 'pool'>> = {}) {
  const pool = createActor(agentPoolMachine, { input: { agents } }).start();
  actors.push(pool);
  const phone = new ScriptedAgiCall({ HANGUP: '200 result=1' });
  const call = Object.assign(phone.call, { uniqueid: '1795808411.5' }) as HotlineCall;
  /** `call.hungUp` and `call.bridged` as the channel actor would send them. */
  let channel: ((event: HotlineEvent) => void) | undefined;
  const hotline = createActor(
    hotlineMachine.provide({
      actors: {
        callEvents: fromCallback(({ sendBack }) => {
          channel = sendBack;
        }),
      },
    }),
    { input: { call, pool, ...options } },
  );
  actors.push(hotline);
  hotline.start();
  const poolState = () => {
    const { free, holders, waiting } = pool.getSnapshot().context;
    return { free, holders, waiting: waiting.map((w) => w.id) };
  };
  return {
    pool,
    phone,
    hotline,
    poolState,
    channel: (event: HotlineEvent) => channel?.(event),
  };
}

/** Replies to the waiting command after checking its line. */
async function expectCommand(phone: ScriptedAgiCall, line: string, reply: string): Promise<void> {
  await settle();
  expect(phone.waiting).toBe(line);
  phone.reply(reply);
  await settle();
}

const output = (hotline: Actor<typeof hotlineMachine>) => {
  expect(hotline.getSnapshot().status).toBe('done');
  return hotline.getSnapshot().output as HotlineOutput;
};

describe('hotlineMachine', () => {
  it('should answer, dial a free agent at once, hang up after the Dial and give the agent back', async () => {
    const { phone, hotline, poolState, channel } = setUp(['agent-001', 'agent-002']);
    await expectCommand(phone, 'ANSWER', '200 result=0');
    expect(poolState().holders).toEqual({ 'agent-001': '1795808411.5' });
    channel({ type: 'call.bridged' });
    await expectCommand(phone, 'EXEC Dial PJSIP/agent-001,30', '200 result=0');
    await expectCommand(phone, 'GET VARIABLE DIALSTATUS', '200 result=1 (ANSWER)');
    expect(phone.log).toEqual([
      'ANSWER',
      'EXEC Dial PJSIP/agent-001,30',
      'GET VARIABLE DIALSTATUS',
      'HANGUP',
    ]);
    expect(output(hotline)).toEqual({
      outcome: 'connected',
      agent: 'agent-001',
      tried: ['agent-001'],
      dialStatuses: ['ANSWER'],
    });
    expect(poolState()).toEqual({ free: ['agent-002', 'agent-001'], holders: {}, waiting: [] });
  });

  it('should give a busy agent back and dial another, excluding the one tried', async () => {
    const { phone, hotline, poolState } = setUp(['agent-001', 'agent-002'], {
      dialTimeoutSeconds: 5,
    });
    await expectCommand(phone, 'ANSWER', '200 result=0');
    await expectCommand(phone, 'EXEC Dial PJSIP/agent-001,5', '200 result=0');
    await expectCommand(phone, 'GET VARIABLE DIALSTATUS', '200 result=1 (BUSY)');
    expect(poolState().holders).toEqual({ 'agent-002': '1795808411.5' });
    await expectCommand(phone, 'EXEC Dial PJSIP/agent-002,5', '200 result=0');
    await expectCommand(phone, 'GET VARIABLE DIALSTATUS', '200 result=1 (ANSWER)');
    expect(output(hotline)).toMatchObject({
      outcome: 'connected',
      agent: 'agent-002',
      dialStatuses: ['BUSY', 'ANSWER'],
    });
    expect(poolState()).toEqual({ free: ['agent-001', 'agent-002'], holders: {}, waiting: [] });
  });

  it('should give up after maxAttempts agents failed, and hang up', async () => {
    const { phone, hotline, poolState } = setUp(['agent-001', 'agent-002', 'agent-003'], {
      maxAttempts: 2,
    });
    await expectCommand(phone, 'ANSWER', '200 result=0');
    await expectCommand(phone, 'EXEC Dial PJSIP/agent-001,30', '200 result=0');
    await expectCommand(phone, 'GET VARIABLE DIALSTATUS', '200 result=1 (NOANSWER)');
    await expectCommand(phone, 'EXEC Dial PJSIP/agent-002,30', '200 result=0');
    await expectCommand(phone, 'GET VARIABLE DIALSTATUS', '200 result=1 (CHANUNAVAIL)');
    expect(phone.log.at(-1)).toBe('HANGUP');
    expect(output(hotline)).toEqual({
      outcome: 'failed',
      agent: 'agent-002',
      tried: ['agent-001', 'agent-002'],
      dialStatuses: ['NOANSWER', 'CHANUNAVAIL'],
    });
    expect(poolState().holders).toEqual({});
    expect(poolState().free).toHaveLength(3);
  });

  it('should wait in line with the hold sound in a loop, then dial the agent that comes free', async () => {
    const { pool, phone, hotline, poolState } = setUp(['agent-001']);
    const other = createActor(fromCallback(() => {})).start();
    actors.push(other);
    // Someone else holds the only agent before our caller asks.
    pool.send({ type: 'agent.request', id: 'other', replyTo: other });
    await expectCommand(phone, 'ANSWER', '200 result=0');
    expect(poolState().waiting).toEqual(['1795808411.5']);
    await expectCommand(phone, 'STREAM FILE beep ""', '200 result=0 endpos=2400');
    await expectCommand(phone, 'STREAM FILE beep ""', '200 result=0 endpos=2400');
    pool.send({ type: 'agent.release', id: 'other', agent: 'agent-001' });
    // The beep playing now finishes first (AGI commands run in order), then the Dial goes out.
    await expectCommand(phone, 'STREAM FILE beep ""', '200 result=0 endpos=2400');
    await expectCommand(phone, 'EXEC Dial PJSIP/agent-001,30', '200 result=0');
    await expectCommand(phone, 'GET VARIABLE DIALSTATUS', '200 result=1 (ANSWER)');
    expect(output(hotline).outcome).toBe('connected');
    expect(poolState()).toEqual({ free: ['agent-001'], holders: {}, waiting: [] });
  });

  it('should leave the line when the caller hangs up while waiting', async () => {
    const { pool, phone, hotline, poolState } = setUp(['agent-001']);
    const other = createActor(fromCallback(() => {})).start();
    actors.push(other);
    pool.send({ type: 'agent.request', id: 'other', replyTo: other });
    await expectCommand(phone, 'ANSWER', '200 result=0');
    await settle();
    expect(phone.waiting).toBe('STREAM FILE beep ""');
    phone.hangUp();
    await settle();
    expect(output(hotline)).toEqual({
      outcome: 'abandoned',
      agent: undefined,
      tried: [],
      dialStatuses: [],
    });
    expect(poolState()).toEqual({ free: [], holders: { 'agent-001': 'other' }, waiting: [] });
  });

  it('should count a caller who hangs up in line after a busy agent as abandoned, not failed', async () => {
    const { pool, phone, hotline, poolState } = setUp(['agent-001', 'agent-002']);
    const other = createActor(fromCallback(() => {})).start();
    actors.push(other);
    pool.send({ type: 'agent.request', id: 'other', replyTo: other });
    await expectCommand(phone, 'ANSWER', '200 result=0');
    await expectCommand(phone, 'EXEC Dial PJSIP/agent-002,30', '200 result=0');
    await expectCommand(phone, 'GET VARIABLE DIALSTATUS', '200 result=1 (BUSY)');
    // agent-002 was tried, agent-001 is taken: the caller waits.
    expect(poolState().waiting).toEqual(['1795808411.5']);
    expect(phone.waiting).toBe('STREAM FILE beep ""');
    phone.hangUp();
    await settle();
    expect(output(hotline)).toEqual({
      outcome: 'abandoned',
      agent: 'agent-002',
      tried: ['agent-002'],
      dialStatuses: ['BUSY'],
    });
    expect(poolState()).toEqual({
      free: ['agent-002'],
      holders: { 'agent-001': 'other' },
      waiting: [],
    });
  });

  it('should give the agent back when the caller hangs up during the Dial, connected or not', async () => {
    for (const bridged of [true, false]) {
      const { phone, hotline, poolState, channel } = setUp(['agent-001']);
      await expectCommand(phone, 'ANSWER', '200 result=0');
      await settle();
      expect(phone.waiting).toBe('EXEC Dial PJSIP/agent-001,30');
      if (bridged) channel({ type: 'call.bridged' });
      phone.hangUp();
      await settle();
      expect(output(hotline).outcome).toBe(bridged ? 'connected' : 'abandoned');
      expect(poolState()).toEqual({ free: ['agent-001'], holders: {}, waiting: [] });
    }
  });

  it('should end when the channel hangs up between commands, and hand back an agent assigned after', async () => {
    const { pool, phone, hotline, poolState, channel } = setUp(['agent-001']);
    const other = createActor(fromCallback(() => {})).start();
    actors.push(other);
    pool.send({ type: 'agent.request', id: 'other', replyTo: other });
    await settle();
    expect(phone.waiting).toBe('ANSWER');
    channel({ type: 'call.hungUp' });
    await settle();
    expect(output(hotline).outcome).toBe('abandoned');
    pool.send({ type: 'agent.release', id: 'other', agent: 'agent-001' });
    expect(poolState()).toEqual({ free: ['agent-001'], holders: {}, waiting: [] });
  });
});
