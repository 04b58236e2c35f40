// One set of figures: the Overview shows the planning core's numbers for the month and period
// chosen in its picker, the same ones `summary --json` prints, and says the period the same way.

import assert from 'node:assert/strict';
import { browserTest, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

const usd = (minor) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(minor / 100);

const session = useSession({
  prepare: async (db) => {
    await cli(db, 'demo');
  },
});

browserTest(session, 'overview-figures', 'the Overview shows the core figures of the chosen month and period', async () => {
  const { page } = session;
  for (const [asOf, period] of [
    ['2026-03', '2026-Q1'],
    ['2025-06', ''],
  ]) {
    const args = ['summary', '--json', '--as-of', asOf];
    if (period) args.push('--period', period);
    const core = await cli(session.db, ...args);
    await openPage(page, period ? `#/?as_of=${asOf}&period=${period}` : `#/?as_of=${asOf}`, 'Overview');

    // The period is said as the core says it, and each tile's exact figure is the core's.
    await page.getByText(`${core.to_date_words} · amounts in USD`).waitFor();
    const spent = page.getByRole('region', { name: 'Spent to date' }).locator('.value');
    await eventually(async () => assert.equal(await spent.getAttribute('title'), usd(core.actual_to_date_minor), `spent, as of ${asOf}`));
    const budget = page.getByRole('region', { name: `Budget ${core.period.label}` }).locator('.value');
    assert.equal(await budget.getAttribute('title'), usd(core.budget_period_minor), `budget, as of ${asOf}`);
    const headcount = page.getByRole('region', { name: 'Headcount' }).locator('.value');
    assert.equal(await headcount.innerText(), String(core.headcount), `headcount, as of ${asOf}`);

    // The attention list is the core's, in its order.
    const attention = page.getByRole('region', { name: 'Needs attention' });
    await eventually(async () =>
      assert.deepEqual(
        await attention.locator('.text').allInnerTexts(),
        core.attention.slice(0, core.attention_shown).map((item) => item.headline),
        `attention, as of ${asOf}`,
      ),
    );
    // Still the chosen month's figures once every answer is in (none arrives late over them).
    assert.equal(await spent.getAttribute('title'), usd(core.actual_to_date_minor), `spent stays, as of ${asOf}`);
    await screenshot(page, `overview-${asOf}${period ? `-${period}` : ''}`);
  }

  // Today clears the choice: back to this month and its fiscal year.
  await page.getByRole('button', { name: 'Today' }).click();
  const today = await cli(session.db, 'summary', '--json');
  await page.getByText(`${today.to_date_words} · amounts in USD`).waitFor();
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
