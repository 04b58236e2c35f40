// Issue 3, test 2: budget cells edited with the keyboard alone (type, Enter, arrow, type, Enter)
// are saved, and the row and column totals follow to the exact figure, and so do the initiative's
// header figures; the grid's totals and the header come from the planning core, not from the page.

import assert from 'node:assert/strict';
import { browserTest, cellTexts, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

const YEAR = 2026;
const session = useSession({
  prepare: async (db) => {
    await cli(db, 'init', '--currency', 'USD');
    await cli(db, 'add', 'initiative', 'name=Grid test', 'status=active', 'priority=1', `start=${YEAR}-01`);
    // Lines already there, so the totals must add the new cells to them rather than just show them.
    await cli(db, 'add', 'budget', 'initiative=Grid test', `month=${YEAR}-01`, 'category=compute', 'amount=1,000');
    await cli(db, 'add', 'budget', 'initiative=Grid test', `month=${YEAR}-02`, 'category=storage', 'amount=500');
  },
});

browserTest(session, 'budget-grid', 'keyboard edits in the budget grid update row and column totals', async () => {
  const { page } = session;
  await openPage(page, '#/initiatives/1', 'Grid test');
  await page.getByRole('combobox', { name: 'Year' }).selectOption(String(YEAR));
  const grid = page.getByRole('grid', { name: `Budget of Grid test by category and month, ${YEAR}, in USD` });
  const row = (header) => grid.getByRole('row').filter({ has: page.getByRole('rowheader', { name: header, exact: true }) });
  // Gridcells of a row: Jan … Dec, then the total.
  const FEB = 1;
  const MAR = 2;
  const TOTAL = 12;

  await eventually(async () => assert.equal((await cellTexts(row('Compute')))[0], '$1,000', 'the seeded January line shows'));
  assert.equal((await cellTexts(row('Budget')))[TOTAL], '$1,500', 'the year total before any edit');
  const figures = page.getByRole('definition').filter({ hasText: /\$/ });
  const headerBudget = page.getByRole('term').filter({ hasText: `Budget ${YEAR}` }).locator('xpath=following-sibling::dd');
  assert.equal(await headerBudget.innerText(), '$1.5K', 'the header budget before any edit');
  assert.ok((await figures.count()) >= 4, 'budget, to date, actual and variance are shown');

  // Compute, February: type, Enter (saves and moves down to Storage, February).
  await grid.getByRole('gridcell', { name: `Compute, Feb ${YEAR}: empty` }).click();
  await page.keyboard.type('1250');
  await page.keyboard.press('Enter');
  const storageFeb = grid.getByRole('gridcell', { name: `Storage, Feb ${YEAR}: $500.00` });
  await eventually(async () => assert.ok(await storageFeb.evaluate((el) => el === document.activeElement), 'Enter moved down'));

  // Arrow right to Storage, March; type, Enter.
  await page.keyboard.press('ArrowRight');
  await eventually(async () =>
    assert.ok(
      await grid.getByRole('gridcell', { name: `Storage, Mar ${YEAR}: empty` }).evaluate((el) => el === document.activeElement),
      'ArrowRight moved to March',
    ),
  );
  await page.keyboard.type('300.75');
  await page.keyboard.press('Enter');

  await eventually(async () => {
    const compute = await cellTexts(row('Compute'));
    const storage = await cellTexts(row('Storage'));
    const budget = await cellTexts(row('Budget'));
    assert.equal(compute[FEB], '$1,250', 'the typed Compute, February cell');
    assert.equal(compute[TOTAL], '$2,250', 'Compute row total: 1,000 + 1,250');
    assert.equal(storage[MAR], '$301', 'Storage, March shows whole dollars');
    assert.equal(storage[TOTAL], '$801', 'Storage row total: 500 + 300.75, shown whole');
    assert.equal(budget[FEB], '$1,750', 'February column total: 1,250 + 500');
    assert.equal(budget[MAR], '$301', 'March column total: 300.75');
    assert.equal(budget[TOTAL], '$3,051', 'year total: 1,000 + 1,250 + 500 + 300.75 = 3,050.75');
  });
  await eventually(async () => assert.equal(await headerBudget.innerText(), '$3.1K', 'the header budget follows the edits without a reload'));
  // The cells' accessible names carry the exact amount, cents included.
  await grid.getByRole('gridcell', { name: `Storage, Mar ${YEAR}: $300.75` }).waitFor();
  await grid.getByRole('gridcell', { name: `Compute, Feb ${YEAR}: $1,250.00` }).waitFor();

  const lines = await cli(session.db, 'list', 'budget', '--json');
  const stored = lines
    .map((l) => `${l.fields.category} ${l.fields.month} ${l.fields.amount.minor} ${l.fields.amount.currency}`)
    .sort();
  assert.deepEqual(
    stored,
    [`compute ${YEAR}-01 100000 USD`, `compute ${YEAR}-02 125000 USD`, `storage ${YEAR}-02 50000 USD`, `storage ${YEAR}-03 30075 USD`],
    'the two edits are budget lines in the file, in minor units',
  );

  // Fill right (Ctrl+R) copies January's compute into every later month; Ctrl+Z takes it back whole.
  await grid.getByRole('gridcell', { name: `Compute, Jan ${YEAR}: $1,000.00` }).click();
  await page.keyboard.press('Control+r');
  await eventually(async () => assert.equal((await cellTexts(row('Compute')))[TOTAL], '$12,000', 'twelve months of 1,000'));
  await page.keyboard.press('Control+z');
  await eventually(async () => {
    const compute = await cellTexts(row('Compute'));
    assert.deepEqual([compute[FEB], compute[MAR], compute[TOTAL]], ['$1,250', '', '$2,250'], 'undo restored the row');
  });

  // A 2 × 2 block pasted from a spreadsheet at Vendor, January, in one write.
  await grid.getByRole('gridcell', { name: `Vendor, Jan ${YEAR}: empty` }).click();
  const pasteBlock = (text) =>
    page.evaluate((clip) => {
      const data = new DataTransfer();
      data.setData('text/plain', clip);
      document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
  await pasteBlock('100\t200\r\n300\t400.50\r\n');
  await eventually(async () => {
    assert.deepEqual((await cellTexts(row('Vendor'))).slice(0, 2), ['$100', '$200']);
    assert.deepEqual((await cellTexts(row('Other'))).slice(0, 2), ['$300', '$401']);
  });
  const pasted = (await cli(session.db, 'list', 'budget', '--json')).filter((l) => ['vendor', 'other'].includes(l.fields.category));
  assert.deepEqual(pasted.map((l) => l.fields.amount.minor).sort((a, b) => a - b), [10000, 20000, 30000, 40050]);
  // A word in the block is refused with its place, and nothing changes.
  await pasteBlock('5\nfive');
  await page.getByText('row 2, column 1 of the pasted block').waitFor();
  assert.equal((await cli(session.db, 'list', 'budget', '--json')).length, 8, 'four lines before, four pasted, none from the bad block');
  // The budget-burn chart beside the grid draws the saved budget too, not the one it opened with.
  await page.locator('svg text', { hasText: 'A $4.1K budget for 2026' }).waitFor();
  await screenshot(page, 'budget-grid-pasted');
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
