// Issues 5 and 4 (UI parts): the Overview shows the backend-drawn budget-burn chart as an
// accessible image and exports it as SVG and PNG (browser mode downloads them); the executive
// report is saved to a typed path; a connection to a port where nothing listens is added, tested
// (the result names the failure in words) and removed.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserTest, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

const session = useSession({
  prepare: async (db) => {
    await cli(db, 'init', '--currency', 'USD');
    await cli(db, 'demo');
  },
});

/** Clicks `button` and returns the saved download's path in the session's folder. */
async function downloadFrom(page, button, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = join(session.dir, name);
  await download.saveAs(path);
  return { path, suggested: download.suggestedFilename() };
}

browserTest(session, 'charts-overview-export', 'the Overview budget-burn chart is an image that exports as SVG and PNG', async () => {
  const { page } = session;
  await openPage(page, '#/', 'Overview');
  const chart = page.getByRole('img', { name: /^Budget vs actual, \d{4}/ });
  await chart.waitFor();
  const title = (await chart.locator('title').textContent()).trim();
  // The hand-drawn monthly chart stays beside it.
  await page.getByRole('img', { name: /^Budget and actual spend per month of \d{4}/ }).waitFor();
  await screenshot(page, 'charts-overview');

  await page.getByRole('button', { name: `Export ${title}`, exact: true }).click();
  const svg = await downloadFrom(page, page.getByRole('button', { name: `Export ${title} as SVG` }), 'burn.svg');
  assert.match(svg.suggested, /^budget-vs-actual-\d{4}\.svg$/);
  const text = readFileSync(svg.path, 'utf8');
  assert.ok(text.startsWith('<svg width="1600" height="900"'), `a slide-sized SVG: ${text.slice(0, 80)}`);
  assert.ok(text.includes(`>${title}</title>`) && text.includes('role="img"'), 'with its title for screen readers');

  await page.getByRole('button', { name: `Export ${title}`, exact: true }).click();
  const png = await downloadFrom(page, page.getByRole('button', { name: `Export ${title} as PNG 2×` }), 'burn.png');
  const bytes = readFileSync(png.path);
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [3200, 1800], '1600 × 900 at 2×');
  assert.deepEqual(session.pageErrors, []);
});

browserTest(session, 'charts-report', 'the executive report is saved to a typed path and confirmed', async () => {
  const { page } = session;
  await openPage(page, '#/', 'Overview');
  await page.getByRole('button', { name: 'Executive report…' }).click();
  const target = join(session.dir, 'board report.html');
  await page.getByLabel('Save the executive report (HTML) to').fill(target);
  await page.getByRole('button', { name: 'Save report' }).click();
  await page.getByRole('status').filter({ hasText: `to ${target}` }).waitFor();
  const confirmation = await page.getByRole('status').filter({ hasText: 'Saved the executive report' }).innerText();
  assert.match(confirmation, /\(10 charts, \d+ KB\)/, 'seven portfolio charts and the three starred KPIs');
  assert.ok(existsSync(target) && readFileSync(target, 'utf8').includes('<svg'), 'the report is there with its charts');
});

browserTest(session, 'connections-unreachable', 'a connection to a closed port is added, tested in words, and removed', async () => {
  const { page } = session;
  await openPage(page, '#/connections', 'Connections');
  await page.getByRole('button', { name: 'New connection' }).click();
  await page.getByLabel('Name').fill('nothing-listens');
  await page.getByLabel('Base URL').fill('http://127.0.0.1:9');
  assert.equal(await page.getByLabel('Authentication').inputValue(), 'none');
  await page.getByRole('button', { name: 'Add connection' }).click();

  const table = page.getByRole('table', { name: 'Connections' });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'nothing-listens' }) });
  await row.waitFor();
  assert.match(await row.innerText(), /Prometheus\s+http:\/\/127\.0\.0\.1:9\s+None\s+System roots\s+15 min/);

  await row.getByRole('button', { name: 'Test nothing-listens' }).click();
  const result = page.getByRole('status', { name: 'Test result of nothing-listens' });
  await eventually(async () => assert.match(await result.innerText(), /^Does not work: Could not reach the server/), 30_000);
  await screenshot(page, 'connections-tested');

  await row.getByRole('button', { name: 'Remove nothing-listens' }).click();
  await row.getByRole('button', { name: 'Yes, remove nothing-listens' }).click();
  await page.getByText('No connections yet.').waitFor();
  assert.deepEqual(session.pageErrors, []);
});
