// Planning: a director builds a scenario of three changes in the app, sees it beside the baseline
// with the core's figures (the same `scenario show --json` prints), and exports it for a colleague.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserTest, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

const compact = (minor) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1, minimumFractionDigits: 0 }).format(minor / 100);

const session = useSession({
  prepare: async (db) => {
    await cli(db, 'demo');
  },
});

browserTest(session, 'planning', 'a scenario built in the app shows the core figures and exports', async () => {
  const { page } = session;
  const year = String(Number((await cli(session.db, 'summary', '--json')).period.key) + 1);
  await openPage(page, `#/planning?period=${year}`, 'Planning');

  await page.getByRole('textbox', { name: 'New scenario' }).fill('Board plan');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name: 'Board plan' }).waitFor();
  await page.getByText('No changes yet: it equals the baseline').waitFor();

  const form = page.getByRole('form', { name: 'Add a change' });
  // 1. Three ML engineers on Search ranking from March.
  await form.getByLabel('Role').selectOption({ label: 'ML engineer' });
  await form.getByLabel('How many').fill('3');
  await form.getByLabel('From').fill(`${year}-03`);
  await form.getByLabel('Initiative').selectOption({ label: 'Search ranking' });
  await form.getByRole('button', { name: 'Add change' }).click();
  await page.getByText('Added as change 1.').waitFor();
  // 2. GPU spend down 20% all year.
  await form.getByLabel('Add', { exact: true }).selectOption({ label: 'Change spend' });
  await form.getByLabel('Category').selectOption('compute');
  await form.getByLabel('From').fill(`${year}-01`);
  await form.getByLabel('Change', { exact: true }).fill('-20%');
  await form.getByRole('button', { name: 'Add change' }).click();
  await page.getByText('Added as change 2.').waitFor();
  // A bad change is refused with the field at fault, and nothing is added.
  await form.getByLabel('Add', { exact: true }).selectOption({ label: 'Hire' });
  await form.getByLabel('Role').selectOption({ label: 'ML engineer' });
  await form.getByLabel('How many').fill('lots');
  await form.getByLabel('From').fill(`${year}-05`);
  await form.getByRole('button', { name: 'Add change' }).click();
  await page.getByRole('alert').filter({ hasText: 'count: `lots` is not a number of people' }).waitFor();
  await form.getByLabel('Add', { exact: true }).selectOption({ label: 'Stop an initiative' });
  await form.getByLabel('Initiative').selectOption({ label: 'Churn prediction' });
  // 3. Churn prediction stops in July.
  await form.getByLabel('First month stopped').fill(`${year}-07`);
  await form.getByRole('button', { name: 'Add change' }).click();
  await page.getByText('Added as change 3.').waitFor();

  // The table shows the core's figures for the scenario beside the baseline.
  const core = await cli(session.db, 'scenario', 'show', 'Board plan', '--period', year, '--json', '--explain');
  assert.equal(core.changes.length, 3);
  const table = page.getByRole('region', { name: `${year} against the baseline` });
  const landing = table.getByRole('row', { name: /^Landing/ });
  await eventually(async () => {
    const cells = await landing.locator('td').allInnerTexts();
    assert.equal(cells[0], compact(core.baseline.landing_minor));
    assert.ok(cells[1].startsWith(compact(core.scenario.landing_minor)), `${cells[1]} starts with the scenario landing ${compact(core.scenario.landing_minor)} (${core.scenario.landing_minor})`);
  });
  const budget = await table.getByRole('row', { name: /^Budget/ }).locator('td').first().innerText();
  assert.equal(budget, core.baseline.budget_set ? compact(core.baseline.budget_minor) : 'None set', 'no budget set is not $0');
  const changes = page.getByRole('region', { name: 'Board plan' }).locator('tbody tr');
  await eventually(async () => assert.equal(await changes.count(), 3));
  assert.match(await changes.nth(0).innerText(), /\+\$/, 'the hires add cost');
  await screenshot(page, 'planning-board-plan');

  // The charts under the table come from the core: the spend view names every column, the
  // waterfall explains the chosen scenario's three changes.
  const charts = page.getByRole('region', { name: 'Charts' });
  await charts.locator('svg text', { hasText: `Scenarios: cumulative spend vs budget, ${year}` }).waitFor();
  await charts.getByRole('button', { name: 'What each change adds' }).click();
  await charts.locator('svg text', { hasText: `Board plan, change by change, ${year}` }).waitFor();
  const waterfall = await cli(session.db, 'chart', 'scenario-compare', '--scenarios', 'Board plan', '--view', 'changes', '--period', year, '--out', join(session.dir, 'waterfall.svg'));
  assert.match(String(waterfall), /Board plan, change by change/);
  assert.match(readFileSync(join(session.dir, 'waterfall.svg'), 'utf8'), /change 1 \(Hire 3 ML engineer from Mar \d{4} on Search ranking\) \+\$/);
  await screenshot(page, 'planning-waterfall');

  // Export the scenario for a colleague: browser mode downloads the file.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download “Board plan”' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'board-plan.json');
  const file = join(session.dir, 'board-plan.json');
  await download.saveAs(file);
  await page.getByText('Downloaded board-plan.json (3 changes).').waitFor();
  const written = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(written.format, 'mlops-portfolio.scenario');
  assert.deepEqual(written.changes.map((c) => c.kind), ['hire', 'spend', 'initiative_stop']);

  // The colleague's copy comes back as an upload: the same name is refused, a renamed one imports.
  await page.locator('#import-file').setInputFiles(file);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Board plan' }).waitFor();
  const renamed = { ...written, name: 'Board plan (colleague)' };
  await page.locator('#import-file').setInputFiles({ name: 'colleague.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(renamed)) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText('Imported “Board plan (colleague)” with 3 changes.').waitFor();
  await page.getByRole('button', { name: 'Board plan', exact: true }).click();
  await page.getByRole('heading', { name: 'Board plan', exact: true }).waitFor();

  // Apply it, after a second click: the hires are open requisitions now.
  const before = (await cli(session.db, 'list', 'requisition', '--json')).length;
  await page.getByRole('button', { name: 'Apply to the portfolio…' }).click();
  await page.getByRole('button', { name: 'Yes, write these changes' }).click();
  await page.getByText(/^Applied: \d+ records written and \d+ rows of planned spend/).waitFor();
  const requisitions = await cli(session.db, 'list', 'requisition', '--json');
  assert.equal(requisitions.length, before + 3, 'three requisitions for the three hires');
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
