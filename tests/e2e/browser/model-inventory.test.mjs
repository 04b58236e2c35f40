// Issue 3, test 5: on the large demo (2,000 models), searching the inventory and filtering it by
// stage shows exactly the models that `list model stage=production --json` holds and the search
// matches.

import assert from 'node:assert/strict';
import { browserTest, cellTexts, cli, eventually, openPage, useSession } from './lib/harness.mjs';

// Two words: the search wants every word somewhere in a model's name, description, owner,
// initiative, deployment or data categories; "apac" alone is in a third of the names.
const SEARCH = 'takeover apac';

let production;
let initiativeNames;
let allModels;
const session = useSession({
  // A taller window, so every match is drawn by the virtual table at once.
  viewport: { width: 1440, height: 1400 },
  // The large demo takes about 5 s in a debug build; give it room on a busy machine.
  setupTimeout: 180_000,
  prepare: async (db) => {
    await cli(db, 'init', '--currency', 'USD');
    await cli(db, 'demo', '--scale', 'large');
    production = await cli(db, 'list', 'model', 'stage=production', '--json');
    allModels = (await cli(db, 'list', 'model', '--json')).length;
    initiativeNames = new Map((await cli(db, 'list', 'initiative', '--json')).map((i) => [i.id, i.fields.name]));
  },
});

/** The same fields the inventory's search box looks in, lower-cased. */
function searchText(model) {
  const f = model.fields;
  return [f.name, f.description, f.owner, initiativeNames.get(f.initiative_id), f.deployment, ...(f.data_categories ?? [])]
    .filter((v) => typeof v === 'string')
    .join(' ')
    .toLowerCase();
}

browserTest(session, 'model-inventory', 'search and stage filter show the models the CLI lists', async () => {
  const { page } = session;
  const words = SEARCH.split(' ');
  const expected = production.filter((m) => words.every((w) => searchText(m).includes(w))).map((m) => m.fields.name);
  assert.equal(allModels, 2000, 'the large demo has 2,000 models');
  assert.ok(expected.length > 0 && expected.length < production.length, `the search narrows the list (${expected.length} of ${production.length})`);
  assert.ok(
    expected.length < production.filter((m) => m.fields.name.includes('takeover')).length,
    'the second word narrows it further',
  );

  await openPage(page, '#/models', 'Models');
  const grid = page.getByRole('grid', { name: 'Model inventory' });
  await eventually(async () => assert.equal(await grid.getAttribute('aria-rowcount'), String(allModels + 1), 'all models load'), 30_000);

  await page.getByRole('searchbox', { name: 'Search models' }).fill(SEARCH);
  await page.getByRole('combobox', { name: 'Stage' }).selectOption('production');

  await eventually(async () => {
    assert.equal(await grid.getAttribute('aria-rowcount'), String(expected.length + 1), 'the grid holds a row per match, plus its header');
    const count = page.getByText(new RegExp(`^${expected.length} of 2,000 models match$`));
    assert.equal(await count.count(), 1, `"${expected.length} of 2,000 models match" above the list`);
  });
  const rows = (await grid.getByRole('row').all()).slice(1);
  const shown = await Promise.all(rows.map(async (r) => cellTexts(r)));
  assert.deepEqual(
    shown.map((cells) => cells[0]).sort(),
    [...expected].sort(),
    'the rows drawn are exactly the production models the search matches',
  );
  assert.ok(
    shown.every((cells) => cells[1] === 'Production'),
    'every row shown is in production',
  );

  // The filters live in the address, so a filtered list can be linked to.
  const hash = new URL(page.url()).hash;
  assert.match(hash, /stage=production/, 'the stage filter is in the address');
  assert.match(hash, /q=takeover(\+|%20)apac/, 'the search is in the address');
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
