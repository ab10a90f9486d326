import { afterEach, describe, expect, it } from 'vitest';
import type { ActorDetail, ActorSummary } from '../../src/inspector/actorViews.js';
import type { CallSummary } from '../../src/inspector/callLog.js';
import { startInspector } from '../../src/inspector/inspectorServer.js';
import type { StatechartJson, StateNodeJson } from '../../src/inspector/statechartGraph.js';
import type { StepDetail, StepSummary } from '../../src/inspector/stepViews.js';
import {
  eventually,
  get,
  getJson,
  listState,
  placeIvrCall,
  setUpInspector,
  subscribe,
} from './support.js';

/**
 * The inspector on a real runtime over TCP on the embedded PBX: an IVR call (extension 500,
 * `ivrMachine` with its passcode and menu children) seen through the registry, the JSON API and
 * both SSE streams (every actor in a line; one call in full), then kept as an ended call.
 */

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function nodeByKey(node: StateNodeJson, key: string): StateNodeJson | undefined {
  if (node.key === key) return node;
  for (const child of node.states) {
    const found = nodeByKey(child, key);
    if (found) return found;
  }
  return undefined;
}

describe('the inspector on the embedded PBX', () => {
  it('should track the supervisor, the channels, the IVR and its children, then keep the ended call', async () => {
    const setup = await setUpInspector(cleanups);
    const { inspector, runtime } = setup;
    const registry = inspector.registry;
    expect(registry.list().map((actor) => actor.id)).toEqual(['supervisor']);
    expect(registry.get('supervisor')).toMatchObject({
      kind: 'supervisor',
      parent: null,
      machine: 'ami',
      state: '(session.live, linger.idle)',
      status: 'active',
      value: { session: 'live', linger: 'idle' },
    });

    const phone = placeIvrCall(setup);
    // While the menu plays: the channel, its IVR, and the IVR's `menu` child.
    await eventually(
      () => registry.summary(`flow:${runtime.channels.byName(phone)?.id}/menu`) !== undefined,
      'the menu child',
    );
    const uniqueid = runtime.channels.byName(phone)!.id;
    const group = runtime.channels.byName(phone)!.getSnapshot().context.linkedid;
    expect(registry.summary(`channel:${uniqueid}`)).toMatchObject({
      kind: 'channel',
      parent: 'supervisor',
      machine: 'channel',
      label: phone,
      group,
      status: 'active',
      ended: false,
      callerId: '"Alice" <alice>',
      exten: '500',
    });
    expect(registry.get(`channel:${uniqueid}`)?.context).toMatchObject({ uniqueid, name: phone });
    expect(registry.get(`flow:${uniqueid}`)).toMatchObject({
      kind: 'flow',
      parent: `channel:${uniqueid}`,
      machine: 'ivr',
      group,
      value: 'menu',
      state: 'menu',
      // Its context shows the call as a name, not the Call object and its AMI client.
      context: { call: '[Call]', dial: 'Local/agent@default' },
    });
    // The last transition it took, for the chart to mark: passcode done, granted, to the menu.
    expect(registry.get(`flow:${uniqueid}`)?.lastTransitions).toEqual([
      { source: 'ivr.passcode', event: 'xstate.done.actor.passcode', targets: ['ivr.menu'] },
    ]);
    expect(registry.summary(`flow:${uniqueid}/menu`)).toMatchObject({
      kind: 'child',
      parent: `flow:${uniqueid}`,
      machine: 'menu',
      group,
    });
    // The passcode child came and went: gone from the live list, kept with its call.
    expect(registry.summary(`flow:${uniqueid}/passcode`)).toBeUndefined();
    expect(registry.get(`flow:${uniqueid}/passcode`)).toMatchObject({
      ended: true,
      status: 'done',
      state: 'granted',
    });
    // An inspector started mid-call finds the same live actors.
    const late = await startInspector({ runtime });
    const ids = (list: ActorSummary[]) => list.map((actor) => actor.id).sort();
    expect(ids(late.registry.list())).toEqual(ids(registry.list()));
    expect(late.registry.summary(`flow:${uniqueid}/menu`)?.parent).toBe(`flow:${uniqueid}`);
    await late.close();

    // Hung up: done, then gone from the live list; the call is kept, ended, with every step.
    await eventually(() => registry.size === 1, 'every channel removed');
    expect(registry.list().map((actor) => actor.id)).toEqual(['supervisor']);
    expect(runtime.stats().flows).toBe(0);
    const call = registry.calls.get(group);
    expect(call?.endedAt).toBeGreaterThanOrEqual(call?.startedAt ?? Number.POSITIVE_INFINITY);
    const api = await getJson<{ call: CallSummary; actors: ActorDetail[]; steps: StepSummary[] }>(
      `${inspector.url}api/calls/${group}`,
    );
    expect(api.actors.map((actor) => actor.id).sort()).toEqual(
      [
        `channel:${uniqueid}`,
        `flow:${uniqueid}`,
        `flow:${uniqueid}/menu`,
        `flow:${uniqueid}/passcode`,
      ].sort(),
    );
    expect(api.actors.every((actor) => actor.ended)).toBe(true);
    expect(api.actors.find((a) => a.id === `channel:${uniqueid}`)).toMatchObject({
      state: 'hungUp',
      status: 'done',
    });
    // One time line: the channel's AMI events and the transitions of every actor of the call.
    const steps = api.steps;
    expect(steps.map((step) => step.seq)).toEqual(
      [...steps.map((s) => s.seq)].sort((a, b) => a - b),
    );
    const actorsSeen = new Set(steps.map((step) => step.actor));
    expect([...actorsSeen].sort()).toEqual(api.actors.map((actor) => actor.id).sort());
    const channelSteps = steps.filter((step) => step.actor === `channel:${uniqueid}`);
    expect(channelSteps[0]).toMatchObject({ type: 'xstate.init', state: 'ringing' });
    expect(channelSteps.map((s) => s.ami)).toEqual(
      expect.arrayContaining(['Newexten', 'AsyncAGIStart', 'DTMFEnd', 'AsyncAGIExec', 'Hangup']),
    );
    const ivrStates = steps
      .filter((step) => step.actor === `flow:${uniqueid}`)
      .map((step) => step.state)
      .filter((state, i, all) => state !== all[i - 1]);
    // Followed from its first step: call logic starts in the runtime's one actor system.
    expect(ivrStates).toEqual(['answering', 'passcode', 'menu', 'farewell', 'hangingUp', 'done']);
    const toMenu = steps.find((step) =>
      step.transitions.some((t) => t.source === 'ivr.passcode' && t.targets[0] === 'ivr.menu'),
    );
    expect(toMenu).toMatchObject({ type: 'xstate.done.actor.passcode', state: 'menu' });
    // Selecting a step: the event it carried and the context after it.
    const detail = await getJson<StepDetail>(
      `${inspector.url}api/calls/${group}/steps/${toMenu!.seq}`,
    );
    expect(detail).toMatchObject({
      seq: toMenu!.seq,
      value: 'menu',
      detail: { output: { granted: true, attempts: 1, reason: 'granted' } },
      context: { passcode: { granted: true } },
    });
    expect(inspector.stats().watchFailures).toBe(0);
    const hangup = steps.find((step) => step.ami === 'Hangup')!;
    const hangupDetail = await getJson<StepDetail & { detail: Record<string, string> }>(
      `${inspector.url}api/calls/${group}/steps/${hangup.seq}`,
    );
    expect(hangupDetail).toMatchObject({
      detail: { Event: 'Hangup', Channel: phone },
      context: { name: phone, hangup: { cause: Number(hangupDetail.detail.Cause) } },
    });
  }, 30_000);

  it('should stream every actor in a line on /events: only what changed, ended calls kept', async () => {
    const setup = await setUpInspector(cleanups);
    const { inspector, runtime } = setup;
    const sse = await subscribe(inspector.url);
    cleanups.push(async () => sse.close());
    expect(sse.status).toBe(200);
    await eventually(() => listState(sse).has('supervisor'), 'the snapshot');
    expect(sse.messages[0]).toEqual({ event: 'reset', data: {} });
    const phone = placeIvrCall(setup);
    let uniqueid = '';
    await eventually(() => {
      uniqueid = runtime.channels.byName(phone)?.id ?? uniqueid;
      return uniqueid !== '' && listState(sse).get(`channel:${uniqueid}`)?.ended === true;
    }, 'the channel ended');
    await eventually(() => inspector.registry.size === 1, 'every channel removed');
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the last flush

    // Each actor line is sent when it changes, never twice the same.
    const lines = sse.messages.flatMap((m) => (m.event === 'actors' ? m.data.upsert : []));
    const channelLines = lines.filter((line: ActorSummary) => line.id === `channel:${uniqueid}`);
    const asText = channelLines.map((line: ActorSummary) => JSON.stringify(line));
    expect(new Set(asText).size).toBe(asText.length);
    expect(channelLines.map((line: ActorSummary) => line.state)).toContain('ringing+inAgi');
    expect(channelLines.at(-1)).toMatchObject({ state: 'hungUp', status: 'done', ended: true });
    // The IVR's states as streamed: in the order it went through them.
    const ivrStates = lines
      .filter((line: ActorSummary) => line.id === `flow:${uniqueid}`)
      .map((line: ActorSummary) => line.state)
      .filter((state: string, i: number, all: string[]) => state !== all[i - 1]);
    const order = ['answering', 'passcode', 'menu', 'farewell', 'hangingUp', 'done'];
    expect(ivrStates.map((s: string) => order.indexOf(s))).toEqual(
      [...ivrStates.map((s: string) => order.indexOf(s))].sort((a, b) => a - b),
    );
    expect(ivrStates).toContain('menu');
    // The ended call's actors stay listed (ended), nothing of it was removed.
    const now = listState(sse);
    expect(now.get(`flow:${uniqueid}`)).toMatchObject({ state: 'done', ended: true });
    expect(now.get(`flow:${uniqueid}/passcode`)).toMatchObject({ ended: true });
    expect(sse.messages.some((m) => m.data?.removed?.length > 0)).toBe(false);
    // Lines are small: no context, no state value.
    expect(lines.every((line: object) => !('context' in line) && !('value' in line))).toBe(true);
    // No secret anywhere: the stream, the page, the API.
    const bodies = [sse.raw()];
    for (const path of ['', 'api/actors', 'api/actors/supervisor', 'api/machines/ami']) {
      bodies.push((await get(`${inspector.url}${path}`)).body);
    }
    for (const body of bodies) {
      expect(body.length).toBeGreaterThan(0);
      expect(body).not.toContain('secret');
    }
    // Closing the inspector leaves no timer of its own behind.
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await inspector.close();
    expect(timers()).toBeLessThanOrEqual(before);
    expect(inspector.registry.size).toBe(0);
  }, 30_000);

  it('should stream one call in full on /events?call=: its actors with context, its steps as they come', async () => {
    const setup = await setUpInspector(cleanups);
    const { inspector, runtime } = setup;
    const phone = placeIvrCall(setup);
    await eventually(() => runtime.channels.byName(phone) !== undefined, 'the channel');
    const ref = runtime.channels.byName(phone)!;
    const group = ref.getSnapshot().context.linkedid;
    const sse = await subscribe(inspector.url, `events?call=${encodeURIComponent(group)}`);
    cleanups.push(async () => sse.close());
    await eventually(() => inspector.registry.size === 1, 'every channel removed', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sse.messages[0]).toMatchObject({ event: 'reset', data: { call: { id: group } } });
    const actors = new Map<string, ActorDetail>();
    for (const m of sse.messages) {
      if (m.event === 'actors') for (const actor of m.data.upsert) actors.set(actor.id, actor);
    }
    expect(actors.get(`channel:${ref.id}`)).toMatchObject({
      ended: true,
      state: 'hungUp',
      context: { name: phone },
    });
    expect(actors.get(`flow:${ref.id}`)).toMatchObject({ value: 'done', ended: true });
    // Steps arrive in order, none twice, and cover the whole call.
    const steps: StepSummary[] = sse.messages.flatMap((m) =>
      m.event === 'steps' ? m.data.steps : [],
    );
    const seqs = steps.map((step) => step.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(steps.some((step) => step.ami === 'Hangup')).toBe(true);
    expect(steps.some((step) => step.actor === `flow:${ref.id}/menu`)).toBe(true);
    const api = await getJson<{ steps: StepSummary[] }>(`${inspector.url}api/calls/${group}`);
    expect(seqs).toEqual(api.steps.map((step) => step.seq));
    // Only this call's actors were streamed.
    expect([...actors.keys()].every((id) => id.includes(ref.id))).toBe(true);
  }, 30_000);

  it('should serve the statecharts of the channel machine and the IVR', async () => {
    const { inspector } = await setUpInspector(cleanups);
    const ids = await getJson<{ machines: string[] }>(`${inspector.url}api/machines`);
    expect(ids.machines).toEqual(
      expect.arrayContaining(['ami', 'channel', 'ivr', 'passcode', 'menu']),
    );
    const channel = await getJson<StatechartJson>(`${inspector.url}api/machines/channel`);
    const live = nodeByKey(channel.root, 'live')!;
    expect(live.type).toBe('parallel');
    expect(live.states.map((state) => state.key)).toEqual(['line', 'dial', 'agi', 'bridge']);
    expect(nodeByKey(channel.root, 'hungUp')?.type).toBe('final');
    expect(live.transitions).toContainEqual({
      event: 'ami.Hangup',
      targets: ['channel.ending'],
      guard: 'isSelf',
    });
    const ivr = await getJson<StatechartJson>(`${inspector.url}api/machines/ivr`);
    expect(nodeByKey(ivr.root, 'passcode')?.invoke).toEqual(['passcode']);
    const supervisor = await getJson<StatechartJson>(`${inspector.url}api/machines/ami`);
    expect(nodeByKey(supervisor.root, 'session')?.states.map((s) => s.key)).toEqual([
      'offline',
      'booting',
      'resyncing',
      'live',
      'closed',
    ]);
    const one = await getJson<{ actor: ActorDetail }>(`${inspector.url}api/actors/supervisor`);
    expect(one.actor.context).toMatchObject({
      client: '[AmiConnection]',
      lingerMs: 100,
      router: '[ChannelRouter]',
    });
  });

  it('should answer 404 for anything but its own paths, 405 for other methods', async () => {
    const { inspector } = await setUpInspector(cleanups);
    for (const path of [
      'nothing',
      'api',
      'api/nothing',
      'api/actors/nope',
      'api/actors/supervisor/anything',
      'api/actors/supervisor/anything/else',
      'api/machines/nope',
      'api/machines/channel/anything',
      'api/calls/nope',
      'api/calls/nope/steps/1',
      'api/stats/x',
      'events/anything',
    ]) {
      expect((await get(`${inspector.url}${path}`)).status, path).toBe(404);
    }
    expect((await get(`${inspector.url}api/actors`, { method: 'POST' })).status).toBe(405);
    expect((await get(`${inspector.url}api/actors/%E0%A4%A`)).status).toBe(400);
    expect((await get(`${inspector.url}api/actors/supervisor`)).status).toBe(200);
  });

  it('should forget ended calls past its limits, telling the list stream', async () => {
    const setup = await setUpInspector(cleanups, { maxEndedCalls: 1 });
    const { inspector, runtime } = setup;
    const sse = await subscribe(inspector.url);
    cleanups.push(async () => sse.close());
    const groups: string[] = [];
    for (let n = 0; n < 2; n++) {
      const phone = placeIvrCall(setup);
      await eventually(() => runtime.channels.byName(phone) !== undefined, 'the channel');
      groups.push(runtime.channels.byName(phone)!.getSnapshot().context.linkedid);
      await eventually(() => inspector.registry.size === 1, 'the call gone', 20_000);
    }
    expect(inspector.registry.calls.list().map((call) => call.id)).toEqual([groups[1]]);
    expect((await get(`${inspector.url}api/calls/${groups[0]}`)).status).toBe(404);
    await eventually(
      () =>
        [...listState(sse).values()].every((actor) => !JSON.stringify(actor).includes(groups[0]!)),
      'the first call removed from the list',
    );
  }, 40_000);

  it('should mask a secret channel variable everywhere: context, event detail, AGI command', async () => {
    const { inspector, runtime, pbx } = await setUpInspector(cleanups);
    runtime.handle({ exten: '403', inAgi: true }, async (call) => {
      await call.setVariable('DB_PASSWORD', 'hunter2');
      await call.hangup();
    });
    const list = await subscribe(inspector.url);
    cleanups.push(async () => list.close());
    const placed = pbx.call({ exten: '403' });
    let group = '';
    let stream: Awaited<ReturnType<typeof subscribe>> | undefined;
    await eventually(() => {
      const channel = runtime.channels
        .all()
        .find((ref) => ref.getSnapshot().context.name.endsWith(';2'));
      group = channel?.getSnapshot().context.linkedid ?? group;
      return group !== '';
    }, 'the AGI channel');
    stream = await subscribe(inspector.url, `events?call=${group}`);
    cleanups.push(async () => stream?.close());
    await placed.catch(() => {});
    await eventually(() => inspector.registry.size === 1, 'the call gone');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const call = await getJson<{ actors: ActorDetail[]; steps: StepSummary[] }>(
      `${inspector.url}api/calls/${group}`,
    );
    const varSet = call.steps.find((step) => step.ami === 'VarSet');
    const agiStart = call.steps.find((step) => step.ami === 'AGIExecStart');
    expect(varSet).toBeDefined();
    expect(agiStart).toBeDefined();
    const bodies = [list.raw(), stream.raw(), JSON.stringify(call)];
    for (const step of call.steps) {
      bodies.push((await get(`${inspector.url}api/calls/${group}/steps/${step.seq}`)).body);
    }
    const all = bodies.join('\n');
    expect(all).toContain('DB_PASSWORD');
    expect(all).not.toContain('hunter2');
    const detail = await getJson<StepDetail>(
      `${inspector.url}api/calls/${group}/steps/${varSet!.seq}`,
    );
    expect(detail.detail).toMatchObject({ Variable: 'DB_PASSWORD', Value: '***' });
    expect(detail.context).toMatchObject({ variables: { DB_PASSWORD: '***' } });
  }, 30_000);
});
