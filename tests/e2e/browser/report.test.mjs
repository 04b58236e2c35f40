// Issue 5: the executive report opened from disk in headless Chromium renders its figures, charts
// and tables with no network request at all, and names made of markup appear as text.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { artifactsDir, cli, launchBrowser, tempDir } from './lib/harness.mjs';
import { mkdirSync, readFileSync } from 'node:fs';

const SCRIPT_NAME = '<script>window.__pwned=1</script>';
const SVG_NAME = '</svg><img src=x onerror=window.__pwned=2>';

const world = { browser: null, page: null, requests: [], pageErrors: [], report: '' };

before(async () => {
  const dir = tempDir();
  const db = join(dir, 'portfolio.db');
  await cli(db, 'demo');
  for (const name of [SCRIPT_NAME, SVG_NAME]) {
    await cli(db, 'add', 'initiative', `name=${name}`, 'status=active', 'priority=1', 'start=2026-01');
    await cli(db, 'add', 'budget', `initiative=${name}`, 'month=2026-01', 'category=compute', 'amount=1,000');
    // Far over budget, so they head the report's "Needs attention" list.
    await cli(db, 'add', 'actual', `initiative=${name}`, 'month=2026-01', 'category=compute', 'amount=500,000', 'source=manual');
  }
  world.report = join(dir, 'report.html');
  await cli(db, 'report', '--out', world.report, '--as-of', '2026-10');
  world.browser = await launchBrowser();
  const context = await world.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  world.page = await context.newPage();
  world.page.on('request', (request) => world.requests.push(request.url()));
  world.page.on('pageerror', (error) => world.pageErrors.push(error.message));
  await world.page.goto(pathToFileURL(world.report).href);
}, { timeout: 120_000 });

after(async () => {
  await world.browser?.close().catch(() => {});
});

test('the report renders whole from one file with no request beyond itself', { timeout: 60_000 }, async () => {
  const { page } = world;
  await page.getByRole('heading', { level: 1, name: 'ML portfolio report' }).waitFor();
  assert.deepEqual(world.requests, [pathToFileURL(world.report).href], 'the page asked for nothing but itself');

  const charts = page.getByRole('img');
  assert.equal(await charts.count(), 10, 'seven portfolio charts and the three starred KPIs, each an accessible image');
  await page.getByRole('img', { name: /^Assistant deflection rate/ }).waitFor();
  await page.getByRole('table', { name: /^KPI scorecard, 31 October 2026: \d+ red/ }).waitFor();
  await page.getByRole('table', { name: /^Fully loaded cost per model, 2026 to date/ }).waitFor();
  await page.getByRole('img', { name: /^Budget vs actual, 2026/ }).waitFor();
  const figures = await page.locator('.figure dt').allTextContents();
  assert.ok(figures.includes('Budget 2026') && figures.includes('Headcount'), figures.join(' | '));
  const table = page.getByRole('table', { name: 'Initiatives, 2026 to date, through Oct' });
  await table.getByRole('rowheader', { name: 'Fraud detection', exact: true }).waitFor();

  // The fonts are inline, so text is drawn with Inter, not a fallback.
  const inter = await page.evaluate(async () => {
    await document.fonts.ready;
    return document.fonts.check('16px Inter');
  });
  assert.ok(inter, 'the embedded Inter font is loaded');

  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, 'report-top.png') });
  await page.screenshot({ path: join(artifactsDir, 'report-full.png'), fullPage: true });
});

test('names made of markup appear as text and run nothing', { timeout: 30_000 }, async () => {
  const { page } = world;
  const table = page.getByRole('table', { name: 'Initiatives, 2026 to date, through Oct' });
  for (const name of [SCRIPT_NAME, SVG_NAME]) {
    await table.getByRole('rowheader', { name, exact: true }).waitFor();
    await page.getByRole('listitem').filter({ hasText: `${name} is $499K over budget` }).waitFor();
  }
  const injected = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    scripts: document.scripts.length,
    images: document.images.length,
  }));
  assert.deepEqual(injected, { pwned: 'undefined', scripts: 0, images: 0 });
  assert.deepEqual(world.pageErrors, []);
  const html = readFileSync(world.report, 'utf8');
  assert.ok(!html.includes(SCRIPT_NAME) && !html.includes(SVG_NAME), 'the file holds the names escaped only');
});
