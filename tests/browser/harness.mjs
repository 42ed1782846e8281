// harness.mjs: what the page scripts (page_test.mjs, token_test.mjs) share.
//
// runSteps(name, steps) opens Debian's chromium headless (no sandbox as
// root), one context (downloads accepted, 1400x1000, en-GB, 15 s timeouts)
// and one page, and calls steps({context, page, pageErrors, step}); step(s)
// names what is being done, for the failure message. expectSoon(page, fn,
// message) is expect for what the page does in a later task (a dialog's
// `close` event, say): it waits up to 5 s for fn() in the page to be true.
// JavaScript errors of
// the page (pageErrors; pages opened later push their own) fail the run.
// Prints "NAME: all steps passed" and exits 0, or "FAIL (STEP): ..." on
// stderr and exits 1.
import fs from 'node:fs';
import process from 'node:process';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
export const CSV_HEADER = 'quote,speaker,via,outlet,title,url,published_at,first_seen,kind,confidence,cluster_id';

export class Failure extends Error {}

export function expect(condition, message) {
  if (!condition) throw new Failure(message);
}

export async function expectSoon(page, fn, message) {
  try {
    await page.waitForFunction(fn, null, { timeout: 5000 });
  } catch (error) {
    if (error.name !== 'TimeoutError') throw error;
    throw new Failure(`${message} (after 5 s)`);
  }
}

export async function runSteps(name, steps) {
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`FAIL: ${CHROMIUM} not found: run scripts/install-deps`);
    process.exit(1);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  });
  let current = 'start';
  let failed = false;
  const pageErrors = [];
  try {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1400, height: 1000 },
      locale: 'en-GB',
    });
    context.setDefaultTimeout(15000);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await steps({ context, page, pageErrors, step: (s) => { current = s; } });
    expect(pageErrors.length === 0, `JavaScript errors in the page: ${pageErrors.join('; ')}`);
    console.log(`${name}: all steps passed`);
  } catch (error) {
    failed = true;
    console.error(`FAIL (${current}): ${error instanceof Failure ? error.message : error.stack || error}`);
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}
