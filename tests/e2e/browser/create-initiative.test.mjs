// Issue 3, test 1: an initiative created through the form on a fresh portfolio shows in the
// Initiatives list and is in the file.

import assert from 'node:assert/strict';
import { browserTest, cli, eventually, openPage, useSession } from './lib/harness.mjs';

const session = useSession({ prepare: (db) => cli(db, 'init', '--currency', 'USD') });

browserTest(session, 'create-initiative', 'an initiative created with the form is listed and stored', async () => {
  const { page } = session;
  await openPage(page, '#/initiatives', 'Initiatives');
  const list = page.getByRole('grid', { name: 'Initiatives with budget, actual and variance' });
  await list.getByText('No initiative matches.').waitFor();
  assert.deepEqual(await cli(session.db, 'list', 'initiative', '--json'), [], 'a fresh portfolio has no initiatives');

  await page.getByRole('button', { name: 'New initiative' }).click();
  const form = page.getByRole('dialog', { name: 'New initiative' });
  await form.getByRole('textbox', { name: 'Name' }).fill('Claims triage');
  // Owner offers the team's names but takes any text.
  await form.getByRole('combobox', { name: 'Owner' }).fill('Ana Ruiz');
  await form.getByRole('combobox', { name: 'Status' }).selectOption('active');
  await form.getByRole('textbox', { name: 'Priority' }).fill('2');
  await form.getByRole('textbox', { name: 'Start month' }).fill('2026-02');
  await form.getByRole('button', { name: 'Create initiative' }).click();

  // Saving opens the new initiative; the list is one click away.
  await page.getByRole('heading', { level: 1, name: 'Claims triage' }).waitFor();
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Initiatives' }).click();
  await page.getByRole('heading', { level: 1, name: 'Initiatives' }).waitFor();
  const row = list.getByRole('row').filter({ has: page.getByRole('link', { name: 'Claims triage', exact: true }) });
  await eventually(async () => assert.equal(await row.count(), 1, 'the new initiative is listed once'));
  const cells = (await row.getByRole('gridcell').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(cells.slice(0, 4), ['Claims triage', 'Active', 'Ana Ruiz', '2'], 'name, status, owner and priority as entered');

  const stored = await cli(session.db, 'list', 'initiative', '--json');
  assert.equal(stored.length, 1, 'exactly one initiative is in the file');
  assert.deepEqual(
    {
      name: stored[0].fields.name,
      owner: stored[0].fields.owner,
      status: stored[0].fields.status,
      priority: stored[0].fields.priority,
      start: stored[0].fields.start,
      end: stored[0].fields.end,
    },
    { name: 'Claims triage', owner: 'Ana Ruiz', status: 'active', priority: 2, start: '2026-02', end: null },
    'the file holds what the form said',
  );
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
