// How smoothly the Team page's allocation matrix scrolls on the large demo, in headless Chromium:
//   mlops-portfolio --db /tmp/large.db demo --scale large
//   mlops-portfolio --db /tmp/large.db serve --ui ui/dist        # prints the URL
//   node scripts/matrix-scroll.mjs 'http://127.0.0.1:PORT/?token=...'
// Prints, for all initiatives and for one, the time to the first rows, the columns and cells drawn,
// and the time of each of 60 scroll steps of 120 px (two animation frames each, so ~33 ms is the
// floor at 60 Hz). A measurement to read, not a test.
import { chromium } from 'playwright-core';
const url = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
page.on('pageerror', (e) => console.log('page error', e.message));
await page.goto(url);
await page.waitForTimeout(500);
async function measure(label, hash) {
  const t0 = Date.now();
  await page.evaluate((h) => (location.hash = h), hash);
  const grid = page.getByRole('grid', { name: /Allocation matrix/ });
  await grid.getByRole('row').nth(2).waitFor({ timeout: 60000 });
  const t1 = Date.now();
  const cols = await grid.getByRole('columnheader').count();
  const cells = await page.locator('[role=gridcell]').count();
  // Scroll 60 steps of 120px and time each frame.
  const frames = await page.evaluate(async () => {
    const vt = document.querySelector('[role=grid]');
    const times = [];
    for (let i = 0; i < 60; i++) {
      const s = performance.now();
      vt.scrollTop += 120;
      vt.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    return { median: times[30], p95: times[57], max: times[59] };
  });
  console.log(label, { firstRowsMs: t1 - t0, columns: cols, renderedCells: cells, scrollFrameMs: frames });
}
await measure('all initiatives', '#/team?tab=allocation');
await page.evaluate(() => (location.hash = '#/settings'));
await measure('one initiative', '#/team?tab=allocation&initiative=1');
await browser.close();
