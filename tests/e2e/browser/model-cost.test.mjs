// A director defends what each model costs: the inventory's Cost to date column and a model's
// breakdown show the planning core's fully loaded cost (`cost models --json`), part by part with
// each part's rule, and the initiative page says what the initiative is worth (ROI, payback).

import assert from 'node:assert/strict';
import { browserTest, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

const whole = (minor) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(
    Math.round(minor / 100),
  );

let costs;
let values;
const session = useSession({
  viewport: { width: 1440, height: 1000 },
  prepare: async (db) => {
    await cli(db, 'demo');
    costs = await cli(db, 'cost', 'models', '--json');
    values = await cli(db, 'cost', 'value', '--json');
  },
});

browserTest(session, 'model-cost', 'a model shows its fully loaded cost part by part, as the core computes it', async () => {
  const { page } = session;
  const top = costs.models[0];
  const placed = costs.models.reduce((sum, m) => sum + m.total_minor, 0);
  assert.equal(placed + costs.unattributed_minor, costs.total_minor, 'the core places every cent');

  await openPage(page, '#/models?sort=-cost', 'Models');
  const grid = page.getByRole('grid', { name: 'Model inventory' });
  await eventually(async () => {
    const first = grid.getByRole('row').nth(1);
    assert.match(await first.innerText(), new RegExp(top.name), 'sorted by cost, the most expensive model is first');
  });

  await grid.getByRole('row').nth(1).click();
  const detail = page.getByRole('complementary', { name: 'Model details' });
  const cost = detail.getByRole('region', { name: 'Fully loaded cost' });
  await cost.getByText(whole(top.total_minor), { exact: true }).waitFor();
  await cost.getByText(`in ${costs.period.label} to date`).waitFor();
  for (const [label, minor] of [
    ['Infrastructure', top.infra_minor],
    ['People', top.people_minor],
    ['Vendors', top.vendor_minor],
    ['Shared and idle', top.shared_minor],
  ]) {
    const term = cost.locator('dt', { hasText: label });
    await term.waitFor();
    const amount = term.locator('xpath=following-sibling::dd[1]');
    assert.equal((await amount.innerText()).trim(), whole(minor), `${label} is the core's`);
  }
  await cost.getByText('People spend by allocation', { exact: false }).waitFor();
  await screenshot(page, 'model-cost');

  const fraud = values.find((v) => v.name === 'Fraud detection');
  const initiatives = await cli(session.db, 'list', 'initiative', '--json');
  const id = initiatives.find((i) => i.fields.name === 'Fraud detection').id;
  await openPage(page, `#/initiatives/${id}`, 'Fraud detection');
  const worth = page.getByRole('definition').filter({ hasText: `${fraud.roi.toFixed(1)}×` });
  await worth.waitFor();
  await page.getByText(`${fraud.payback_months.toFixed(1)} months`, { exact: true }).waitFor();
  await screenshot(page, 'initiative-value');
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
