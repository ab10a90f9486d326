import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { machineGraph } from '../../src/diagram/machineGraph.js';
import { type InspectorHandle, startInspector } from '../../src/inspector/inspectorServer.js';
import { ivrMachine } from '../../src/machines/flows/ivrMachine.js';
import { type PbxHandle, startPbx } from '../../src/pbx/index.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';
import { browserAvailability, launchChromium, screenshot } from './chromium.js';

/**
 * The inspector page in a real browser (headless Chromium driven by playwright-core), on the
 * embedded PBX: the list shows each call's actors, the drawn statechart's active state follows an
 * IVR call (answered, in AGI, passcode, menu, hung up) with its arrows, labels and last transition,
 * the call's time line grows and shows a step's detail, and a filter over 500 live calls answers
 * within 200 ms. Screenshots go to `test-results/`.
 */

/** What the functions run in the page (`page.evaluate`) use of it: the project's types have no DOM. */
declare const document: {
  getElementById(id: string): {
    value: string;
    textContent: string | null;
    scrollTo(x: number, y: number): void;
    dispatchEvent(event: unknown): boolean;
  } | null;
};
declare const requestAnimationFrame: (callback: () => void) => number;
declare const Event: new (type: string) => unknown;

const availability = browserAvailability();
if (!availability.run) console.log(`browser tests not run: ${availability.why}`);

const silent = pino({ level: 'silent' });
let browser: Browser | undefined;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  if (availability.run) browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Rig {
  pbx: PbxHandle;
  runtime: Runtime;
  inspector: InspectorHandle;
  page: Page;
  /** The AGI command each channel runs now (its last AGIExecStart). */
  commands: Map<string, string>;
}

async function startRig(): Promise<Rig> {
  const pbx = await startPbx({ port: 0, phones: [{ name: 'alice', callerIdName: 'Alice' }] });
  cleanups.push(() => pbx.stop());
  const commands = new Map<string, string>();
  const unsubscribe = pbx.pbx.subscribe(({ name, fields }) => {
    if (name !== 'AGIExecStart') return;
    const get = (key: string) => fields.find(([k]) => k === key)?.[1] ?? '';
    commands.set(get('Channel'), get('Command'));
  });
  cleanups.push(async () => unsubscribe());
  const runtime = createRuntime({
    url: pbx.url.replace('ami://', 'ami://manager:secret@'),
    logger: silent,
    lingerMs: 200,
  });
  cleanups.push(() => runtime.close());
  await runtime.ready();
  const inspector = await startInspector({ runtime });
  cleanups.push(() => inspector.close());
  const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
  cleanups.push(() => page.close());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  cleanups.push(async () => expect(errors).toEqual([]));
  await page.goto(inspector.url);
  await page.waitForSelector('#status:text("live")');
  return { pbx, runtime, inspector, page, commands };
}

/** Presses `digits` on `channel` once its AGI command starts with `prefix` (now or later). */
async function pressWhen(rig: Rig, channel: string, prefix: string, digits: string): Promise<void> {
  await until(
    () => rig.commands.get(channel)?.startsWith(prefix) === true,
    `${prefix} on ${channel}`,
  );
  await rig.pbx.sendDigits(channel, digits, { receive: true });
}

async function until(probe: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const active = (node: string) => `#chart g[data-node="${node}"].active`;

describe.runIf(availability.run)('the inspector page in Chromium', () => {
  it('should follow an IVR call on its drawn statecharts, its actor list and its time line', async () => {
    const rig = await startRig();
    const { page, pbx } = rig;
    rig.runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
    const phone = pbx.phoneCall('alice', '500');
    const uniqueid = pbx.channels().find((channel) => channel.name === phone)!.uniqueid;
    const channel = `channel:${uniqueid}`;
    const flow = `flow:${uniqueid}`;

    // The list shows the call with its channel and its IVR; the channel is answered and in AGI.
    await page.click(`#calls [data-actor="${channel}"]`);
    await page.waitForSelector(active('channel.live.line.answered'));
    await page.waitForSelector(active('channel.live.agi.inAgi'));
    expect(await page.locator('#calls .call-head').first().textContent()).toContain(
      '"Alice" <alice> → 500',
    );
    await screenshot(page, 'inspector-1-channel-answered-in-agi');

    // The IVR asks for the passcode: its chart shows it, its passcode child is listed.
    await page.waitForSelector(`#calls [data-actor="${flow}/passcode"]`);
    await page.click(`#calls [data-actor="${flow}"]`);
    await page.waitForSelector(active('ivr.passcode'));
    await page.waitForSelector('#chart g[data-edge="ivr.answering->ivr.passcode"].last');
    // Arrows with labels people read.
    expect(await page.locator('#chart g.edge:not(.initial) path').count()).toBe(
      machineGraph(ivrMachine).edges.length,
    );
    const labels = await page.locator('#chart g.edge .label text').allTextContents();
    expect(labels).toEqual(
      expect.arrayContaining([
        'done: answer',
        'done: passcode [is granted]',
        'done: menu [chose connect]',
      ]),
    );
    expect(labels.join(' ')).not.toContain('xstate.');
    const rowsAtPasscode = await page.locator('#timeline tbody tr').count();
    expect(rowsAtPasscode).toBeGreaterThan(3);
    await screenshot(page, 'inspector-2-ivr-passcode');

    // The right passcode: the IVR moves to its menu, the arrow taken is marked, the time line grows.
    await pressWhen(rig, phone, 'GET DATA', '12345#');
    await page.waitForSelector(active('ivr.menu'));
    await page.waitForSelector('#chart g[data-edge="ivr.passcode->ivr.menu"].last');
    await page.waitForSelector(`#calls [data-actor="${flow}/menu"]`);
    const rowsAtMenu = await page.locator('#timeline tbody tr').count();
    expect(rowsAtMenu).toBeGreaterThan(rowsAtPasscode);
    await screenshot(page, 'inspector-3-ivr-menu');

    // A step of the time line: the event and the context after it.
    await page
      .locator('#timeline button.chip.moved', { hasText: 'passcode → menu' })
      .first()
      .click();
    await page.waitForSelector('#step h4:text("context after")');
    expect(await page.locator('#step').textContent()).toContain('"granted": true');

    // 2: goodbye, then the IVR hangs up; the channel's chart ends in hungUp, the call is ended.
    await pressWhen(rig, phone, 'STREAM FILE digits/1', '2');
    await page.waitForSelector(`#calls .call.ended [data-actor="${channel}"]`, { timeout: 30_000 });
    await page.click(`#calls [data-actor="${channel}"]`);
    await page.waitForSelector(active('channel.hungUp'));
    await page.evaluate(() => document.getElementById('detail')?.scrollTo(0, 0));
    // The hang-up goes through `ending` (the call logic sees it first): the last arrow into hungUp.
    await page.waitForSelector('#chart g[data-edge$="->channel.hungUp"].last');
    expect(await page.locator('#head').textContent()).toContain('ended');
    const rowsAtEnd = await page.locator('#timeline tbody tr').count();
    expect(rowsAtEnd).toBeGreaterThan(rowsAtMenu);
    expect(await page.locator('#timeline').textContent()).toContain('Hangup');
    await screenshot(page, 'inspector-4-channel-hung-up');
  }, 120_000);

  it('should filter 500 live calls by channel, caller ID, extension and state within 200 ms', async () => {
    const rig = await startRig();
    const { page, pbx } = rig;
    const phones: string[] = [];
    for (let n = 0; n < 500; n++) phones.push(pbx.phoneCall('alice', 'park'));
    await page.waitForFunction(
      () => document.getElementById('count')?.textContent === '500 of 500 calls',
      null,
      {
        timeout: 60_000,
      },
    );
    const filterTimes: Record<string, number> = {};
    const check = async (filter: string, shown: number) => {
      const ms = await page.evaluate(async (text) => {
        const input = document.getElementById('filter')!;
        const started = performance.now();
        input.value = text;
        input.dispatchEvent(new Event('input'));
        // Until the list is laid out and painted.
        await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
        return performance.now() - started;
      }, filter);
      filterTimes[filter] = Math.round(ms);
      expect(await page.locator('#count').textContent(), filter).toBe(`${shown} of 500 calls`);
      expect(ms, filter).toBeLessThan(200);
    };
    const one = phones[321]!;
    await check(`channel:${one}`, 1);
    expect(await page.locator('#calls .call').count()).toBe(1);
    expect(await page.locator('#calls .actor.channel .label').textContent()).toBe(one);
    await check('exten:park', 500);
    await check('caller:alice state:answered', 500);
    await check('state:ringing', 0);
    await check('exten:500', 0);
    await check('', 500);
    console.log(`filter over 500 live calls, ms: ${JSON.stringify(filterTimes)}`);
    await screenshot(page, 'inspector-5-500-calls');
  }, 180_000);
});
