// A manager presents KPIs: the Scorecard page shows every KPI's status as the core judges it
// (`kpi scorecard --json`), red and amber first, grouped by initiative; a value typed in the app is
// recorded through the one audited path and turns a red KPI green, and the CLI reads it back.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserTest, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

let card;
const session = useSession({
  viewport: { width: 1440, height: 1100 },
  prepare: async (db) => {
    await cli(db, 'demo');
    card = await cli(db, 'kpi', 'scorecard', '--json');
  },
});

browserTest(session, 'scorecard', 'the scorecard shows the core statuses and records a typed value', async () => {
  const { page } = session;
  const { counts } = card;
  assert.ok(counts.red >= 1 && counts.amber >= 1 && counts.stale >= 1 && counts.green >= 1, 'the demo has every status');
  await openPage(page, '#/scorecard', 'KPI scorecard');
  const tiles = page.getByRole('region', { name: /^KPIs by status/ });
  for (const [word, n] of [['Red', counts.red], ['Amber', counts.amber], ['Stale', counts.stale], ['Green', counts.green]]) {
    await eventually(async () => assert.match(await tiles.innerText(), new RegExp(`${n}\\s*${word}`), `${n} ${word}`));
  }

  // Red and amber come first: the first row on the page is the core's worst KPI.
  const red = card.rows.find((r) => r.status === 'red');
  const firstRow = page.locator('button[id^="sc-row-"]').first();
  assert.match(await firstRow.innerText(), new RegExp(red.name));
  assert.match(await firstRow.innerText(), new RegExp(red.value_text.replace('.', '\\.')));

  // Record a value inside the target: the KPI turns green, here and in the file.
  await firstRow.click();
  const form = page.getByRole('form', { name: `Record a value of ${red.name}` });
  const inside = red.target_high !== null ? red.target_high * 0.9 : red.target_low * 1.1;
  const today = card.as_of;
  await form.getByLabel(/^Value/).fill(String(Number(inside.toFixed(2))));
  await form.getByLabel('Day').fill(today);
  await form.getByLabel(/^Note/).fill('after retraining');
  await form.getByRole('button', { name: 'Record value' }).click();
  await page.getByText(/^Recorded .* — green/).waitFor();
  const after = await cli(session.db, 'kpi', 'scorecard', '--json');
  const row = after.rows.find((r) => r.kpi_id === red.kpi_id);
  assert.equal(row.status, 'green');
  assert.equal(row.source, 'typed');
  assert.equal(row.as_of, today);
  const audit = await cli(session.db, 'audit', '--entity', 'kpi-value', '--json');
  assert.equal(audit[0].action, 'create', 'the typed value went through the audited path');
  await eventually(async () => assert.match(await tiles.innerText(), new RegExp(`${counts.red - 1}\\s*Red`)));
  await screenshot(page, 'scorecard');

  // A business team's spreadsheet of values: previewed with its row error, fixed, imported.
  const amber = card.rows.find((r) => r.status === 'amber');
  const file = join(session.dir, 'kpi-values.csv');
  writeFileSync(file, `kpi,date,value,note\n${amber.name},${today},1.5,typo\n${amber.name},${today},not-a-number,\n`);
  await page.getByRole('link', { name: 'Import values' }).click();
  await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
  assert.ok(await page.getByRole('radio', { name: /KPI values/ }).isChecked(), 'the Scorecard link chooses KPI values');
  await page.getByLabel('Path of the file on this machine').fill(file);
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('cell', { name: /`not-a-number` is not a number/ }).waitFor();
  writeFileSync(file, `kpi,date,value,note\n${amber.name},${today},${amber.value_text.replace(/[^0-9.]/g, '')},from BI\n`);
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('button', { name: 'Import 1 row' }).click();
  await page.getByRole('status', { name: 'Import finished' }).waitFor();
  const imported = (await cli(session.db, 'kpi', 'scorecard', '--json')).rows.find((r) => r.kpi_id === amber.kpi_id);
  assert.equal(imported.source, 'imported');
  assert.equal(imported.as_of, today);
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
