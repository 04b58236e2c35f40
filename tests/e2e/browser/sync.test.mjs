// Background sync against a real Prometheus (Debian's `prometheus`, loaded with a known history):
// browser mode syncs the connection when it starts; the Connections page and the top bar say the
// run succeeded with the number of new points the history implies; Sync now runs again and finds
// nothing new; the model's Live metrics tile shows the latest value breaching its threshold, and so
// does the Monitoring page, since the first bad point; with
// Prometheus stopped, Sync now fails naming the URL and the top bar says Offline with the data age.

import assert from 'node:assert/strict';
import { after } from 'node:test';
import { browserTest, cli, eventually, openPage, screenshot, useSession } from './lib/harness.mjs';
import { expectedPoints, gaugeOpenMetrics, instantValue, minuteHistory, startPrometheus } from '../shared/prometheus.mjs';

const MODEL = 'fraud-txn-scorer';
const METRIC = 'latency_p95_ms';
const THRESHOLD_MS = 200;
// Three hours of p95 latency, one sample a minute, rising 52 → 231 ms, the last 10 minutes before
// the current minute (so Prometheus' five lookback repeats are in the past too and a second sync
// finds nothing new). The last 31 values are above the threshold.
const history = minuteHistory({ minutes: 180, endsMinutesAgo: 10, value: (i) => 52 + i });
const LATEST_MS = history.at(-1)[1];
const FIRST_RUN_POINTS = expectedPoints(history).length; // 180 samples + 5 lookback repeats
const SYNC_WAIT = 30_000;

let prometheus = null;

const session = useSession({
  prepare: async (db, s) => {
    prometheus = await startPrometheus(gaugeOpenMetrics('model_latency_ms', { model: MODEL }, history));
    const [ts, value] = (await instantValue(prometheus.url, `model_latency_ms{model="${MODEL}"}`, history.at(-1)[0])) ?? [];
    assert.deepEqual([ts, Number(value)], [history.at(-1)[0], LATEST_MS], 'Prometheus holds the history it was given');
    await cli(db, 'init', '--currency', 'USD');
    await cli(db, 'demo');
    await cli(db, 'connection', 'add', 'prom', '--kind', 'prometheus', '--url', prometheus.url);
    await cli(db, 'metric', 'bind', MODEL, METRIC, '--query', `model_latency_ms{model="${MODEL}"}`, '--unit', 'ms',
      '--threshold', String(THRESHOLD_MS), '--bad-when', 'above');
    s.modelId = (await cli(db, 'list', 'model', '--json')).find((m) => m.fields.name === MODEL).id;
  },
});
// After the session's own `after` (the server first, so nothing syncs against a closing port).
after(async () => {
  await prometheus?.stop();
});

const statusCell = () => session.page.getByTestId('sync-status-prom');
const topBar = () => session.page.getByTestId('sync-indicator');
const text = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();
/** The minutes in "… N min old"; the age of the newest point (the last lookback repeat) is 5 to 6 min plus the test's own time. */
const ageMinutes = (line) => Number(/data (\d+) min old/i.exec(line)?.[1]);

browserTest(session, 'sync-first-run', 'the sync at start brings every point of the history, on the Connections page and in the top bar', async () => {
  const { page } = session;
  await openPage(page, '#/connections', 'Connections');
  await eventually(async () => {
    assert.match(await text(statusCell()), new RegExp(`^Synced · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC · ${FIRST_RUN_POINTS} new Data \\d+ min old$`));
  }, SYNC_WAIT);
  const age = ageMinutes(await text(statusCell()));
  assert.ok(age >= 5 && age <= 8, `the data is as old as the last lookback repeat: ${age} min`);
  await eventually(async () => assert.match(await text(topBar()), /^Synced · data \d+ min old$/));
  assert.ok(Math.abs(ageMinutes(await text(topBar())) - age) <= 1, 'the top bar gives the same age');
  await screenshot(page, 'sync-first-run-connections');
  assert.deepEqual(session.pageErrors, []);
});

browserTest(session, 'sync-now-again', 'Sync now runs again and finds nothing new', async () => {
  const { page } = session;
  await openPage(page, '#/connections', 'Connections');
  await page.getByRole('button', { name: 'Sync prom now' }).click();
  // A new run: the first brought FIRST_RUN_POINTS; this one reads the last point again, unchanged.
  await eventually(async () => {
    assert.match(await text(statusCell()), /^Synced · \d{4}-\d\d-\d\d \d\d:\d\d UTC · 0 new Data \d+ min old$/);
  }, SYNC_WAIT);
  await eventually(async () => assert.match(await text(topBar()), /^Synced · data \d+ min old$/));
  await page.getByRole('button', { name: 'Sync prom now' }).waitFor(); // back from "Stop"
  assert.deepEqual(session.pageErrors, []);
});

browserTest(session, 'sync-live-metrics', "the model's Live metrics tile shows the latest value breaching the threshold", async () => {
  const { page } = session;
  await openPage(page, `#/models/${session.modelId}`, 'Models');
  const panel = page.getByRole('complementary', { name: 'Model details' });
  const tile = panel.getByRole('listitem').filter({ has: page.getByRole('button', { name: `Chart ${METRIC}` }) });
  await eventually(async () => {
    const tileText = await text(tile);
    assert.match(tileText, new RegExp(`^${METRIC} ${LATEST_MS} ms Breaching threshold ≤ ${THRESHOLD_MS} ms data \\d+ min old prom synced (just now|.+ ago)$`));
  });
  assert.ok(ageMinutes(await text(tile)) >= 5, 'the value is as old as the last lookback repeat');
  // The backend-drawn chart of the metric, with the same latest value in its description.
  const chart = panel.getByRole('img', { name: new RegExp(`^${MODEL}: ${METRIC}`) });
  await chart.waitFor();
  assert.match(await chart.locator('desc').textContent(),
    new RegExp(`The latest value is ${LATEST_MS} ms, \\d+ min old, on the bad side of the threshold`));
  await screenshot(page, 'sync-live-metrics');
  assert.deepEqual(session.pageErrors, []);
});

browserTest(session, 'sync-monitoring', 'Monitoring lists the breaching metric since its first bad point, as the CLI does', async () => {
  const { page } = session;
  // The first value above the threshold, after the last one at or below it.
  const firstBad = history.find(([, value]) => value > THRESHOLD_MS)[0];
  const report = await cli(session.db, 'metrics', 'breaches', '--json');
  assert.equal(report.bound_metrics, 1);
  assert.equal(report.breaches.length, 1, JSON.stringify(report));
  const [breach] = report.breaches;
  assert.deepEqual([breach.kind, breach.model, breach.key, breach.since], ['breaching', MODEL, METRIC, firstBad]);
  await openPage(page, '#/monitoring', 'Monitoring');
  const row = page.getByRole('row').filter({ hasText: METRIC });
  await eventually(async () => {
    assert.match(await text(row), new RegExp(`^Breaching ${MODEL} ${METRIC} ${LATEST_MS} ms bad above ${THRESHOLD_MS} ms .+ \\d+ min$`));
  });
  const minutes = Number(/(\d+) min$/.exec(await text(row))[1]);
  const expected = Math.round((Date.now() / 1000 - firstBad) / 60);
  assert.ok(Math.abs(minutes - expected) <= 2, `breaching for ${minutes} min, about ${expected}`);
  await screenshot(page, 'sync-monitoring');
  assert.deepEqual(session.pageErrors, []);
});

browserTest(session, 'sync-offline', 'with Prometheus stopped, Sync now fails naming the URL and the top bar says Offline', async () => {
  const { page } = session;
  await prometheus.stop();
  await openPage(page, '#/connections', 'Connections');
  await page.getByRole('button', { name: 'Sync prom now' }).click();
  await eventually(async () => {
    const cell = await text(statusCell());
    assert.match(cell, /^Failed · \d{4}-\d\d-\d\d \d\d:\d\d UTC /);
    assert.ok(cell.includes(`cannot connect to ${prometheus.url}/api/v1/query_range`), `the failure names the URL: ${cell}`);
    assert.match(cell, /Data \d+ min old/, 'the data synced before is still there');
  }, SYNC_WAIT);
  // The only connection's last run could not reach its server: offline, on the data already synced.
  await eventually(async () => assert.match(await text(topBar()), /^Offline · data \d+ min old$/), SYNC_WAIT);
  await screenshot(page, 'sync-offline-connections');

  // The model's tile keeps its value and says what failed.
  await openPage(page, `#/models/${session.modelId}`, 'Models');
  const tile = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: `Chart ${METRIC}` }) });
  await eventually(async () => {
    const tileText = await text(tile);
    assert.match(tileText, new RegExp(`^${METRIC} ${LATEST_MS} ms Breaching `));
    assert.match(tileText, /prom: last sync failed (just now|.* ago) — .*cannot connect to/);
  });
  await screenshot(page, 'sync-offline-live-metrics');
  assert.deepEqual(session.pageErrors, []);
});
