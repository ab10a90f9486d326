import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../support/spawnTsx.js';

/** Debian's Chromium, which `.ci/run` installs when it is missing. */
export const CHROMIUM = process.env.OCTOSTATE_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go (gitignored). */
export const RESULTS = join(ROOT, 'test-results');

/**
 * Whether the browser tests can run here, and why not. In CI (`OCTOSTATE_REQUIRE_BROWSER=1`)
 * they must: a missing Chromium is then a failure, not a skip.
 */
export function browserAvailability(): { readonly run: boolean; readonly why: string } {
  if (existsSync(CHROMIUM)) return { run: true, why: '' };
  const why = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set OCTOSTATE_CHROMIUM)`;
  if (process.env.OCTOSTATE_REQUIRE_BROWSER === '1') {
    throw new Error(`The browser tests must run in CI, but there is ${why}`);
  }
  return { run: false, why };
}

/**
 * Starts headless Chromium as the machine's notes say it must run here: no sandbox (root), no
 * GPU, and none of the background networking that a closed network refuses.
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Saves a screenshot under `test-results/` and prints its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  console.log(`screenshot: ${path}`);
  return path;
}
