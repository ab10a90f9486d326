import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { ActorDetail, ActorSummary } from '../../src/inspector/actorViews.js';
import { inspectorPage } from '../../src/inspector/page.js';
import {
  activeNodeIds,
  actorRows,
  applyCallMessage,
  applyListMessage,
  escapeHtml,
  type PageState,
  renderActorList,
  renderChart,
  renderSteps,
} from '../../src/inspector/pageModel.js';
import { statechartGraph } from '../../src/inspector/statechartGraph.js';
import type { StepSummary } from '../../src/inspector/stepViews.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';

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
  return {
    seq,
    at: 0,
    actor: 'channel:1',
    type: `e${seq}`,
    state: 'answered',
    transitions: [],
    ...overrides,
  };
}

const supervisor = actor('supervisor', { kind: 'supervisor', parent: null, machine: 'ami' });

describe('the inspector page logic', () => {
  it('should mark the active state nodes of a parallel channel statechart', () => {
    const chart = statechartGraph(channelMachine);
    const value = {
      live: { line: 'answered', dial: 'idle', agi: 'inAgi', bridge: 'unbridged' },
    };
    expect(activeNodeIds(chart.root, value).sort()).toEqual(
      [
        'channel',
        'channel.live',
        'channel.live.agi',
        'channel.live.agi.inAgi',
        'channel.live.bridge',
        'channel.live.bridge.unbridged',
        'channel.live.dial',
        'channel.live.dial.idle',
        'channel.live.line',
        'channel.live.line.answered',
      ].sort(),
    );
    expect(activeNodeIds(chart.root, { live: { line: { ringing: 'incoming' } } })).toEqual([
      'channel',
      'channel.live',
      'channel.live.line',
      'channel.live.line.ringing',
      'channel.live.line.ringing.incoming',
    ]);
    expect(activeNodeIds(chart.root, 'hungUp')).toEqual(['channel', 'channel.hungUp']);
  });

  it('should draw a statechart as nested boxes, the active ones highlighted', () => {
    const chart = statechartGraph(ivrMachine);
    const html = renderChart(chart.root, activeNodeIds(chart.root, 'menu'));
    expect(html).toContain('<div class="node compound active" data-node="ivr">');
    expect(html).toContain('<div class="node atomic active" data-node="ivr.menu">');
    expect(html).toContain('<div class="node atomic" data-node="ivr.passcode">');
    expect(html).toContain('<div class="node final" data-node="ivr.done">');
    expect(html).toContain('invokes passcode');
    expect(html).toContain(
      'xstate.done.actor.passcode</span> <span class="guard">[isGranted]</span> → menu',
    );
    // Nested: the menu box is inside the root's children.
    expect(html.indexOf('data-node="ivr.menu"')).toBeGreaterThan(
      html.indexOf('class="children compound"'),
    );
    const channel = statechartGraph(channelMachine);
    expect(renderChart(channel.root, [])).toContain(
      '<div class="node parallel" data-node="channel.live">',
    );
  });

  it('should list the supervisor, then each call with its channels and their call logic', () => {
    const actors = [
      supervisor,
      actor('channel:1', { group: 'A', label: 'Local/500;1' }),
      actor('channel:3', { group: 'B' }),
      actor('flow:2/menu', { kind: 'child', parent: 'flow:2', group: 'A', machine: 'menu' }),
      actor('channel:2', { group: 'A', label: 'Local/500;2' }),
      actor('flow:2', { kind: 'flow', parent: 'channel:2', group: 'A', machine: 'ivr' }),
    ];
    expect(actorRows(actors).map((row) => [row.actor.id, row.depth, row.group])).toEqual([
      ['supervisor', 0, null],
      ['channel:1', 1, 'A'],
      ['channel:2', 1, 'A'],
      ['flow:2', 2, 'A'],
      ['flow:2/menu', 3, 'A'],
      ['channel:3', 1, 'B'],
    ]);
    const html = renderActorList(
      [...actors, actor('channel:4', { group: 'B', status: 'done', state: 'hungUp' })],
      'flow:2',
    );
    expect(html.match(/class="group"/g)).toHaveLength(2);
    expect(html).toContain('class="actor flow status-active selected" data-actor="flow:2"');
    expect(html).toContain('class="actor channel status-done" data-actor="channel:4"');
    expect(html).toContain('hungUp (done)');
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
    applyListMessage(state, 'reset', {});
    expect(state.actors).toEqual({});

    applyCallMessage(state, 'reset', { call: null }, 3);
    applyCallMessage(state, 'actors', { upsert: [detail('channel:1')], removed: [] }, 3);
    applyCallMessage(state, 'steps', { steps: [step(1), step(2)] }, 3);
    // The same steps again (a reconnect overlapping) are not doubled; only the last 3 are kept.
    applyCallMessage(state, 'steps', { steps: [step(1), step(2), step(3), step(4)] }, 3);
    expect(state.call?.steps.map((s) => s.seq)).toEqual([2, 3, 4]);
    expect(Object.keys(state.call?.actors ?? {})).toEqual(['channel:1']);
    applyCallMessage(state, 'actors', { upsert: [], removed: ['channel:1'] }, 3);
    expect(state.call?.actors).toEqual({});
    applyCallMessage(state, 'reset', { call: null }, 3);
    expect(state.call).toEqual({ info: null, actors: {}, steps: [] });
  });

  it('should escape what it shows', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const html = renderSteps([step(1, { type: '<b>', state: '</script>' })], null);
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toContain('</script>');
  });

  it('should serve a page whose script runs: the stream fills the list, a click draws the chart', async () => {
    const html = inspectorPage();
    const script = html.slice(html.indexOf('<script>') + 8, html.indexOf('</script>'));
    const elements: Record<
      string,
      {
        innerHTML: string;
        textContent: string;
        listeners: Record<string, (e: unknown) => void>;
        addEventListener(type: string, fn: (e: unknown) => void): void;
      }
    > = {};
    const element = (id: string) => {
      elements[id] ??= {
        innerHTML: '',
        textContent: '',
        listeners: {},
        addEventListener(type, fn) {
          this.listeners[type] = fn;
        },
      };
      return elements[id];
    };
    const frames: Array<() => void> = [];
    const sources: Array<{
      url: string;
      listeners: Record<string, (m: { data: string }) => void>;
    }> = [];
    const fetched: string[] = [];
    class FakeEventSource {
      readonly listeners: Record<string, (m: { data: string }) => void> = {};
      onopen: (() => void) | undefined;
      onerror: (() => void) | undefined;
      constructor(readonly url: string) {
        sources.push(this);
      }
      addEventListener(type: string, fn: (m: { data: string }) => void): void {
        this.listeners[type] = fn;
      }
    }
    const chart = statechartGraph(channelMachine);
    const location = { hash: '' };
    const history = {
      replaceState: (_state: unknown, _title: string, url: string) => {
        location.hash = url;
      },
    };
    runInNewContext(script, {
      document: { getElementById: element },
      location,
      history,
      EventSource: FakeEventSource,
      requestAnimationFrame: (fn: () => void) => frames.push(fn),
      fetch: (url: string) => {
        fetched.push(url);
        return Promise.resolve({
          ok: true,
          json: () => Promise.resolve(url.includes('machines') ? chart : null),
        });
      },
    });
    expect(sources.map((source) => source.url)).toEqual(['/events']);
    const channel = actor('channel:1', { label: 'PJSIP/alice-00000000', group: '1' });
    const send = (source: number, kind: string, data: unknown) => {
      sources[source]?.listeners[kind]?.({ data: JSON.stringify(data) });
      for (const frame of frames.splice(0)) frame();
    };
    send(0, 'reset', {});
    send(0, 'actors', { upsert: [supervisor, channel], removed: [] });
    expect(element('actors').innerHTML).toContain('PJSIP/alice-00000000');
    expect(element('detail').innerHTML).toContain('Select an actor');
    // A click on the channel selects it: its call's stream opens, its chart is fetched and drawn.
    element('actors').listeners.click?.({
      target: { closest: () => ({ getAttribute: () => 'channel:1' }) },
    });
    for (const frame of frames.splice(0)) frame();
    expect(sources.map((source) => source.url)).toEqual(['/events', '/events?call=1']);
    // The selection is in the address, so a reload or a shared link shows the same actor.
    expect(location.hash).toBe('#channel%3A1');
    send(1, 'reset', { call: { id: '1' } });
    send(1, 'actors', {
      upsert: [
        detail('channel:1', {
          label: 'PJSIP/alice-00000000',
          group: '1',
          value: { live: { line: 'answered', dial: 'idle', agi: 'inAgi', bridge: 'unbridged' } },
        }),
      ],
    });
    send(1, 'steps', { steps: [step(1, { type: 'ami.Newstate' })] });
    expect(fetched).toEqual(['/api/machines/channel']);
    await new Promise((resolve) => setImmediate(resolve));
    for (const frame of frames.splice(0)) frame();
    const shown = element('detail').innerHTML;
    expect(shown).toContain('<h1>PJSIP/alice-00000000');
    expect(shown).toContain(
      '<div class="node atomic active" data-node="channel.live.line.answered">',
    );
    expect(shown).toContain('<div class="node atomic" data-node="channel.live.line.down">');
    expect(shown).toContain('ami.Newstate');
    // Forgotten while selected: said so.
    send(1, 'actors', { removed: ['channel:1'] });
    send(0, 'actors', { removed: ['channel:1'] });
    expect(element('detail').innerHTML).toContain('channel:1 was removed');
    expect(element('actors').innerHTML).not.toContain('PJSIP/alice-00000000');
  });
});
