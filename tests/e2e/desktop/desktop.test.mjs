// End-to-end test of the real desktop binary: Xvfb + tauri-driver + WebKitWebDriver, driven over
// plain W3C WebDriver. Builds a demo portfolio with the CLI, checks the Overview shows it, creates an
// initiative through the UI and checks the CLI sees it in the same file, and checks that file paths
// offer the native file dialog (Browse…).
//
//   node --test tests/e2e/desktop/        (see README.md)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
});
