import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { startRecordedSupervisor } from './channelRecorder.js';
import { TRACE_STATES } from './traceExpectations.js';
import { traceMessages } from './traceMessages.js';

/**
 * Real Asterisk 22 recordings replayed through the supervisor (router + one channel statechart per
 * channel). The expected state sequences (below, and in `traceExpectations.ts` for the scenarios
 * the embedded PBX re-enacts in `test/runtime/pbxTraces.test.ts`) were written by reading each
 * trace's events by hand (`Newchannel` ChannelState, `Newstate`, `DialBegin`/`DialEnd` where the
 * channel is the caller, `AsyncAGIStart`/`AsyncAGIEnd`, `BridgeEnter`/`BridgeLeave`, `Hangup`),
 * not by running the code.
 * Labels: line state (`down` for ChannelState 0, `ringing` for 4/5, `answered` for 6) plus
 * `+dialing`, `+inAgi`, `+bridged`; `hungUp` at the end.
 */
async function replay(name: string) {
  const harness = await connectedSupervisor();
  harness.client.emit(...traceMessages(name));
  return harness;
}

/** A recorded supervisor whose first resync (an empty CoreShowChannels) is over. */
async function connectedSupervisor() {
  const harness = startRecordedSupervisor();
  harness.client.connect();
  await waitFor(harness.supervisor, (s) => s.matches({ session: 'live' }));
  return harness;
}

function statesOf(channels: Map<string, { states: string[] }>) {
  return Object.fromEntries([...channels].map(([id, record]) => [id, record.states]));
}

describe('trace replay through the supervisor', () => {
  it('should follow both halves of a Local call in hello', async () => {
    const { channels, supervisor } = await replay('hello');
    // ;1 is .0, ;2 is .1 (the sequences and how they were read: traceExpectations.ts).
    expect(statesOf(channels)).toEqual({
      '1795808402.0': TRACE_STATES.hello['401;1'],
      '1795808402.1': TRACE_STATES.hello['401;2'],
    });
    const one = channels.get('1795808402.0')!;
    expect(one.output).toMatchObject({ cause: 16, causeText: 'Normal Clearing', lost: false });
    expect(one.context.localPeer).toBe('1795808402.1');
    expect(channels.get('1795808402.1')!.context.localPeer).toBe('1795808402.0');
    expect(one.context.callerId).toEqual({ num: '5550401', name: 'Hello Test' });
    expect(one.context.variables.AsyncOrigId).toBe('9fffa24c-a7ae-4f95-b35d-9c2fd3c0ab2d');
    expect(one.context.originate).toEqual({ actionId: 'hello-2', response: 'Success' });
    // 401: Answer, Playback, Hangup at priorities 1..3 (Newexten on ;2).
    expect(channels.get('1795808402.1')!.context.history.map((s) => s.application)).toEqual([
      'Answer',
      'Playback',
      'Hangup',
    ]);
    expect(channels.get('1795808402.1')!.context.variables.PLAYBACKSTATUS).toBe('SUCCESS');
    supervisor.stop();
  });

  it('should see the dial and the bridge on both sides in bridge', async () => {
    const { channels, supervisor } = await replay('bridge');
    // 402;1 is .16, 402;2 .17, agent;1 .18, agent;2 .19 (sequences: traceExpectations.ts).
    expect(statesOf(channels)).toEqual({
      '1795808432.16': TRACE_STATES.bridge['402;1'],
      '1795808432.17': TRACE_STATES.bridge['402;2'],
      '1795808433.18': TRACE_STATES.bridge['agent;1'],
      '1795808433.19': TRACE_STATES.bridge['agent;2'],
    });
    const agentOne = channels.get('1795808433.18')!.context;
    expect(agentOne.dial.dialedBy).toBe('1795808432.17');
    expect(channels.get('1795808432.17')!.context.dial.lastStatus).toBe('ANSWER');
    supervisor.stop();
  });

  it('should record who shares the bridge while both are in it', async () => {
    const harness = await connectedSupervisor();
    const messages = traceMessages('bridge');
    // Stop right after the second BridgeEnter: both channels must list each other.
    const second = messages.findIndex(
      (m) => m.name === 'BridgeEnter' && m.get('Uniqueid') === '1795808432.17',
    );
    harness.client.emit(...messages.slice(0, second + 1));
    const bridgeId = 'eb117ca8-86a9-4d60-aca0-6d1145cfff56';
    expect(harness.channels.get('1795808432.17')!.context.bridge).toEqual({
      id: bridgeId,
      peers: ['1795808433.18'],
    });
    expect(harness.channels.get('1795808433.18')!.context.bridge).toEqual({
      id: bridgeId,
      peers: ['1795808432.17'],
    });
    harness.supervisor.stop();
  });

  it('should see AsyncAGI start while ringing and end before the hang-up in asyncagi-hello', async () => {
    const { channels, supervisor } = await replay('asyncagi-hello');
    // ;1 is .2, ;2 is .3 (sequences: traceExpectations.ts).
    expect(statesOf(channels)).toEqual({
      '1795808408.2': TRACE_STATES['asyncagi-hello']['403;1'],
      '1795808408.3': TRACE_STATES['asyncagi-hello']['403;2'],
    });
    const agi = channels.get('1795808408.3')!;
    expect(agi.context.agi.env).toMatchObject({
      agi_request: 'async',
      agi_channel: 'Local/403@default-00000001;2',
      agi_uniqueid: '1795808408.3',
      agi_calleridname: 'AGI Test',
      agi_extension: '403',
      agi_accountcode: '',
    });
    expect(agi.output).toMatchObject({ cause: 0, causeText: 'Unknown' });
    expect(agi.context.variables.AGISTATUS).toBe('HANGUP');
    supervisor.stop();
  });

  it('should collect received digits on the right half in asyncagi-dtmf', async () => {
    const { channels, supervisor } = await replay('asyncagi-dtmf');
    expect(statesOf(channels)).toEqual({
      '1795808411.4': ['down', 'answered', 'hungUp'],
      '1795808411.5': ['ringing', 'ringing+inAgi', 'answered+inAgi', 'answered', 'hungUp'],
    });
    // DTMFEnd (Received) on ;2: 1, 2 (two WAIT FOR DIGIT), then 1-5 (GET DATA), then 5,4,3,2,1,#.
    // The third digit, 3, was played on ;1 (DTMFEnd Received on .4).
    expect(channels.get('1795808411.5')!.context.dtmf).toBe('121234554321#');
    expect(channels.get('1795808411.4')!.context.dtmf).toBe('3');
    supervisor.stop();
  });

  it('should hang up the parked call before the restart in shutdown', async () => {
    const { channels, supervisor } = await replay('shutdown');
    // park;1 (.126): Down, Up; park;2 (.127): Ring, Up; both hang up (cause 0) before Shutdown.
    expect(statesOf(channels)).toEqual({
      '1795808455.126': ['down', 'answered', 'hungUp'],
      '1795808455.127': ['ringing', 'answered', 'hungUp'],
    });
    supervisor.stop();
  });

  it('should follow all 100 channels of load, early OriginateResponses included', async () => {
    const { channels, supervisor } = await replay('load');
    const messages = traceMessages('load');
    // load: 50 Originates of Local/401 (same dialplan as hello): each ;1 is created Down and
    // goes Up, each ;2 is created Ring, Answer()s, and both hang up. `grep -c` on the trace: 100
    // Newchannel, 100 Newstate (all to 6, one per channel), 100 Hangup; no Dial as caller, no
    // bridge, no AGI.
    const newchannels = messages.filter((m) => m.name === 'Newchannel');
    expect(newchannels).toHaveLength(100);
    expect(channels.size).toBe(100);
    for (const m of newchannels) {
      const uniqueid = m.get('Uniqueid')!;
      const first = m.get('Channel')!.endsWith(';1') ? 'down' : 'ringing';
      expect(channels.get(uniqueid)?.states, uniqueid).toEqual([first, 'answered', 'hungUp']);
    }
    // Every OriginateResponse reached its ;1 channel, including those that came before Newchannel.
    const responses = messages.filter((m) => m.name === 'OriginateResponse');
    expect(responses).toHaveLength(50);
    // The trace README says 5 of the 50 come before their channel's Newchannel: make sure.
    const early = responses.filter((r) => {
      const born = newchannels.findIndex((n) => n.get('Uniqueid') === r.get('Uniqueid'));
      return messages.indexOf(r) < messages.indexOf(newchannels[born]!);
    });
    expect(early).toHaveLength(5);
    for (const r of responses) {
      expect(channels.get(r.get('Uniqueid')!)?.context.originate?.actionId).toBe(r.get('ActionID'));
    }
    supervisor.stop();
  });
});
