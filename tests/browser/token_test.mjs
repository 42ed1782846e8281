// token_test.mjs: the page against a server that asks for a token to read.
//
//   node tests/browser/token_test.mjs URL TOKEN SCREENSHOT_DIR
//
// URL is a running `quotetrail serve --require-token-for-reads` holding the
// seed corpus and TOKEN a token it accepts (tests/browser_test.cc makes
// both). Checks that the page asks for a token instead of failing silently,
// refuses a wrong one, then searches and exports CSV with the right one (the
// download goes through fetch with the Authorization header). Exit code 0
// when every step passed; otherwise 1 with "FAIL: ..." on stderr.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { CSV_HEADER, expect, runSteps } from './harness.mjs';

const [url, token, shotDir] = process.argv.slice(2);
if (!url || !token || !shotDir) {
  console.error('usage: node token_test.mjs URL TOKEN SCREENSHOT_DIR');
  process.exit(2);
}
fs.mkdirSync(shotDir, { recursive: true });

await runSteps('token_test', async ({ page, step }) => {
  const form = page.locator('#token-form');
  const results = page.locator('#results-list > li');

  step('the page asks for a token');
  await page.goto(url);
  await form.waitFor({ state: 'visible' });
  const alertText = await page.locator('#results [role=alert]').innerText();
  expect(/API token/.test(alertText), `the results do not say a token is needed: ${alertText}`);

  step('a wrong token is refused');
  await page.getByLabel('API token').fill('qt_not_a_token');
  await page.getByRole('button', { name: 'Use token' }).click();
  await form.waitFor({ state: 'visible' });
  expect(/did not accept/.test(await page.locator('#token-hint').innerText()),
    'a refused token is not reported as refused');
  expect(await results.count() === 0, 'quotes were listed without a valid token');

  step('the right token lists and finds quotes');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
  await form.waitFor({ state: 'hidden' });
  await page.getByLabel('Words of the quote').fill('pret a soutenir');
  await page.getByLabel('Words of the quote').press('Enter');
  await page.waitForFunction(() => {
    const first = document.querySelector('#results-list > li');
    return first && first.textContent.includes('prête à soutenir');
  });
  const shot = path.resolve(shotDir, '07-token.png');
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);

  step('export CSV with the token');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  const csvPath = path.resolve(shotDir, 'token-export.csv');
  await download.saveAs(csvPath);
  const csv = fs.readFileSync(csvPath, 'utf8');
  expect(csv.startsWith(CSV_HEADER), `the export is not the CSV report: ${csv.slice(0, 120)}`);
  expect(csv.includes('prête à soutenir'), 'the export lacks the quote searched for');
  expect(download.suggestedFilename() === 'quotetrail-export.csv',
    `the download is named ${download.suggestedFilename()}`);

});
