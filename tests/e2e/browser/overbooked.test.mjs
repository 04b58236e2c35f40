// Issue 3, test 4: the person the demo overbooks on purpose (140% this month) is flagged on the
// Overview and in the Team allocation matrix, and no one else is.

import assert from 'node:assert/strict';
import { browserTest, cellTexts, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

let summary;
const session = useSession({
  prepare: async (db) => {
    await cli(db, 'init', '--currency', 'USD');
    await cli(db, 'demo');
    summary = await cli(db, 'summary', '--json');
  },
});

browserTest(session, 'overbooked', 'the overbooked person is flagged on the Overview and in the allocation matrix', async () => {
  const { page } = session;
  assert.equal(summary.overbooked.length, 1, 'the small demo overbooks one person');
  const { name, percent } = summary.overbooked[0];
  assert.equal(percent, 140, 'the demo books them at 140%');

  await openPage(page, '#/', 'Overview');
  const attention = page.getByRole('region', { name: 'Needs attention' });
  const flag = attention.getByRole('link', { name: new RegExp(`^${name} is booked at 140%`) });
  await flag.waitFor();
  const flagged = await attention.getByRole('link', { name: /is booked at/ }).allInnerTexts();
  assert.equal(flagged.length, 1, `only ${name} is flagged as booked over 100%: ${flagged.join(' | ')}`);
  await page.getByRole('region', { name: 'Headcount' }).getByText(/^1 overbooked in /).waitFor();
  await screenshot(page, 'overbooked-overview');

  // The flag leads to the allocation matrix, narrowed to that person.
  await flag.click();
  await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
  assert.equal(await page.getByRole('tab', { name: /^Allocation/ }).getAttribute('aria-selected'), 'true', 'the Allocation tab is open');
  const matrix = page.getByRole('grid', { name: /^Allocation matrix, person by initiative, in / });
  const personRow = matrix.getByRole('row').filter({ has: page.getByRole('gridcell', { name, exact: true }) });
  await eventually(async () => assert.equal(await personRow.count(), 1, `${name} has a row`));
  const total = personRow.getByRole('gridcell', { name: '140% (overbooked)', exact: true });
  assert.equal(await total.count(), 1, 'the Total cell reads "140% (overbooked)" to assistive technology');
  assert.equal((await cellTexts(personRow))[1], await total.innerText(), 'and it is the Total column, the second');
  assert.equal(await personRow.getAttribute('aria-selected'), 'true', 'the person the overview named is selected');

  // Everyone in view: flagged exactly when they are the overbooked one.
  await page.getByRole('searchbox', { name: 'Search people' }).fill('');
  await eventually(async () => assert.ok((await matrix.getByRole('row').count()) > 10, 'the whole team is listed again'));
  for (const row of await matrix.getByRole('row').all()) {
    const [person, total] = await cellTexts(row);
    if (person === undefined) continue; // the header row
    assert.equal(total?.endsWith('(overbooked)'), person === name, `${person} at ${total}`);
  }

  await page.getByRole('checkbox', { name: 'Only overbooked' }).check();
  await eventually(async () => {
    const rows = await matrix.getByRole('row').all();
    const people = await Promise.all(rows.slice(1).map(async (r) => (await cellTexts(r))[0]));
    assert.deepEqual(people, [name], 'only the overbooked person remains');
  });
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
