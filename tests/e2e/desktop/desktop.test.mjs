// End-to-end test of the real desktop binary: Xvfb + tauri-driver + WebKitWebDriver, driven over
// plain W3C WebDriver. Builds a demo portfolio with the CLI, checks the Overview shows it, creates an
// initiative through the UI and checks the CLI sees it in the same file, checks that file paths
// offer the native file dialog (Browse…), builds a scenario of three changes on the Planning
// page, compares it with the baseline and exports it, shows the KPI scorecard and a model's
// fully loaded cost as the core computes them, and completes a new model's governance checklist
// and sign-off in its panel so that it goes to production through the gate.
//
//   node --test tests/e2e/desktop/        (see README.md)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ELEMENT, sleep, xpathLiteral } from './lib/webdriver.mjs';
import { useDesktopApp } from './lib/app.mjs';

describe('desktop app', { timeout: 300_000 }, () => {
  let summary;
  const app = useDesktopApp({
    prepare: ({ cli }) => {
      cli('demo');
      summary = JSON.parse(cli('summary', '--json'));
      assert.ok(summary.overbooked.length > 0, 'the demo has an overbooked person');
    },
  });
  const { step, screenshot } = app;

  test('the Overview shows the demo portfolio', async () => {
    const { session } = app;
    await step('overview', async () => {
      const attention = await session.waitFor(
        "//section[@aria-labelledby='attention-title']//h2[normalize-space()='Needs attention']",
        { timeoutMs: 30_000 },
      );
      assert.equal(await session.text(attention), 'Needs attention');
      const person = summary.overbooked[0].name;
      const item = await session.waitFor(
        `//section[@aria-labelledby='attention-title']//li[contains(normalize-space(), ${xpathLiteral(person)})]`,
      );
      assert.match(await session.text(item), new RegExp(person));
      // The window title bar is not part of the page; the page's own title is.
      assert.equal(await session.execute('return document.readyState'), 'complete');
      await screenshot('01-overview');
    });
  });

  test('a new initiative made in the UI is in the file the CLI reads', async () => {
    const { session } = app;
    const name = `E2E initiative ${process.pid}-${Date.now()}`;
    const owner = 'Desktop Robot';
    const start = '2027-02';
    await step('create-initiative', async () => {
      await session.click(await session.waitFor("//nav[@aria-label='Pages']//a[@href='#/initiatives']"));
      await session.waitFor("//main//h1[normalize-space()='Initiatives'] | //h1[normalize-space()='Initiatives']");
      // The figures line appears when the list has loaded and moves the header: click after it.
      await session.waitFor("//p[contains(@class, 'sub') and contains(., ' to date')]");
      await session.click(await session.waitFor("//button[normalize-space()='New initiative']"));
      const form = await session.waitFor("//dialog[@open and .//h2[normalize-space()='New initiative']]//form");

      /** The form control labelled `label` (the label's own text, without the required marker). */
      const field = async (label) => {
        const labelEl = await session.waitFor(`.//label[normalize-space(text())=${xpathLiteral(label)}]`, { parent: form });
        const id = await session.attribute(labelEl, 'for');
        assert.ok(id, `label ${label} points at a control`);
        return session.waitFor(`//*[@id=${xpathLiteral(id)}]`);
      };
      const nameInput = await field('Name');
      await session.type(nameInput, name);
      await session.type(await field('Owner'), owner);
      const startInput = await field('Start month');
      await session.clear(startInput);
      await session.type(startInput, start);
      const status = await field('Status');
      await session.click(status);
      await session.click(await session.waitFor(".//option[normalize-space()='Active']", { parent: status }));
      // The typed text went through Svelte's bindings, not just into the DOM.
      assert.equal(await session.execute('return arguments[0].value', { [ELEMENT]: nameInput }), name);
      await screenshot('02-new-initiative-form');

      await session.click(await session.waitFor(".//button[@type='submit' and normalize-space()='Create initiative']", { parent: form }));
      // Saved: the app opens the new initiative at #/initiatives/<id>.
      const url = await session.until(async () => {
        const u = await session.url();
        return /#\/initiatives\/\d+$/.test(u) ? u : null;
      }, 'the new initiative to open');
      await session.waitFor(`//h1[contains(normalize-space(), ${xpathLiteral(name)})]`);
      await sleep(300); // let the detail page finish its first render for the screenshot
      await screenshot('03-initiative-created');

      const listed = JSON.parse(app.cli('list', 'initiative', '--json'));
      const created = listed.find((r) => r.fields.name === name);
      assert.ok(created, `the CLI lists ${name}; it lists ${listed.map((r) => r.fields.name).join(', ')}`);
      assert.equal(url.split('/').pop(), String(created.id), 'the UI opened the record the CLI sees');
      assert.equal(created.fields.owner, owner);
      assert.equal(created.fields.start, start);
      assert.equal(created.fields.status, 'active');
      assert.equal(created.fields.priority, 3, 'the form default priority');
      assert.equal(listed.length, summary.initiatives + 1);
    });
  });

  test('file paths offer the system file dialog in the desktop app', async () => {
    const { session } = app;
    await step('browse-buttons', async () => {
      await session.click(await session.waitFor("//nav[@aria-label='Pages']//a[@href='#/settings']"));
      await session.waitFor("//h1[normalize-space()='Settings']");
      // Browser mode has no such button; the shell's file pickers are connected here.
      for (const title of ['Back up the portfolio to', 'Choose the backup to restore', 'Export the portfolio as a workbook']) {
        await session.waitFor(`//button[@aria-label=${xpathLiteral(`Browse: ${title}`)} and normalize-space()='Browse…']`);
      }
      await session.click(await session.waitFor("//nav[@aria-label='Pages']//a[@href='#/import']"));
      await session.waitFor("//button[@aria-label='Browse: Choose the file to import']");
      await screenshot('04-import-browse');
    });
  });

  test('a scenario of three changes is compared with the baseline and exported', async () => {
    const { session } = app;
    const year = String(Number(summary.period.key) + 1);
    const name = 'Desk plan';
    /** The control inside the change form labelled `label` (labels wrap their controls there). */
    const control = (label) =>
      session.waitFor(`//form[@aria-label='Add a change']//label[span[normalize-space()=${xpathLiteral(label)}]]/*[self::select or self::input]`);
    const choose = async (select, option) => {
      await session.click(select);
      await session.click(await session.waitFor(`.//option[normalize-space()=${xpathLiteral(option)}]`, { parent: select }));
    };
    // WebKitGTK draws <input type=month> as segments that do not take typed `2027-03`; a person
    // picks the month there, the test sets it as the control's value.
    const setMonth = async (label, month) => {
      const input = await control(label);
      await session.execute(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
        { [ELEMENT]: input },
        month,
      );
    };
    const add = async (position) => {
      await session.click(await session.waitFor("//form[@aria-label='Add a change']//button[normalize-space()='Add change']"));
      await session.waitFor(`//p[normalize-space()=${xpathLiteral(`Added as change ${position}.`)}]`);
    };
    await step('planning', async () => {
      await session.click(await session.waitFor("//nav[@aria-label='Pages']//a[@href='#/planning']"));
      await session.waitFor("//h1[normalize-space()='Planning']");
      await choose(await session.waitFor("//select[@id='plan-period']"), year);
      await session.type(await session.waitFor("//input[@id='new-scenario']"), name);
      await session.click(await session.waitFor("//form[@aria-label='New scenario']//button[@type='submit']"));
      await session.waitFor(`//h2[normalize-space()=${xpathLiteral(name)}]`);

      // 1. Three ML engineers on Search ranking from March.
      await choose(await control('Role'), 'ML engineer');
      await session.type(await control('How many'), '3');
      await setMonth('From', `${year}-03`);
      await choose(await control('Initiative'), 'Search ranking');
      await add(1);
      // 2. Compute spend down 20% all year.
      await choose(await session.waitFor("//select[@id='change-kind']"), 'Change spend');
      await choose(await control('Category'), 'compute');
      await setMonth('From', `${year}-01`);
      await session.type(await control('Change'), '-20%');
      await add(2);
      // 3. Churn prediction stops in July.
      await choose(await session.waitFor("//select[@id='change-kind']"), 'Stop an initiative');
      await choose(await control('Initiative'), 'Churn prediction');
      await setMonth('First month stopped', `${year}-07`);
      await add(3);

      // The figures table shows the core's landing for the baseline and the scenario.
      const core = JSON.parse(app.cli('scenario', 'show', name, '--period', year, '--json'));
      const compact = (minor) =>
        new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1, minimumFractionDigits: 0 }).format(minor / 100);
      const landing = "//section[@aria-labelledby='compare-title']//tr[th[normalize-space()='Landing']]/td";
      await session.until(async () => {
        const cells = await session.findAll(landing);
        if (cells.length < 2) return false;
        const [base, scenario] = [await session.text(cells[0]), await session.text(cells[1])];
        return base === compact(core.baseline.landing_minor) && scenario.startsWith(compact(core.scenario.landing_minor));
      }, `the Landing row to show ${compact(core.baseline.landing_minor)} and ${compact(core.scenario.landing_minor)}`);
      assert.notEqual(core.delta.landing_minor, 0, 'the three changes move the landing');
      // The chart under it is the backend's scenario-compare chart.
      await session.waitFor(`//section[@aria-labelledby='chart-title']//*[local-name()='text' and contains(., ${xpathLiteral(`Scenarios: cumulative spend vs budget, ${year}`)})]`, { timeoutMs: 30_000 });
      await screenshot('07-planning');

      // Export the scenario file by typing its path (the Browse… button opens the system dialog).
      const file = path.join(app.tmp, 'desk-plan.json');
      await session.type(await session.waitFor("//input[@id='export-path']"), file);
      await session.click(await session.waitFor("//form[@aria-label='Export the scenario']//button[@type='submit']"));
      await session.waitFor(`//p[normalize-space()=${xpathLiteral(`Wrote ${file} (3 changes).`)}]`);
      const written = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(written.format, 'mlops-portfolio.scenario');
      assert.deepEqual(written.changes.map((c) => c.kind), ['hire', 'spend', 'initiative_stop']);
    });
  });

  test("the scorecard and a model's cost show the core's figures", async () => {
    const { session } = app;
    const card = JSON.parse(app.cli('kpi', 'scorecard', '--json'));
    const costs = JSON.parse(app.cli('cost', 'models', '--json'));
    await step('scorecard', async () => {
      await session.click(await session.waitFor("//nav[@aria-label='Pages']//a[@href='#/scorecard']"));
      await session.waitFor("//h1[normalize-space()='KPI scorecard']");
      const worst = card.rows[0];
      assert.equal(worst.status, 'red', 'the core puts a red KPI first');
      const first = await session.waitFor("(//button[starts-with(@id, 'sc-row-')])[1]", { timeoutMs: 30_000 });
      await session.until(async () => (await session.text(first)).includes(worst.name), `the first row to be ${worst.name}`);
      assert.match(await session.text(first), new RegExp(worst.value_text.replace('.', '\\.')));
      await screenshot('08-scorecard');
    });
    await step('model-cost', async () => {
      const top = costs.models[0];
      const whole = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0, minimumFractionDigits: 0 });
      await session.execute(`location.hash = '#/models/${top.model_id}'`);
      await session.waitFor(
        `//section[@aria-label='Fully loaded cost']//strong[normalize-space()=${xpathLiteral(whole.format(Math.round(top.total_minor / 100)))}]`,
        { timeoutMs: 30_000 },
      );
      await screenshot('09-model-cost');
    });
  });

  test("a model's checklist is completed and signed off in the app, and it goes to production", async () => {
    const { session } = app;
    const name = 'churn-lite';
    app.cli(
      'add', 'model', `name=${name}`, 'stage=staging', 'risk_tier=low', 'owner=Lee', 'purpose=none',
      'decides_about_people=no', 'interacts_with_people=no', 'generates_content=no', 'ai_act_role=provider',
      'data_categories=sales',
    );
    const id = JSON.parse(app.cli('show', 'model', name, '--json')).id;
    const controls = JSON.parse(app.cli('governance', 'checklist', name, '--json'));
    assert.equal(controls.length, 5, 'a minimal-risk model has 5 controls');
    const panel = "//aside[@aria-label='Model details']";
    const governance = `${panel}//section[@aria-label='Governance']`;
    const gate = `${governance}//*[@data-testid='gate']`;
    const gateSays = (words) =>
      session.until(async () => (await session.text(await session.waitFor(gate))) === words, `the gate line to say "${words}"`);
    /** The checklist's button of the control titled `title` (its name starts with the title). */
    const control = (title) => `${governance}//ul[@aria-label='Checklist']//button[starts-with(normalize-space(), ${xpathLiteral(title)})]`;
    const choose = async (select, option) => {
      await session.click(select);
      await session.click(await session.waitFor(`.//option[normalize-space()=${xpathLiteral(option)}]`, { parent: select }));
    };

    await step('governance', async () => {
      await session.execute(`location.hash = '#/models/${id}'`);
      // The panel of the model shown before may still be up: wait for this model's own.
      // (WebKitWebDriver calls the panel's one-line, ellipsised heading not displayed: it is only found.)
      await session.until(
        async () => (await session.findAll(`${panel}//h2[normalize-space()=${xpathLiteral(name)}]`)).length === 1,
        `the panel to be ${name}'s`,
        30_000,
      );
      await session.waitFor(gate, { timeoutMs: 30_000 });
      assert.equal(await session.text(await session.waitFor(`${governance}//*[@data-testid='risk-class']`)), 'EU AI Act: minimal risk');
      await gateSays('Before production: 5 controls open, sign-off 0 of 1.');

      for (const [i, row] of controls.entries()) {
        await session.click(await session.waitFor(control(row.title)));
        const form = await session.waitFor(`//form[@aria-label=${xpathLiteral(`Set ${row.title}`)}]`);
        if (i === 0) {
          // The desktop app attaches files through the system dialog (not opened here), not a file input.
          await session.waitFor(".//button[normalize-space()='Attach a file…']", { parent: form });
          assert.deepEqual(await session.findAll(".//input[@type='file']", form), [], 'no browser file input in the desktop app');
        }
        await choose(await session.waitFor(".//label[starts-with(normalize-space(), 'Status')]/select", { parent: form }), 'Done');
        const link = await session.waitFor(".//label[starts-with(normalize-space(), 'or a link')]/input", { parent: form });
        await session.type(link, `https://wiki.example.com/governance/${name}/${row.control}`);
        await session.click(await session.waitFor(".//button[@type='submit' and normalize-space()='Save']", { parent: form }));
        await session.waitFor(`${control(row.title)}//span[normalize-space()='Done']`);
      }
      await gateSays('Before production: sign-off 0 of 1.');
      const checklist = JSON.parse(app.cli('governance', 'checklist', name, '--json'));
      for (const row of checklist) {
        assert.equal(row.status, 'done', row.control);
        assert.deepEqual(row.evidence, { kind: 'link', value: `https://wiki.example.com/governance/${name}/${row.control}`, sha256: null, size: null });
      }

      const signoff = `${governance}//form[@aria-label='Sign off']`;
      await session.type(await session.waitFor(`${signoff}//label[starts-with(normalize-space(), 'Approver')]/input`), 'Ana Pereira');
      await session.click(await session.waitFor(`${signoff}//button[@type='submit' and normalize-space()='Sign off']`));
      await gateSays('Ready for production: every control is closed and signed off.');
      await session.waitFor(`${governance}//li[starts-with(normalize-space(), 'Ana Pereira')]`);
      const check = JSON.parse(app.cli('governance', 'gate', name, '--json'));
      assert.equal(check.passes, true, `the gate passes: ${JSON.stringify(check)}`);
      assert.deepEqual(check.approvers, ['Ana Pereira']);
      // Clicking Sign off scrolled the panel to it; show the section from its top-left corner.
      await session.execute(
        "arguments[0].scrollIntoView({ block: 'start' }); arguments[0].parentElement.scrollLeft = 0;",
        { [ELEMENT]: await session.waitFor(governance) },
      );
      await screenshot('10-governance');

      // Promoted in the panel's record form: the backend lets it through now.
      await session.click(await session.waitFor(`${panel}//button[normalize-space()='Edit']`));
      const stageLabel = await session.waitFor(`${panel}//form//label[starts-with(normalize-space(), 'Stage')]`);
      await choose(await session.waitFor(`//*[@id=${xpathLiteral(await session.attribute(stageLabel, 'for'))}]`), 'Production');
      await session.click(await session.waitFor(`${panel}//button[@type='submit' and normalize-space()='Save changes']`));
      await session.waitFor(`${panel}//button[normalize-space()='Edit']`);
      await session.until(
        () => JSON.parse(app.cli('show', 'model', name, '--json')).fields.stage === 'production',
        'the file to hold the model in production',
      );
      const governed = JSON.parse(app.cli('governance', 'summary', '--json')).models.find((m) => m.model === name);
      assert.equal(governed.stage, 'production');
      assert.equal(governed.flag, null, 'promoted through the gate: no flag');
      assert.equal(JSON.parse(app.cli('audit', 'verify', '--json')).ok, true);
    });
  });
});
