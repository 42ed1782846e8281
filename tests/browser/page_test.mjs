// page_test.mjs: drives the quotetrail page in Debian's chromium, as a user would.
//
//   node tests/browser/page_test.mjs URL SCREENSHOT_DIR
//
// URL is a running `quotetrail serve` holding the seed corpus
// (tests/browser_test.cc starts one). Searches "pret a soutenir", opens the
// provenance chain and the source article, checks an attribution, exports
// CSV, and checks that API errors and empty results are shown. Saves PNG
// screenshots in SCREENSHOT_DIR and prints one line "screenshot: PATH" for
// each. Exit code 0 when every step passed; otherwise 1 with "FAIL: ..." on
// stderr.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { CSV_HEADER, expect, expectSoon, runSteps } from './harness.mjs';

const [url, shotDir] = process.argv.slice(2);
if (!url || !shotDir) {
  console.error('usage: node page_test.mjs URL SCREENSHOT_DIR');
  process.exit(2);
}
fs.mkdirSync(shotDir, { recursive: true });

await runSteps('page_test', async ({ context, page, pageErrors, step }) => {
  const shot = async (name, options = {}) => {
    const file = path.resolve(shotDir, name);
    await page.screenshot({ path: file, ...options });
    console.log(`screenshot: ${file}`);
  };
  const resultsSettled = () => page.waitForFunction(
    () => document.getElementById('results').getAttribute('aria-busy') === 'false');

  step('open the page');
  const index = await fetch(url);
  expect(index.ok && /text\/html/.test(index.headers.get('content-type') || ''),
    `GET ${url} answered ${index.status} ${index.headers.get('content-type')}: the server does not serve the page (api/index.html)`);
  await page.goto(url);
  await resultsSettled();
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.id || e.name));
  expect(unlabelled.length === 0, `form fields without a label: ${unlabelled.join(', ')}`);

  step('search "pret a soutenir"');
  await page.getByLabel('Words of the quote').fill('pret a soutenir');
  await page.getByLabel('Words of the quote').press('Enter');
  await resultsSettled();
  const results = page.locator('#results-list > li');
  expect(await results.count() >= 1, `no result; status: ${await page.locator('#results').innerText()}`);
  const first = results.first();
  const firstText = await first.locator('.quote-text').innerText();
  expect(/soutenir/.test(firstText), `first result is not the quote searched: ${firstText}`);
  const firstSpeaker = await first.locator('.speaker').first().innerText();
  expect(firstSpeaker.startsWith('Kim Jong-un'), `first result's speaker is "${firstSpeaker}", not Kim Jong-un`);
  expect(await first.locator('.quote-text').getAttribute('lang') === 'fr', 'the French quote has no lang="fr"');
  const hash = new URLSearchParams(new URL(page.url()).hash.slice(1));
  expect(hash.get('q') === 'pret a soutenir', `the search is not in the URL: ${page.url()}`);
  const status = await page.locator('#results-status').innerText();
  expect(/quote/.test(status), `the results status says nothing: "${status}"`);
  await shot('01-search.png');

  step('open the provenance chain');
  await first.getByRole('link', { name: 'Provenance chain' }).click();
  const panel = page.locator('#quote-panel');
  await panel.locator('.timeline > li').first().waitFor();
  const occurrences = panel.locator('.timeline > li');
  const chainText = await panel.innerText();
  expect(/KCNA/.test(await panel.locator('.timeline').innerText()), `KCNA is not in the chain:\n${chainText}`);
  expect(await panel.locator('.chain-via', { hasText: 'KCNA' }).count() >= 1, 'KCNA is not shown as a relay');
  expect(await occurrences.first().locator('.badge-first').count() === 1,
    'the first occurrence is not marked as the first appearance');
  expect(await panel.locator('.badge-first').count() === 1, 'more or less than one first appearance is marked');
  expect(new URL(page.url()).hash.includes('quote='), 'the open quote is not in the URL');
  await shot('02-chain.png');

  step('open the source article');
  const kcnaOccurrence = occurrences.filter({ has: page.locator('.chain-via', { hasText: 'KCNA' }) }).first();
  const occurrenceWords = (await kcnaOccurrence.locator('blockquote mark, blockquote q').first().innerText())
    .replace(/^[«“"]\s*|\s*[»”"]$/g, '');
  await kcnaOccurrence.getByRole('button', { name: 'Read in the article' }).click();
  const dialog = page.locator('#doc-dialog');
  const mark = dialog.locator('#doc-text mark.current');
  await mark.waitFor();
  expect(await dialog.evaluate((d) => d.open), 'the article dialog is not open');
  const marked = await mark.innerText();
  expect(marked === occurrenceWords,
    `the highlighted words are not the quote:\n  highlighted: ${marked}\n  quote:       ${occurrenceWords}`);
  expect(await mark.evaluate((m) => document.activeElement === m), 'the highlighted quote has not the focus');
  await shot('03-article.png');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  // The dialog's `close` event, which takes doc= out of the URL, is queued
  // after the dialog hides: the URL changes in a later task.
  await expectSoon(page, () => !location.hash.includes('doc='), 'the closed article is still in the URL');

  step('check an attribution');
  await page.getByLabel('Quoted words').fill("C'est à la RPDC de décider");
  await page.getByLabel('Said by').fill('Kim Jong-un');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const verdictOrError = page.locator('#check-result .verdict, #check-result .error');
  await verdictOrError.first().waitFor();
  const checkText = await page.locator('#check-result').innerText();
  const verdict = page.locator('#check-result .verdict');
  expect(await verdict.count() === 1, `no verdict from POST /api/v1/check:\n${checkText}`);
  const verdictName = await verdict.getAttribute('data-verdict');
  expect(verdictName === 'attributed_to_other', `verdict is "${verdictName}", not attributed_to_other:\n${checkText}`);
  expect(/Sergueï Lavrov/.test(await verdict.innerText()), `the verdict does not name Sergueï Lavrov:\n${checkText}`);
  await shot('04-check.png');

  step('export CSV');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  const csvPath = path.resolve(shotDir, 'export.csv');
  await download.saveAs(csvPath);
  const csv = fs.readFileSync(csvPath, 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.split(/\r?\n/).filter((line) => line !== '');
  expect(lines[0] === CSV_HEADER, `the CSV header is "${lines[0]}"`);
  expect(lines.slice(1).some((line) => line.includes('Kim Jong-un')), `no Kim Jong-un row in the CSV:\n${csv}`);
  expect(download.url().includes('q=pret+a+soutenir'), `the export ignores the search: ${download.url()}`);
  console.log(`csv: ${csvPath} (${lines.length - 1} rows)`);

  step('show an API error');
  await page.getByLabel('Published from').fill('2025-07-12');
  await page.getByLabel('Published until').fill('2025-07-01');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const alert = page.locator('#results [role=alert]');
  await alert.waitFor();
  const alertText = await alert.innerText();
  expect(/\bto\b/.test(alertText) && !/internal|HTTP|answered/.test(alertText),
    `the error does not show the API's message: ${alertText}`);
  const errorShot = path.resolve(shotDir, '05-error.png');
  await page.locator('#results').screenshot({ path: errorShot });
  console.log(`screenshot: ${errorShot}`);

  step('show an empty result');
  await page.getByRole('button', { name: 'Clear' }).click();
  await resultsSettled();
  await page.getByLabel('Words of the quote').fill('zzqx wqzzv');
  await page.getByLabel('Words of the quote').press('Enter');
  await resultsSettled();
  expect(await results.count() === 0, 'a nonsense search found quotes');
  const emptyStatus = await page.locator('#results-status').innerText();
  expect(/^No quotes/.test(emptyStatus), `the empty result says: "${emptyStatus}"`);

  step('open a shared link on a narrow screen');
  const shared = `${url.replace(/#.*$/, '')}#q=pret+a+soutenir`;
  const phone = await context.newPage();
  phone.on('pageerror', (error) => pageErrors.push(error.message));
  await phone.setViewportSize({ width: 420, height: 900 });
  await phone.goto(shared);
  await phone.locator('#results-list > li').first().waitFor();
  expect(await phone.getByLabel('Words of the quote').inputValue() === 'pret a soutenir',
    'a shared link does not fill the search box');
  const phoneShot = path.resolve(shotDir, '06-narrow.png');
  await phone.screenshot({ path: phoneShot, fullPage: true });
  console.log(`screenshot: ${phoneShot}`);
});
