// Background sync in the desktop app, against a real Prometheus loaded with a known history: the
// shell starts the scheduler (the connection syncs when the app opens) and forwards its progress as
// Tauri `sync-progress` events to the page, whose Connections page shows the finished run with the
// number of new points the history implies; Sync now runs again and finds nothing new.
//
//   node --test tests/e2e/desktop/sync.test.mjs        (see README.md)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedPoints, gaugeOpenMetrics, minuteHistory, startPrometheus } from '../shared/prometheus.mjs';
import { useDesktopApp } from './lib/app.mjs';

const MODEL = 'fraud-txn-scorer';
// Two hours of p95 latency a minute apart, ending 10 minutes before the current minute (all of
// Prometheus' five lookback repeats in the past, so a second sync finds nothing new).
const history = minuteHistory({ minutes: 120, endsMinutesAgo: 10, value: (i) => 100 + i });
const FIRST_RUN_POINTS = expectedPoints(history).length;

describe('desktop background sync', { timeout: 180_000 }, () => {
  let prometheus = null;
  const app = useDesktopApp({
    prepare: async ({ cli }) => {
      prometheus = await startPrometheus(gaugeOpenMetrics('model_latency_ms', { model: MODEL }, history));
      cli('init', '--currency', 'USD');
      cli('add', 'model', `name=${MODEL}`, 'stage=staging', 'risk_tier=high');
      cli('connection', 'add', 'prom', '--kind', 'prometheus', '--url', prometheus.url);
      cli('metric', 'bind', MODEL, 'latency_p95_ms', '--query', `model_latency_ms{model="${MODEL}"}`, '--unit', 'ms',
        '--threshold', '200', '--bad-when', 'above');
    },
    cleanup: async () => prometheus?.stop(),
  });

  test('the app syncs at start, the Connections page follows the run, and Sync now runs again', async () => {
    const { session } = app;
    const statusCell = "//td[@data-testid='sync-status-prom']";
    /** The cell's text on one line, once it matches `pattern`. */
    const statusMatching = (pattern, what, timeoutMs) =>
      session.until(async () => {
        const text = (await session.text(await session.waitFor(statusCell))).replace(/\s+/g, ' ').trim();
        return pattern.test(text) ? text : null;
      }, what, timeoutMs);

    await app.step('sync-at-start', async () => {
      await session.click(await session.waitFor("//nav[@aria-label='Pages']//a[@href='#/connections']", { timeoutMs: 30_000 }));
      await session.waitFor("//h1[normalize-space()='Connections']");
      // Nobody asked: the shell's scheduler ran the connection when the app opened.
      await statusMatching(
        new RegExp(`^Synced · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC · ${FIRST_RUN_POINTS} new`),
        `the first run's ${FIRST_RUN_POINTS} new points`,
        60_000,
      );
      await app.screenshot('05-sync-at-start');
    });

    await app.step('sync-now', async () => {
      await session.click(await session.waitFor("//button[@aria-label='Sync prom now']"));
      // A second run: it reads the last point again, unchanged. The `sync-progress` events bring
      // it to the page within seconds; the page's own status poll comes only every 60 s.
      const text = await statusMatching(/^Synced · \d{4}-\d\d-\d\d \d\d:\d\d UTC · 0 new/, 'the second run with 0 new points', 20_000);
      assert.doesNotMatch(text, /Failed/);
      await session.waitFor("//button[@aria-label='Sync prom now']"); // back from Stop
      await app.screenshot('06-sync-now');
    });
  });
});
