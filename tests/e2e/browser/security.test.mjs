// Issue 3, test 6: names made of markup render as text (on the Initiatives page and the overview)
// and run nothing; the server answers 401 without its token; the page talks to 127.0.0.1 only.

import assert from 'node:assert/strict';
import { browserTest, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';

const SCRIPT_NAME = '<script>window.__pwned=1</script>';
const SVG_NAME = '</svg><img src=x onerror=window.__pwned=2>';

const session = useSession({
  prepare: async (db) => {
    await cli(db, 'init', '--currency', 'USD');
    for (const name of [SCRIPT_NAME, SVG_NAME]) {
      await cli(db, 'add', 'initiative', `name=${name}`, 'status=active', 'priority=1', 'start=2026-01');
      // Over budget in a closed month, so the overview names them under "Needs attention".
      await cli(db, 'add', 'budget', `initiative=${name}`, 'month=2026-01', 'category=compute', 'amount=1,000');
      await cli(db, 'add', 'actual', `initiative=${name}`, 'month=2026-01', 'category=compute', 'amount=2,500', 'source=manual');
    }
  },
});

/** Whether any markup from the names made it into the document as elements or ran. */
async function injected(page) {
  return page.evaluate(() => ({
    pwned: typeof window.__pwned,
    inlineScripts: [...document.scripts].filter((s) => !s.src).length,
    images: document.images.length,
  }));
}

browserTest(session, 'security-markup-names', 'initiative names made of markup render as text and run nothing', async () => {
  const { page } = session;
  const stored = (await cli(session.db, 'list', 'initiative', '--json')).map((i) => i.fields.name).sort();
  assert.deepEqual(stored, [SCRIPT_NAME, SVG_NAME].sort(), 'the file holds both names verbatim');

  await openPage(page, '#/initiatives', 'Initiatives');
  const list = page.getByRole('grid', { name: 'Initiatives with budget, actual and variance' });
  for (const name of [SCRIPT_NAME, SVG_NAME]) {
    await list.getByRole('link', { name, exact: true }).waitFor();
  }
  assert.deepEqual(await injected(page), { pwned: 'undefined', inlineScripts: 0, images: 0 }, 'nothing ran on the Initiatives page');
  await screenshot(page, 'security-initiatives');

  await openPage(page, '#/', 'Overview');
  const attention = page.getByRole('region', { name: 'Needs attention' });
  for (const name of [SCRIPT_NAME, SVG_NAME]) {
    await attention.getByRole('link', { name: `${name} is $1.5K over budget`, exact: false }).waitFor();
  }
  // The chart (an SVG) is drawn once the monthly figures are in.
  await page.getByRole('img', { name: /^Budget and actual spend per month/ }).waitFor();
  assert.deepEqual(await injected(page), { pwned: 'undefined', inlineScripts: 0, images: 0 }, 'nothing ran on the overview');
  assert.deepEqual(session.pageErrors, [], 'no script errors on the page');
});

browserTest(session, 'security-token-and-hosts', 'the server wants its token and the page talks to 127.0.0.1 only', async () => {
  const { origin, token } = session.server;
  const call = (path, init = {}) => fetch(`${origin}${path}`, { redirect: 'manual', ...init }).then((r) => r.status);
  const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"as_of":null}' };

  assert.equal(await call('/'), 401, 'the page without the token');
  assert.equal(await call('/index.html'), 401, 'a file of the UI without the token');
  assert.equal(await call('/api/summary', post), 401, 'a command without the token');
  assert.equal(await call('/?token=0000'), 401, 'the page with a wrong token');
  assert.equal(
    await call('/api/summary', { ...post, headers: { ...post.headers, authorization: 'Bearer wrong' } }),
    401,
    'a command with a wrong bearer token',
  );
  assert.equal(
    await call('/api/summary', { ...post, headers: { ...post.headers, cookie: `mlops_portfolio_token=${token.slice(1)}x` } }),
    401,
    'a command with a wrong cookie',
  );
  // The same requests with the token get through, so the 401s above are about the token.
  assert.equal(await call(`/?token=${token}`), 200, 'the page with the token');
  assert.equal(
    await call('/api/summary', { ...post, headers: { ...post.headers, authorization: `Bearer ${token}` } }),
    200,
    'a command with the bearer token',
  );

  // Every page of the app, visited; the page asked nothing of any other host.
  const { page } = session;
  for (const [hash, heading] of [
    ['#/', 'Overview'],
    ['#/initiatives', 'Initiatives'],
    ['#/team', 'Team'],
    ['#/models', 'Models'],
    ['#/vendors', 'Vendors'],
    ['#/import', 'Import'],
    ['#/settings', 'Settings'],
  ]) {
    await openPage(page, hash, heading);
  }
  await eventually(async () => assert.ok(session.requests.some((url) => url.includes('/api/')), 'the page made API calls'));
  const elsewhere = session.requests.filter((url) => new URL(url).hostname !== '127.0.0.1');
  assert.deepEqual(elsewhere, [], 'no request left 127.0.0.1');
  assert.ok(session.requests.length > 10, `requests were recorded (${session.requests.length})`);
  assert.equal(typeof (await page.evaluate(() => window.__pwned)), 'undefined', 'nothing ran on any page');
});
