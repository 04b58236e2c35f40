// Issue 3, test 3: a budgets CSV with one bad row, previewed on the Import page, shows the file,
// row, column and value of the problem, cannot be imported, and writes nothing. The same file
// once fixed does import, so the "nothing written" check is one that can fail.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserTest, cli, eventually, openPage, screenshot, tempDir, useSession } from './lib/harness.mjs';

const session = useSession({
  prepare: async (db) => {
    await cli(db, 'init', '--currency', 'USD');
    await cli(db, 'add', 'initiative', 'name=Fraud detection', 'status=active', 'priority=1', 'start=2026-01');
    await cli(db, 'add', 'budget', 'initiative=Fraud detection', 'month=2026-01', 'category=compute', 'amount=42,000');
  },
});

const header = 'initiative,month,category,amount,currency';
const good = ['Fraud detection,2026-03,compute,"1,500.00",USD', 'Fraud detection,2026-05,storage,200,USD'];
const bad = 'Fraud detection,2026-04,compute,12.5O,USD';

async function budgetLines() {
  return (await cli(session.db, 'list', 'budget', '--json')).length;
}

browserTest(session, 'import-bad-csv', 'a bad CSV row is reported with file, row, column and value, and nothing is written', async () => {
  const { page } = session;
  const dir = tempDir('mlops-e2e-csv-');
  const file = join(dir, 'budgets-2026.csv');
  // Row 1 is the header, so the bad line is row 3.
  writeFileSync(file, [header, good[0], bad, good[1], ''].join('\n'));
  const before = await budgetLines();
  assert.equal(before, 1, 'the portfolio starts with its one budget line');

  await openPage(page, '#/import', 'Import');
  await page.getByRole('radio', { name: /^Budgets \(CSV\)/ }).check();
  await page.getByRole('textbox', { name: 'Path of the file on this machine' }).fill(file);
  await page.getByRole('button', { name: 'Preview' }).click();

  const problems = page.getByRole('region', { name: 'Problems' });
  await problems.waitFor();
  assert.match(await problems.innerText(), /budgets-2026\.csv/, 'the problem list names the file');
  const rows = problems.getByRole('row');
  await eventually(async () => assert.equal(await rows.count(), 2, 'a header row and one problem'));
  const cells = (await rows.nth(1).getByRole('cell').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(cells.slice(0, 3), ['3', 'amount', '12.5O'], 'row, column and value of the bad cell');
  assert.match(cells[3] ?? '', /is not a number/, 'the problem says what is wrong');
  assert.equal(
    await page.getByRole('button', { name: /^Import/ }).isDisabled(),
    true,
    'a file with problems cannot be imported',
  );
  await page.getByText('nothing has been written').waitFor();
  assert.equal(await budgetLines(), before, 'previewing a bad file writes no budget line');
  await screenshot(page, 'import-bad-csv-problems');

  // Fixed, the same file imports its three rows: the count above would have seen a write.
  writeFileSync(file, [header, good[0], bad.replace('12.5O', '12.50'), good[1], ''].join('\n'));
  await page.getByRole('button', { name: 'Preview' }).click();
  const importButton = page.getByRole('button', { name: 'Import 3 rows' });
  await importButton.waitFor();
  await page.getByRole('region', { name: 'Problems' }).waitFor({ state: 'detached' });
  assert.equal(await budgetLines(), before, 'a clean preview writes nothing either');
  await importButton.click();
  await page.getByRole('status', { name: 'Import finished' }).waitFor();
  assert.equal(await budgetLines(), before + 3, 'the fixed file adds its three lines');
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
