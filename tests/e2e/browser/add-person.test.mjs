// Issue 3: a person added with the Team page's form, on a portfolio with roles and no people, is
// listed on the Team page at once and is in the file the CLI reads, with the role chosen by name.

import assert from 'node:assert/strict';
import { browserTest, cellTexts, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

const session = useSession({
  prepare: async (db) => {
    await cli(db, 'init', '--currency', 'USD');
    await cli(db, 'add', 'role', 'name=Data scientist', 'base_salary=150,000', 'loaded_annual_cost=195,000');
    await cli(db, 'add', 'role', 'name=ML engineer', 'base_salary=160,000', 'loaded_annual_cost=210,000.50');
  },
});

browserTest(session, 'add-person', 'a person added with the form is listed on the Team page and stored', async () => {
  const { page } = session;
  await openPage(page, '#/team', 'Team');
  const list = page.getByRole('grid', { name: 'People' });
  await list.getByText('No one matches.').waitFor();

  await page.getByRole('button', { name: 'New person' }).click();
  const dialog = page.getByRole('dialog', { name: 'New person' });
  // Every field is reached by its label; the role is chosen by name.
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Ada <b>Lovelace</b>');
  await dialog.getByRole('textbox', { name: 'Email' }).fill('not-an-email');
  await dialog.getByRole('combobox', { name: 'Role' }).selectOption({ label: 'ML engineer' });
  await dialog.getByRole('textbox', { name: 'Location' }).fill('London');
  await dialog.getByRole('textbox', { name: 'Start month' }).fill('2026-01');
  await dialog.getByRole('button', { name: 'Add person' }).click();

  // The backend refuses the email: its message is shown beside the Email field, and nothing is written.
  const email = dialog.getByRole('textbox', { name: 'Email' });
  await eventually(async () => assert.equal(await email.getAttribute('aria-invalid'), 'true', 'the email field is marked invalid'));
  const describedBy = await email.getAttribute('aria-describedby');
  const message = await page.locator(`[id="${describedBy.split(' ')[0]}"]`).innerText();
  assert.match(message, /validation/);
  assert.match(message, /not-an-email/, 'the backend names the value it refused');
  await screenshot(page, 'add-person-error');
  assert.deepEqual(await cli(session.db, 'list', 'person', '--json'), [], 'nothing is written while the form has an error');

  await email.fill('ada@example.com');
  await dialog.getByRole('button', { name: 'Add person' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('status').filter({ hasText: 'Added “Ada <b>Lovelace</b>”' }).waitFor();

  const row = list.getByRole('row').filter({ hasText: 'Ada <b>Lovelace</b>' });
  await eventually(async () => assert.equal(await row.count(), 1, 'the new person is listed once'));
  const cells = await cellTexts(row);
  assert.deepEqual(cells.slice(0, 5), ['Ada <b>Lovelace</b>', 'ML engineer', 'London', 'Jan 2026', '$210,001'], 'name as text, role by name, loaded cost of the role');

  const stored = await cli(session.db, 'list', 'person', '--json');
  const roles = await cli(session.db, 'list', 'role', '--json');
  assert.equal(stored.length, 1, 'exactly one person is in the file');
  assert.deepEqual(
    stored[0].fields,
    {
      name: 'Ada <b>Lovelace</b>',
      email: 'ada@example.com',
      role_id: roles.find((r) => r.fields.name === 'ML engineer').id,
      location: 'London',
      start: '2026-01',
      end: null,
    },
    'the file holds what the form said',
  );
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
