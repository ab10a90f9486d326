import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { inspectorPage } from '../../src/inspector/page.js';
import {
  activeNodeIds,
  actorRows,
  applyMessage,
  escapeHtml,
  type PageActor,
  type PageState,
  renderActorList,
  renderChart,
  renderEvents,
} from '../../src/inspector/pageModel.js';
import { statechartGraph } from '../../src/inspector/statechartGraph.js';
import { channelMachine } from '../../src/machines/channel/channelMachine.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';

function actor(id: string, overrides: Partial<PageActor> = {}): PageActor {
  return {
    id,
    kind: 'channel',
    parent: 'supervisor',
    machine: 'channel',
    label: id,
    group: null,
    value: 'x',
    state: 'answered',
    status: 'active',
    context: {},
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

  it('should apply snapshot, added, updated and removed messages, keeping the last events', () => {
    const state: PageState = { actors: {}, events: {} };
    applyMessage(state, 'snapshot', { actors: [supervisor] }, 3);
    applyMessage(state, 'added', { actor: actor('channel:1'), events: [] }, 3);
    const events = [1, 2, 3, 4].map((seq) => ({ seq, at: 0, type: `e${seq}` }));
    applyMessage(
      state,
      'updated',
      { actor: actor('channel:1', { state: 'ringing' }), events: events.slice(0, 2) },
      3,
    );
    // The same events again (a fetch of the actor overlapping the stream) are not doubled.
    applyMessage(state, 'updated', { actor: actor('channel:1', { state: 'answered' }), events }, 3);
    expect(state.actors['channel:1']?.state).toBe('answered');
    expect(state.events['channel:1']?.map((event) => event.type)).toEqual(['e2', 'e3', 'e4']);
    applyMessage(state, 'removed', { id: 'channel:1' }, 3);
    expect(Object.keys(state.actors)).toEqual(['supervisor']);
    expect(state.events['channel:1']).toBeUndefined();
  });

  it('should escape what it shows', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const html = renderEvents([{ seq: 1, at: 0, type: '<b>', detail: { x: '</script>' } }]);
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
    const channel = actor('channel:1', {
      label: 'PJSIP/alice-00000000',
      group: '1',
      value: { live: { line: 'answered', dial: 'idle', agi: 'inAgi', bridge: 'unbridged' } },
    });
    sources[0]?.listeners.snapshot?.({ data: JSON.stringify({ actors: [supervisor, channel] }) });
    for (const frame of frames.splice(0)) frame();
    expect(element('actors').innerHTML).toContain('PJSIP/alice-00000000');
    expect(element('detail').innerHTML).toContain('Select an actor');
    // A click on the channel selects it: its chart is fetched and drawn, active states marked.
    element('actors').listeners.click?.({
      target: { closest: () => ({ getAttribute: () => 'channel:1' }) },
    });
    for (const frame of frames.splice(0)) frame();
    expect(fetched).toEqual(['/api/actors/channel%3A1', '/api/machines/channel']);
    // The selection is in the address, so a reload or a shared link shows the same actor.
    expect(location.hash).toBe('#channel%3A1');
    await new Promise((resolve) => setImmediate(resolve));
    for (const frame of frames.splice(0)) frame();
    const detail = element('detail').innerHTML;
    expect(detail).toContain('<h1>PJSIP/alice-00000000');
    expect(detail).toContain(
      '<div class="node atomic active" data-node="channel.live.line.answered">',
    );
    expect(detail).toContain('<div class="node atomic" data-node="channel.live.line.down">');
    // Removed while selected: said so.
    sources[0]?.listeners.removed?.({ data: JSON.stringify({ id: 'channel:1' }) });
    for (const frame of frames.splice(0)) frame();
    expect(element('detail').innerHTML).toContain('channel:1 was removed');
    expect(element('actors').innerHTML).not.toContain('PJSIP/alice-00000000');
  });
});
