import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { collectDigitsMachine } from '../../src/calls/collectDigitsMachine.js';
import { graphNodes, machineGraph } from '../../src/diagram/machineGraph.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';

function edge(graph: ReturnType<typeof machineGraph>, source: string, target: string) {
  return graph.edges.find((e) => e.source === source && e.target === target);
}

describe('machineGraph', () => {
  it('should draw the IVR with arrows labelled by what happened', () => {
    const graph = machineGraph(ivrMachine);
    expect(graph.root).toMatchObject({
      id: 'ivr',
      label: 'ivr',
      isMachine: true,
      initial: 'ivr.answering',
    });
    expect(edge(graph, 'ivr.answering', 'ivr.passcode')?.labels).toEqual(['done: answer']);
    expect(edge(graph, 'ivr.answering', 'ivr.gone')?.labels).toEqual(['error: answer']);
    expect(edge(graph, 'ivr.passcode', 'ivr.menu')?.labels).toEqual([
      'done: passcode [is granted]',
    ]);
    expect(edge(graph, 'ivr.menu', 'ivr.connecting')?.labels).toEqual([
      'done: menu [chose connect]',
    ]);
    const passcode = graphNodes(graph.root).find((node) => node.id === 'ivr.passcode');
    expect(passcode).toMatchObject({ type: 'atomic', invokes: ['passcode'], children: [] });
    expect(
      graphNodes(graph.root)
        .filter((node) => node.type === 'final')
        .map((n) => n.label),
    ).toEqual(['done', 'gone']);
    // No XState-made id is left in any label.
    const labels = graph.edges.flatMap((e) => e.labels).join('\n');
    expect(labels).not.toMatch(/xstate\.|\d\.ivr\./);
  });

  it('should draw invoked machines inside the states that invoke them, once each', () => {
    const graph = machineGraph(ivrMachine, { invoked: true });
    const passcode = graphNodes(graph.root).find((node) => node.id === 'ivr.passcode')!;
    expect(passcode.children.map((child) => [child.id, child.label, child.isMachine])).toEqual([
      ['ivr.passcode/passcode', 'machine passcode', true],
    ]);
    expect(graphNodes(passcode).map((node) => node.stateId)).toEqual(
      expect.arrayContaining(['passcode.asking', 'passcode.retrying', 'passcode.granted']),
    );
    expect(
      edge(graph, 'ivr.passcode/passcode.asking', 'ivr.passcode/passcode.granted')?.labels,
    ).toEqual(['done: getData [is correct]']);
    const menu = graphNodes(graph.root).find((node) => node.id === 'ivr.menu')!;
    expect(menu.children[0]?.label).toBe('machine menu');
  });

  it('should draw parallel regions, internal transitions and merged arrows of the channel', () => {
    const graph = machineGraph(channelMachine);
    const live = graphNodes(graph.root).find((node) => node.id === 'channel.live')!;
    expect(live.type).toBe('parallel');
    expect(live.children.map((child) => child.label)).toEqual(['line', 'dial', 'agi', 'bridge']);
    expect(live.initial).toBeUndefined();
    expect(live.internal).toEqual(
      expect.arrayContaining(['logic.start', 'any AMI event', 'AsyncAGIExec', 'sync']),
    );
    // A read model: commands to the PBX go through Call, not through the channel actor.
    expect(live.internal).not.toContain('hangup');
    expect(edge(graph, 'channel.live', 'channel.ending')?.labels).toEqual([
      'Hangup [is self]',
      'lost',
    ]);
    // Newstate and sync to the same state on the same condition: one line.
    expect(edge(graph, 'channel.live.line.down', 'channel.live.line.answered')?.labels).toEqual([
      'Newstate, sync [line is answered]',
    ]);
    expect(edge(graph, 'channel.live.agi.starting', 'channel.live.agi.inAgi')?.labels).toEqual([
      '[starts in AGI]',
    ]);
  });

  it('should write delays as durations and use transition descriptions', () => {
    const graph = machineGraph(collectDigitsMachine);
    expect(edge(graph, 'collectDigits.listening.waiting', 'collectDigits.done')?.labels).toEqual([
      'after 5 s',
    ]);
    expect(edge(graph, 'collectDigits.listening.collecting', 'collectDigits.done')?.labels).toEqual(
      ['after 3 s'],
    );
    const described = createMachine({
      id: 'described',
      initial: 'a',
      states: {
        a: {
          on: { DIGIT: { target: 'b', description: 'DTMF [digit is #]' } },
          after: { 1500: 'b' },
        },
        b: { type: 'final' },
      },
    });
    expect(edge(machineGraph(described), 'described.a', 'described.b')?.labels).toEqual([
      'DTMF [digit is #]',
      'after 1.5 s',
    ]);
  });
});
