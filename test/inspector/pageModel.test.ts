import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { ActorDetail, ActorSummary } from '../../src/inspector/actorViews.js';
import { inspectorPage } from '../../src/inspector/page.js';
import {
  activeNodeIds,
  applyCallMessage,
  applyListMessage,
  callEntries,
  lastEdgeIds,
  matchesFilter,
  type PageState,
} from '../../src/inspector/pageModel.js';
import {
  escapeHtml,
  renderCallList,
  renderStepDetail,
  renderTimeline,
  stepLabel,
} from '../../src/inspector/pageViews.js';
import { statechartGraph } from '../../src/inspector/statechartGraph.js';
import type { StepSummary } from '../../src/inspector/stepViews.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';

function actor(id: string, overrides: Partial<ActorSummary> = {}): ActorSummary {
  return {
    id,
    kind: 'channel',
    parent: 'supervisor',
    machine: 'channel',
    label: id,
    group: null,
    state: 'answered',
    status: 'active',
    ended: false,
    ...overrides,
  };
}

function detail(id: string, overrides: Partial<ActorDetail> = {}): ActorDetail {
  return { ...actor(id), value: 'x', context: {}, lastTransitions: [], ...overrides };
}

function step(seq: number, overrides: Partial<StepSummary> = {}): StepSummary {
  const type = overrides.type ?? `e${seq}`;
  return {
    seq,
    at: seq * 100,
    actor: 'channel:1',
    type,
    label: type,
    state: 'answered',
    transitions: [],
    ...overrides,
  };
}

const supervisor = actor('supervisor', {
  kind: 'supervisor',
  parent: null,
  machine: 'ami',
  label: 'supervisor',
});

/** Two calls: A (alice to 500, in the IVR's menu) and B (bob to 401, ended). */
const ACTORS = [
  supervisor,
  actor('channel:1', {
    group: 'A',
    label: 'PJSIP/alice-00000001',
    callerId: '"Alice" <100>',
    exten: '500',
    state: 'answered+inAgi',
  }),
  actor('flow:1/menu', {
    kind: 'child',
    parent: 'flow:1',
    group: 'A',
    machine: 'menu',
    label: 'menu',
    state: 'waiting',
  }),
  actor('channel:3', {
    group: 'B',
    label: 'Local/401@default-00000002;2',
    callerId: '"Bob" <200>',
    exten: '401',
    ended: true,
    status: 'done',
    state: 'hungUp',
  }),
  actor('flow:1', {
    kind: 'flow',
    parent: 'channel:1',
    group: 'A',
    machine: 'ivr',
    label: 'ivr',
    state: 'menu',
  }),
];

describe('the inspector page logic', () => {
  it('should mark the active state nodes of a parallel channel statechart and the last arrows', () => {
    const chart = statechartGraph(channelMachine);
    const value = { live: { line: 'answered', dial: 'idle', agi: 'inAgi', bridge: 'unbridged' } };
    expect(activeNodeIds(chart.root, value)).toEqual(
      expect.arrayContaining([
        'channel',
        'channel.live',
        'channel.live.line.answered',
        'channel.live.agi.inAgi',
      ]),
    );
    expect(activeNodeIds(chart.root, { live: { line: { ringing: 'incoming' } } })).toEqual([
      'channel',
      'channel.live',
      'channel.live.line',
      'channel.live.line.ringing',
      'channel.live.line.ringing.incoming',
    ]);
    expect(activeNodeIds(chart.root, 'hungUp')).toEqual(['channel', 'channel.hungUp']);
    expect(
      lastEdgeIds([
        { source: 'ivr.passcode', event: 'xstate.done.actor.passcode', targets: ['ivr.menu'] },
      ]),
    ).toEqual(['ivr.passcode->ivr.menu']);
  });

  it('should group actors by call, as trees, the supervisor first', () => {
    const calls = callEntries(ACTORS);
    expect(
      calls.map((call) => [call.id, call.ended, call.rows.map((r) => `${r.actor.id}@${r.depth}`)]),
    ).toEqual([
      ['', false, ['supervisor@0']],
      ['A', false, ['channel:1@0', 'flow:1@1', 'flow:1/menu@2']],
      ['B', true, ['channel:3@0']],
    ]);
  });

  it('should filter calls by caller ID, extension, channel, state or any word', () => {
    const [, a, b] = callEntries(ACTORS);
    const match = (filter: string) =>
      [a!, b!].filter((call) => matchesFilter(call, filter)).map((c) => c.id);
    expect(match('')).toEqual(['A', 'B']);
    expect(match('caller:alice')).toEqual(['A']);
    expect(match('caller:<200>')).toEqual(['B']);
    expect(match('exten:500')).toEqual(['A']);
    expect(match('exten:40')).toEqual(['B']);
    expect(match('channel:pjsip/')).toEqual(['A']);
    expect(match('state:menu')).toEqual(['A']);
    expect(match('state:hungup')).toEqual(['B']);
    expect(match('STATE:WAITING exten:500')).toEqual(['A']);
    expect(match('state:waiting exten:401')).toEqual([]);
    expect(match('bob')).toEqual(['B']);
    expect(match('call:A')).toEqual(['A']);
    expect(match('nobody')).toEqual([]);
  });

  it('should list the matching calls, at most a limit of them, the selected actor marked', () => {
    const calls = callEntries(ACTORS);
    const all = renderCallList(calls, () => true, 'flow:1', 10);
    expect(all).toMatchObject({ total: 2, shown: 2 });
    expect(all.html).toContain('data-actor="supervisor"');
    expect(all.html).toContain(
      '<span class="who">&quot;Alice&quot; &lt;100&gt; → 500</span><span class="tag">live</span>',
    );
    expect(all.html).toContain('<div class="call ended" data-call="B">');
    expect(all.html).toContain('class="actor flow status-active selected" data-actor="flow:1"');
    expect(all.html).toContain('hungUp (done)');
    const one = renderCallList(calls, (call) => matchesFilter(call, 'exten:500'), null, 10);
    expect(one).toMatchObject({ total: 2, shown: 1 });
    expect(one.html).not.toContain('data-call="B"');
    const capped = renderCallList(calls, () => true, null, 1);
    expect(capped.html).not.toContain('data-call="B"');
    expect(capped.html).toContain('… 1 more calls match');
  });

  it('should apply the list stream and a call stream, keeping the last steps', () => {
    const state: PageState = { actors: {}, call: null };
    applyListMessage(state, 'reset', {});
    applyListMessage(state, 'actors', { upsert: [supervisor, actor('channel:1')], removed: [] });
    applyListMessage(state, 'actors', {
      upsert: [actor('channel:1', { state: 'ringing' })],
      removed: ['supervisor'],
    });
    expect(Object.values(state.actors)).toEqual([actor('channel:1', { state: 'ringing' })]);
    applyCallMessage(state, 'reset', { call: null }, 3);
    applyCallMessage(state, 'actors', { upsert: [detail('channel:1')], removed: [] }, 3);
    applyCallMessage(state, 'steps', { steps: [step(1), step(2)] }, 3);
    applyCallMessage(state, 'steps', { steps: [step(1), step(2), step(3), step(4)] }, 3);
    expect(state.call?.steps.map((s) => s.seq)).toEqual([2, 3, 4]);
    applyCallMessage(state, 'actors', { removed: ['channel:1'] }, 3);
    expect(state.call?.actors).toEqual({});
  });

  it('should draw a call as swimlanes on one time axis, each step a chip', () => {
    const moved = {
      source: 'ivr.passcode',
      event: 'xstate.done.actor.passcode',
      targets: ['ivr.menu'],
    };
    const steps = [
      step(1, {
        ami: 'Newchannel',
        type: 'ami.Newchannel',
        label: 'Newchannel',
        state: 'ringing',
        at: 1000,
      }),
      step(2, {
        actor: 'flow:1',
        type: 'xstate.done.actor.passcode',
        label: 'done: passcode',
        state: 'menu',
        transitions: [moved],
        at: 1500,
      }),
      step(3, {
        actor: 'flow:1/menu',
        type: 'xstate.init',
        label: 'start',
        state: 'prompting',
        at: 1600,
      }),
      step(4, {
        ami: 'Newstate',
        type: 'ami.Newstate',
        label: 'Newstate',
        state: 'answered',
        at: 2250,
        transitions: [
          {
            source: 'channel.live.line.down',
            event: 'ami.Newstate',
            targets: ['channel.live.line.answered'],
          },
        ],
      }),
    ];
    expect(steps.map(stepLabel)).toEqual([
      'Newchannel',
      'done: passcode: passcode → menu',
      'start',
      'Newstate → answered',
    ]);
    const actors = {
      'flow:1': detail('flow:1', { label: 'ivr' }),
      'channel:1': detail('channel:1', { label: 'PJSIP/alice' }),
    };
    const html = renderTimeline(steps, actors, 2, 100);
    // Lanes: the channel first, then the call logic, then what it invokes.
    const lanes = [...html.matchAll(/data-lane="([^"]+)"/g)].map((m) => m[1]);
    expect(lanes).toEqual(['channel:1', 'flow:1', 'flow:1/menu']);
    expect(html).toContain('<th data-lane="channel:1">PJSIP/alice</th>');
    expect(html).toContain('<td class="time">+0.000 s</td><td><button class="chip ami"');
    expect(html).toContain(
      '<td class="time">+0.500 s</td><td></td><td><button class="chip event moved selected" data-seq="2"',
    );
    expect(html).toContain(
      '<td class="time">+1.250 s</td><td><button class="chip ami moved" data-seq="4"',
    );
    expect(html.match(/<tr data-seq/g)).toHaveLength(4);
    expect(renderTimeline(steps, actors, null, 2).match(/<tr data-seq/g)).toHaveLength(2);
    const shown = renderStepDetail({
      ...steps[0]!,
      detail: { Event: 'Newchannel' },
      value: 'x',
      context: { name: '<b>' },
    });
    expect(shown).toContain('&quot;Event&quot;: &quot;Newchannel&quot;');
    expect(shown).toContain('&lt;b&gt;');
  });

  it('should escape what it shows', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const html = renderTimeline([step(1, { type: '<b>', state: '</script>' })], {}, null, 10);
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toContain('</script>');
  });

  it('should serve a page whose script runs: the list stream fills the list, a click opens the call', () => {
    const html = inspectorPage();
    const script = html.slice(html.indexOf('<script>') + 8, html.indexOf('</script>'));
    const elements: Record<string, Record<string, unknown>> = {};
    const element = (id: string) => {
      elements[id] ??= {
        innerHTML: '',
        textContent: '',
        value: '',
        hidden: false,
        dataset: {},
        listeners: {} as Record<string, (e: unknown) => void>,
        addEventListener(type: string, fn: (e: unknown) => void) {
          (this.listeners as Record<string, (e: unknown) => void>)[type] = fn;
        },
        querySelectorAll: () => [],
      };
      return elements[id];
    };
    const frames: Array<() => void> = [];
    const sources: Array<{
      url: string;
      listeners: Record<string, (m: { data: string }) => void>;
      close(): void;
    }> = [];
    class FakeEventSource {
      readonly listeners: Record<string, (m: { data: string }) => void> = {};
      constructor(readonly url: string) {
        sources.push(this);
      }
      addEventListener(type: string, fn: (m: { data: string }) => void): void {
        this.listeners[type] = fn;
      }
      close(): void {}
    }
    const location = { hash: '' };
    runInNewContext(script, {
      document: { getElementById: element },
      location,
      history: { replaceState: (_s: unknown, _t: string, url: string) => (location.hash = url) },
      EventSource: FakeEventSource,
      requestAnimationFrame: (fn: () => void) => frames.push(fn),
      fetch: () => new Promise(() => {}),
    });
    const flush = () => {
      for (const frame of frames.splice(0)) frame();
    };
    expect(sources.map((source) => source.url)).toEqual(['events']);
    sources[0]?.listeners.reset?.({ data: '{}' });
    sources[0]?.listeners.actors?.({ data: JSON.stringify({ upsert: ACTORS, removed: [] }) });
    flush();
    expect(element('calls').innerHTML).toContain('PJSIP/alice-00000001');
    expect(element('count').textContent).toBe('2 of 2 calls');
    // The filter answers at once.
    element('filter').value = 'exten:401';
    (element('filter').listeners as Record<string, () => void>).input?.();
    expect(element('count').textContent).toBe('1 of 2 calls');
    expect(element('calls').innerHTML).not.toContain('PJSIP/alice-00000001');
    // A click on an actor opens its call's stream; the selection is in the address.
    (element('calls').listeners as Record<string, (e: unknown) => void>).click?.({
      target: { closest: () => ({ getAttribute: () => 'channel:3' }) },
    });
    flush();
    expect(sources.map((source) => source.url)).toEqual(['events', 'events?call=B']);
    expect(location.hash).toBe('#channel%3A3');
    expect(element('head').innerHTML).toBe('<p>loading…</p>');
  });
});
