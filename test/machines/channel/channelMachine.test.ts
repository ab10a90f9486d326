import { describe, expect, it, vi } from 'vitest';
import { type AnyActorRef, assign, createActor, SimulatedClock, setup, waitFor } from 'xstate';
import { supervisorMachine } from '../../../src/actors/supervisorMachine.js';
import { absorbEvent } from '../../../src/machines/channel/absorbEvent.js';
import { channelInputFrom, MAX_HISTORY } from '../../../src/machines/channel/channelContext.js';
import { toChannelEvent } from '../../../src/machines/channel/channelEvents.js';
import { channelMachine, lineStateOf } from '../../../src/machines/channel/channelMachine.js';
import { type ChannelActorRef, hasHungUp } from '../../../src/machines/channel/channelSnapshot.js';
import { describeChannel } from '../../../src/machines/channel/describeChannel.js';
import { createMessage } from '../../../src/protocol/serialize.js';
import { FakeAmiClient } from '../../actors/fakeAmiClient.js';
import { traceMessages } from '../../actors/traceMessages.js';
import { channelEvents } from './amiEvents.js';

function start(state = 4, machine = channelMachine) {
  const ami = channelEvents();
  const actor = createActor(machine, { input: channelInputFrom(ami.newchannel(state).message) });
  actor.start();
  return { ami, actor, label: () => describeChannel(actor.getSnapshot()) };
}

/** A resync list item for a channel that is up, in AsyncAGI and bridged. */
function bridgedInAgi() {
  return createMessage([
    ['Event', 'CoreShowChannel'],
    ['Channel', 'PJSIP/bob-00000002'],
    ['ChannelState', '6'],
    ['Uniqueid', '1700000000.2'],
    ['Application', 'AGI'],
    ['ApplicationData', 'agi:async'],
    ['BridgeId', 'b-1'],
  ]);
}

describe('channelMachine', () => {
  it('should map ChannelState numbers to line states', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(lineStateOf)).toEqual([
      'down',
      'down',
      'down',
      'down',
      'incoming',
      'outgoing',
      'answered',
      'down',
      'down',
      'down',
      'down',
    ]);
  });

  it('should start in the line state its first event shows', () => {
    expect(start(0).label()).toBe('down');
    expect(start(4).label()).toBe('ringing');
    expect(
      start(5)
        .actor.getSnapshot()
        .matches({ live: { line: { ringing: 'outgoing' } } }),
    ).toBe(true);
    expect(start(6).label()).toBe('answered');
  });

  it('should start bridged and in AGI when a resync list item says so', () => {
    const actor = createActor(channelMachine, { input: channelInputFrom(bridgedInAgi()) }).start();
    expect(describeChannel(actor.getSnapshot())).toBe('answered+inAgi+bridged');
  });

  it('should run the entry hook of the state it starts in, and not of the ones it passes', () => {
    const hooks = () => ({ onDown: vi.fn(), onRinging: vi.fn(), onAnswered: vi.fn() });
    const born = (state: number) => {
      const actions = hooks();
      start(state, channelMachine.provide({ actions }));
      return [actions.onDown, actions.onRinging, actions.onAnswered].map(
        (hook) => hook.mock.calls.length,
      );
    };
    expect(born(0)).toEqual([1, 0, 0]);
    expect(born(4)).toEqual([0, 1, 0]);
    expect(born(5)).toEqual([0, 1, 0]);
    expect(born(6)).toEqual([0, 0, 1]);
  });

  it('should take its starting moves only at start, not again when its context later says so', () => {
    const actor = createActor(channelMachine, { input: channelInputFrom(bridgedInAgi()) }).start();
    const bob = channelEvents('1700000000.2', 'PJSIP/bob-00000002');
    actor.send(bob.agiEnd());
    actor.send(bob.varSet('AFTER', 'agi'));
    // Still counted as one AGI session, yet out of AGI: the start move is not taken again.
    expect(actor.getSnapshot().context.agi.sessions).toBe(1);
    expect(describeChannel(actor.getSnapshot())).toBe('answered+bridged');
    actor.send(bob.newstate(4));
    actor.send(bob.varSet('AFTER', 'ringing'));
    expect(describeChannel(actor.getSnapshot())).toBe('ringing+bridged');
  });

  it('should take an event that changes nothing without a new snapshot, and fold every other', () => {
    const { ami, actor } = start(6);
    const received: string[] = [];
    actor.system.inspect((inspection) => {
      if (inspection.type === '@xstate.event' && inspection.actorRef === actor) {
        received.push(inspection.event.type);
      }
    });
    actor.send(ami.varSet('FOO', 'bar'));
    const folded = actor.getSnapshot();
    expect(folded.context.variables).toEqual({ FOO: 'bar' });
    actor.send(ami.varSet('FOO', 'bar'));
    actor.send(ami.newstate(6));
    expect(actor.getSnapshot()).toBe(folded);
    actor.send(ami.varSet('FOO', 'baz'));
    expect(actor.getSnapshot().context.variables).toEqual({ FOO: 'baz' });
    expect(received).toEqual(['ami.VarSet', 'ami.VarSet', 'ami.Newstate', 'ami.VarSet']);
  });

  it('should go from ringing to answered and run the hook once per entry', () => {
    const onAnswered = vi.fn();
    const { ami, actor, label } = start(4, channelMachine.provide({ actions: { onAnswered } }));
    actor.send(ami.newstate(6));
    actor.send(ami.newstate(6));
    expect(label()).toBe('answered');
    expect(onAnswered).toHaveBeenCalledTimes(1);
    expect(actor.getSnapshot().context.state).toEqual({ code: 6, desc: 'Up' });
  });

  it('should stay dialing until the last of several legs ends', () => {
    const { ami, actor, label } = start(4);
    actor.send(ami.dialBegin('1700000000.10', 4));
    actor.send(ami.dialBegin('1700000000.11', 4));
    expect(label()).toBe('ringing+dialing');
    actor.send(ami.dialEnd('1700000000.10', 'CANCEL', 4));
    expect(label()).toBe('ringing+dialing');
    actor.send(ami.dialEnd('1700000000.11', 'ANSWER', 4));
    expect(label()).toBe('ringing');
    expect(actor.getSnapshot().context.dial).toMatchObject({ legs: [], lastStatus: 'ANSWER' });
  });

  it('should record who dialed it when it is the destination', () => {
    const callee = channelEvents('1700000000.10', 'Local/agent@default-00000001;1');
    const { ami, actor } = start(0);
    actor.send(
      toChannelEvent(
        createMessage([
          ['Event', 'DialBegin'],
          ['Channel', callee.name],
          ['Uniqueid', '1700000000.10'],
          ['DestChannel', ami.name],
          ['DestChannelState', '0'],
          ['DestUniqueid', ami.uniqueid],
          ['DestChanVariable', 'CALLID=42'],
        ]),
      ),
    );
    const context = actor.getSnapshot().context;
    expect(describeChannel(actor.getSnapshot())).toBe('down');
    expect(context.dial.dialedBy).toBe('1700000000.10');
    expect(context.variables.CALLID).toBe('42');
  });

  it('should enter AsyncAGI more than once and decode each environment', () => {
    const { ami, actor, label } = start(6);
    actor.send(ami.agiStart());
    expect(label()).toBe('answered+inAgi');
    actor.send(ami.agiEnd());
    expect(label()).toBe('answered');
    actor.send(ami.agiStart('agi_request%3A%20async%0Aagi_extension%3A%20404%0A%0A'));
    expect(label()).toBe('answered+inAgi');
    expect(actor.getSnapshot().context.agi).toEqual({
      env: { agi_request: 'async', agi_extension: '404' },
      sessions: 2,
    });
  });

  it('should be bridged between its own BridgeEnter and BridgeLeave only', () => {
    const { ami, actor, label } = start(6);
    const other = channelEvents('1700000000.9', 'PJSIP/bob-00000009');
    actor.send(ami.bridgeEnter('b-1'));
    expect(label()).toBe('answered+bridged');
    actor.send({ ...other.bridgeEnter('b-1'), members: [ami.uniqueid, other.uniqueid] });
    expect(actor.getSnapshot().context.bridge).toEqual({ id: 'b-1', peers: [other.uniqueid] });
    actor.send(other.bridgeLeave('b-1'));
    expect(label()).toBe('answered+bridged');
    expect(actor.getSnapshot().context.bridge).toEqual({ id: 'b-1', peers: [] });
    actor.send(ami.bridgeLeave('b-1'));
    expect(label()).toBe('answered');
    expect(actor.getSnapshot().context.bridge).toBeUndefined();
  });

  it('should keep variables from VarSet and ChanVariable, and received digits only', () => {
    const { ami, actor } = start(6);
    actor.send(ami.varSet('FOO', 'bar'));
    actor.send(toChannelEvent(ami.message('Newexten', 6, [['ChanVariable', 'CALLID=7']])));
    actor.send(ami.dtmf('1'));
    actor.send(ami.dtmf('9', 'Sent'));
    actor.send(ami.dtmf('#'));
    const context = actor.getSnapshot().context;
    expect(context.variables).toEqual({ FOO: 'bar', CALLID: '7' });
    expect(context.dtmf).toBe('1#');
  });

  it('should follow the dialplan and keep a bounded history', () => {
    const { ami, actor } = start(6);
    for (let p = 1; p <= MAX_HISTORY + 10; p++) actor.send(ami.newexten(p, `App${p}`));
    const context = actor.getSnapshot().context;
    expect(context.dialplan).toMatchObject({
      context: 'default',
      exten: '401',
      priority: MAX_HISTORY + 10,
    });
    expect(context.history).toHaveLength(MAX_HISTORY);
    expect(context.history[0]?.application).toBe('App11');
  });

  it('should take the new name on Rename', () => {
    const { ami, actor } = start(6);
    actor.send(
      toChannelEvent(ami.message('Rename', 6, [['Newname', 'PJSIP/alice-00000001<ZOMBIE>']])),
    );
    expect(actor.getSnapshot().context.name).toBe('PJSIP/alice-00000001<ZOMBIE>');
  });

  it('should end with the cause of its Hangup and ignore anyone else’s', () => {
    const onHangup = vi.fn();
    const { ami, actor } = start(6, channelMachine.provide({ actions: { onHangup } }));
    actor.send(channelEvents('1700000000.99').hangup());
    expect(actor.getSnapshot().status).toBe('active');
    actor.send(ami.hangup(17, 'User busy'));
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output).toEqual({
      uniqueid: ami.uniqueid,
      name: ami.name,
      linkedid: ami.uniqueid,
      cause: 17,
      causeText: 'User busy',
      lost: false,
    });
    expect(onHangup).toHaveBeenCalledTimes(1);
  });

  it('should end as lost when the supervisor says the channel vanished', () => {
    const { actor } = start(6);
    actor.send({ type: 'lost' });
    expect(actor.getSnapshot().output).toMatchObject({ cause: 0, causeText: 'Lost', lost: true });
  });

  it('should bring its state in line with a resync item', () => {
    const { ami, actor, label } = start(4);
    actor.send({
      type: 'sync',
      message: ami.message('CoreShowChannel', 6, [['BridgeId', 'b-7']]),
      members: [ami.uniqueid, 'x.1'],
    });
    expect(label()).toBe('answered+bridged');
    expect(actor.getSnapshot().context.bridge).toEqual({ id: 'b-7', peers: ['x.1'] });
    actor.send({ type: 'sync', message: ami.message('CoreShowChannel', 6, [['BridgeId', '']]) });
    expect(label()).toBe('answered');
  });

  it('should fold every event as a plain XState assign would, through a real supervisor', async () => {
    const plain = channelMachine.provide({
      actions: { absorb: assign(({ context, event }) => absorbEvent(context, event) ?? {}) },
    });
    /** Every channel's snapshot after every message of a trace, for one channel statechart. */
    const replay = async (name: string, channelLogic: typeof channelMachine) => {
      const client = new FakeAmiClient();
      const refs: ChannelActorRef[] = [];
      const supervisor = createActor(supervisorMachine, {
        input: {
          client,
          lingerMs: 60_000,
          channelLogic,
          notify: (notice) => {
            if (notice.type === 'channel') refs.push(notice.ref);
          },
        },
      }).start();
      client.connect();
      await waitFor(supervisor, (s) => s.matches({ session: 'live' }));
      const seen: unknown[] = [];
      for (const message of traceMessages(name)) {
        client.emit(message);
        for (const ref of refs) {
          const { value, status, context, output, tags } = ref.getSnapshot();
          seen.push({ value, status, context, output, tags: [...tags] });
        }
      }
      supervisor.stop();
      return seen;
    };
    for (const name of ['hello', 'bridge', 'load', 'asyncagi-hello', 'asyncagi-dtmf']) {
      const seen = await replay(name, channelMachine);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen).toEqual(await replay(name, plain));
    }
  });

  it('should run call logic as its child, let it see the hang-up, then stop it', async () => {
    const clock = new SimulatedClock();
    /** Call logic that finishes when told to, or never. */
    const logic = setup({ types: { events: {} as { type: 'finish' } } }).createMachine({
      initial: 'running',
      states: { running: { on: { finish: 'done' } }, done: { type: 'final' } },
    });
    const run = () => {
      const actor = createActor(channelMachine.provide({ delays: { logicGrace: 500 } }), {
        input: { uniqueid: 'x.1', name: 'PJSIP/x-00000001', channelState: 6 },
        clock,
      }).start();
      actor.send({ type: 'logic.start', logic, input: {} });
      const child = (actor.getSnapshot().children as Record<string, AnyActorRef>).logic!;
      const hangup = toChannelEvent(
        createMessage([
          ['Event', 'Hangup'],
          ['Channel', 'PJSIP/x-00000001'],
          ['Uniqueid', 'x.1'],
          ['Cause', '16'],
        ]),
      );
      return { actor, child, hangup };
    };

    // The logic finishes after the hang-up: the channel ends with it.
    const finishing = run();
    expect(finishing.child.getSnapshot().status).toBe('active');
    finishing.actor.send(finishing.hangup);
    expect(hasHungUp(finishing.actor.getSnapshot())).toBe(true);
    expect(finishing.actor.getSnapshot().status).toBe('active');
    finishing.child.send({ type: 'finish' });
    expect(finishing.actor.getSnapshot().status).toBe('done');
    expect(finishing.child.getSnapshot().status).toBe('done');

    // The logic never finishes: it is stopped once its grace after the hang-up is over.
    const stuck = run();
    stuck.actor.send(stuck.hangup);
    clock.increment(499);
    expect(stuck.child.getSnapshot().status).toBe('active');
    clock.increment(1);
    expect(stuck.actor.getSnapshot().status).toBe('done');
    expect(stuck.child.getSnapshot().status).toBe('stopped');

    // Without call logic the hang-up ends the channel at once.
    const { actor, hangup } = run();
    (actor.getSnapshot().children as Record<string, AnyActorRef>).logic!.send({ type: 'finish' });
    actor.send(hangup);
    expect(actor.getSnapshot().status).toBe('done');
  });
});
