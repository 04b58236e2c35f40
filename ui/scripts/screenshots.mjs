// Screenshots of every page, and of each "New …" form open, in headless Chromium against a running
// `mlops-portfolio serve`:
//   node scripts/screenshots.mjs 'http://127.0.0.1:8765/?token=...' /tmp/ui-shots [light|dark] [name prefix]
// Uses Debian's chromium (playwright cannot download browsers here). Prints console errors.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [url, outDir = '/tmp/ui-shots', scheme = 'light', only = ''] = process.argv.slice(2);
if (!url) {
  console.error('usage: node scripts/screenshots.mjs URL [OUT_DIR] [light|dark] [page]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const pages = [
  ['overview', '#/'],
  ['initiatives', '#/initiatives'],
  ['initiative-detail', '#/initiatives/1'],
  ['team', '#/team'],
  ['models', '#/models'],
  ['model-detail', '#/models/1'],
  ['vendors', '#/vendors'],
  ['connections', '#/connections'],
  ['import', '#/import'],
  ['settings', '#/settings'],
  // [name, page, the button that opens a form]
  ['initiatives-new', '#/initiatives', 'New initiative'],
  ['initiative-detail-new-kpi', '#/initiatives/1', 'New KPI'],
  ['team-new-person', '#/team', 'New person'],
  ['team-roles', '#/team?tab=roles'],
  ['team-new-role', '#/team?tab=roles', 'New role'],
  ['team-new-requisition', '#/team?tab=requisitions', 'New requisition'],
  ['team-allocation-one-initiative', '#/team?tab=allocation&initiative=1'],
  ['models-new', '#/models', 'New model'],
  ['model-detail-new-version', '#/models/1', 'New version'],
  ['vendors-new-vendor', '#/vendors', 'New vendor'],
  ['vendors-new-contract', '#/vendors', 'New contract'],
  ['vendors-new-review', '#/vendors', 'New review'],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
const page = await context.newPage();
page.on('console', (m) => m.type() === 'error' && console.log(`console: ${m.text()}`));
page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
await page.goto(url);
for (const [name, hash, opener] of pages) {
  if (only && !name.startsWith(only)) continue;
  // Start from another page so each one mounts afresh (and reads its address).
  await page.evaluate(() => (location.hash = '#/settings'));
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForTimeout(1200);
  if (opener) {
    await page.getByRole('button', { name: opener, exact: true }).click();
    await page.getByRole('dialog', { name: opener }).waitFor();
    await page.waitForTimeout(300);
  }
  const file = `${outDir}/${name}${scheme === 'dark' ? '-dark' : ''}.png`;
  await page.screenshot({ path: file });
  console.log(file);
}
await browser.close();
