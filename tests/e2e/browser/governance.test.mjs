// A model goes to production only through its governance gate: on a fresh portfolio with one minimal-
// risk model, the app refuses to promote it while its 5 controls are open (the backend's words, the
// stage unchanged in the file); the checklist is completed in the model's panel — the first control
// with a file uploaded from the browser (kept beside the portfolio, its size and SHA-256 recorded),
// the others with a link — and signed off by a named approver; the gate then reads Ready, the
// promotion is saved, the core sees no flag, the audit chain verifies, and the Audit log and
// Governance pages show the sign-off and the model.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserTest, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

const MODEL = 'churn-lite';
const APPROVER = 'Ana Pereira';

let modelId;
let controls;
const session = useSession({
  viewport: { width: 1440, height: 1300 },
  prepare: async (db) => {
    await cli(db, 'init');
    await cli(
      db,
      'add',
      'model',
      `name=${MODEL}`,
      'stage=staging',
      'risk_tier=low',
      'owner=Lee',
      'purpose=none',
      'decides_about_people=no',
      'interacts_with_people=no',
      'generates_content=no',
      'ai_act_role=provider',
      'data_categories=sales',
    );
    modelId = (await cli(db, 'show', 'model', MODEL, '--json')).id;
    controls = await cli(db, 'governance', 'checklist', MODEL, '--json');
  },
});

const stageOf = async () => (await cli(session.db, 'show', 'model', MODEL, '--json')).fields.stage;

browserTest(session, 'governance', 'a model reaches production only through its checklist and sign-off', async () => {
  const { page } = session;
  assert.equal(controls.length, 5, 'a minimal-risk model has 5 controls');
  assert.equal(controls[0].control, 'ai-act-4');

  await openPage(page, `#/models/${modelId}`, 'Models');
  const detail = page.getByRole('complementary', { name: 'Model details' });
  const governance = detail.getByRole('region', { name: 'Governance' });
  await eventually(async () => assert.equal((await governance.getByTestId('risk-class').innerText()).trim(), 'EU AI Act: minimal risk'));
  const gate = governance.getByTestId('gate');
  await eventually(async () => assert.equal((await gate.innerText()).trim(), 'Before production: 5 controls open, sign-off 0 of 1.'));

  // Promoting it now is refused by the backend, in its words, and the file keeps it in staging.
  const promote = async () => {
    await detail.getByRole('button', { name: 'Edit', exact: true }).click();
    await detail.getByLabel(/^Stage/).selectOption({ label: 'Production' });
    await detail.getByRole('button', { name: 'Save changes' }).click();
  };
  await promote();
  const refusal = detail.getByRole('alert').filter({ hasText: 'cannot be promoted to production' });
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /AI literacy of staff/, 'the refusal says what is missing');
  assert.equal(await stageOf(), 'staging', 'the refused promotion changed nothing');
  await screenshot(page, 'governance-refused');
  await detail.getByRole('button', { name: 'Cancel', exact: true }).click();
  await detail.getByRole('button', { name: 'Edit', exact: true }).waitFor();
  await detail.getByText('Staging', { exact: true }).waitFor();

  // The first control, done with a file chosen in the browser and uploaded.
  const checklist = governance.getByRole('list', { name: 'Checklist' });
  const control = (title) => checklist.getByRole('button', { name: new RegExp(`^${title}\\b`) });
  const evidence = Buffer.from('AI literacy training, 2026: 14 of 14 staff trained on the churn model.\n');
  const file = join(session.dir, 'ai-literacy-record.txt');
  writeFileSync(file, evidence);
  const [first, ...others] = controls;
  await control(first.title).click();
  assert.equal(await control(first.title).getAttribute('aria-expanded'), 'true');
  let form = governance.getByRole('form', { name: `Set ${first.title}` });
  await form.getByLabel('Status').selectOption({ label: 'Done' });
  await form.getByLabel('Owner').fill('Lee');
  await form.getByLabel('Attach a file').setInputFiles(file);
  await screenshot(page, 'governance-checklist');
  // The form reads the file as base64 after the change event; give it the moment it needs.
  await page.waitForTimeout(300);
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await form.waitFor({ state: 'detached' });
  await eventually(async () => assert.match(await control(first.title).innerText(), /Done$/));

  const sha256 = createHash('sha256').update(evidence).digest('hex');
  const stored = (await cli(session.db, 'governance', 'checklist', MODEL, '--json')).find((r) => r.control === first.control);
  assert.equal(stored.status, 'done');
  assert.equal(stored.owner, 'Lee');
  assert.equal(stored.evidence.kind, 'file');
  assert.equal(stored.evidence.size, evidence.length);
  assert.equal(stored.evidence.sha256, sha256);
  assert.match(stored.evidence.value, /ai-literacy-record\.txt$/, 'the upload keeps its name');
  assert.ok(stored.evidence.value.startsWith(join(session.dir, 'portfolio.db.evidence')), `kept beside the portfolio: ${stored.evidence.value}`);
  // The panel shows the file and its size under the closed control.
  await checklist.getByText(/ai-literacy-record\.txt \(\d+ B\)/).waitFor();

  // The other four, done with a link each.
  for (const row of others) {
    await control(row.title).click();
    form = governance.getByRole('form', { name: `Set ${row.title}` });
    await form.getByLabel('Status').selectOption({ label: 'Done' });
    await form.getByLabel('or a link').fill(`https://wiki.example.com/governance/${MODEL}/${row.control}`);
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await form.waitFor({ state: 'detached' });
    await eventually(async () => assert.match(await control(row.title).innerText(), /Done$/));
  }
  await eventually(async () => assert.equal((await gate.innerText()).trim(), 'Before production: sign-off 0 of 1.'));
  const after = await cli(session.db, 'governance', 'checklist', MODEL, '--json');
  for (const row of others) {
    const set = after.find((r) => r.control === row.control);
    assert.equal(set.status, 'done', row.control);
    assert.deepEqual(
      { kind: set.evidence.kind, value: set.evidence.value },
      { kind: 'link', value: `https://wiki.example.com/governance/${MODEL}/${row.control}` },
    );
  }

  // The named approver signs off: the gate is open.
  const signoff = governance.getByRole('form', { name: 'Sign off' });
  await signoff.getByLabel('Approver').fill(APPROVER);
  await signoff.getByLabel('Note').fill('Checklist reviewed');
  await signoff.getByRole('button', { name: 'Sign off' }).click();
  await eventually(async () => assert.equal((await gate.innerText()).trim(), 'Ready for production: every control is closed and signed off.'));
  await governance.getByText(APPROVER).waitFor();
  await screenshot(page, 'governance-ready');
  const signoffs = await cli(session.db, 'governance', 'signoffs', MODEL, '--json');
  assert.deepEqual(signoffs.map((s) => [s.approver, s.note, s.current]), [[APPROVER, 'Checklist reviewed', true]]);
  assert.equal((await cli(session.db, 'governance', 'gate', MODEL, '--json')).passes, true);

  // Now the same promotion is saved.
  await promote();
  await detail.getByRole('button', { name: 'Edit', exact: true }).waitFor();
  await eventually(async () => assert.equal(await stageOf(), 'production'));
  await detail.getByText('Production', { exact: true }).waitFor();
  await eventually(async () => assert.equal((await gate.innerText()).trim(), 'In production with every control closed.'));
  const inventory = page.getByRole('grid', { name: 'Model inventory' });
  await eventually(async () => assert.match(await inventory.getByRole('row').nth(1).innerText(), new RegExp(`${MODEL}\\s+Production`)));
  const summary = await cli(session.db, 'governance', 'summary', '--json');
  const governed = summary.models.find((m) => m.model === MODEL);
  assert.equal(governed.stage, 'production');
  assert.equal(governed.flag, null, 'promoted through the gate: no flag');
  assert.equal(governed.closed, 5);
  assert.equal(governed.applicable, 5);
  const verified = await cli(session.db, 'audit', 'verify', '--json');
  assert.equal(verified.ok, true);
  assert.equal(verified.broken, null);
  const audited = await cli(session.db, 'audit', '--entity', 'signoff', '--json');
  assert.equal(audited.length, 1);
  assert.equal(audited[0].after.approver, APPROVER);

  // The audit log, filtered to sign-offs, shows the one given, and says the chain is intact.
  await openPage(page, '#/audit', 'Audit log');
  await eventually(async () => assert.match(await page.getByTestId('chain').innerText(), /^The record is intact\./));
  await page.getByRole('search', { name: 'Filter the audit log' }).getByLabel('Record').selectOption({ label: 'Sign-off' });
  await eventually(async () => assert.match(page.url(), /#\/audit\?(.*&)?entity=signoff/));
  const changes = page.getByRole('table', { name: 'Changes' });
  await eventually(async () => {
    const rows = changes.getByRole('row');
    assert.equal(await rows.count(), 2, 'a header and the one sign-off');
    assert.match(await rows.nth(1).innerText(), new RegExp(`Create\\s+Sign-off 1\\s+model \\d+: ${APPROVER}`));
  });
  await screenshot(page, 'governance-audit');

  // The Governance page lists the model in production, minimal risk, all closed, signed off, unflagged.
  await openPage(page, '#/governance', 'Governance');
  const table = page.getByRole('table', { name: 'Models by framework' });
  const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: MODEL, exact: true }) });
  await eventually(async () => {
    const text = await row.innerText();
    assert.match(text, /Production/);
    assert.match(text, /Minimal risk/);
    assert.match(text, /1 of 1/, 'one approver of the one needed');
    assert.doesNotMatch(text, /Promoted outside the gate|Needs review/);
  });
  await screenshot(page, 'governance-page');

  // The inventory as of a day, replayed from the audit log: yesterday nothing, today the model in production.
  const today = summary.as_of;
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Inventory as of', { exact: true }).fill(yesterday);
  await page.getByText('No model was recorded by then.').waitFor();
  await page.getByLabel('Inventory as of', { exact: true }).fill(today);
  const past = page.getByRole('region', { name: `Inventory as of ${today}` });
  await eventually(async () => assert.match(await past.innerText(), new RegExp(`${MODEL}\\s+Production\\s+Minimal risk\\s+Lee\\s+5 of 5`)));
  const cliRows = await cli(session.db, 'list', 'model', '--as-of', today, '--json');
  assert.equal(cliRows[0].closed, 5);
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});
