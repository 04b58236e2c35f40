import { describe, expect, it } from 'vitest';
import type { SyncRunReport } from './bindings/SyncRunReport';
import { bindHint, breachingFirst, firstToChart, formatMetricValue, freshness, stateBadge, syncText, thresholdText } from './liveMetrics';

const run = (over: Partial<SyncRunReport>): SyncRunReport => ({
  run_id: 1,
  connection_id: 1,
  connection: 'prom',
  kind: 'prometheus',
  status: 'succeeded',
  fetched: 10,
  written: 10,
  error: null,
  error_code: null,
  started_at: '2026-11-02T11:50:00Z',
  finished_at: '2026-11-02T11:50:02Z',
  ...over,
});
const NOON = Date.parse('2026-11-02T12:00:00Z') / 1000;

describe('live metric words', () => {
  it('writes values with their units, ratios bare and infinities as Prometheus does', () => {
    expect(formatMetricValue(212.04, 'ms', 'en')).toBe('212 ms');
    expect(formatMetricValue(0.92549, 'ratio', 'en')).toBe('0.925');
    expect(formatMetricValue(0.004623, 'ratio', 'en')).toBe('0.00462');
    expect(formatMetricValue(0, 'ms', 'en')).toBe('0 ms');
    expect(formatMetricValue(99.5, '%', 'en')).toBe('99.5%');
    expect(formatMetricValue(12_345.6, 'req/s', 'en')).toBe('12,346 req/s');
    expect(formatMetricValue('+Inf', 'ms', 'en')).toBe('+Inf ms');
    expect(formatMetricValue(3.14159, ' GPU·h ', 'en')).toBe('3.14 GPU·h');
  });

  it('names the good side of a threshold', () => {
    expect(thresholdText({ value: 200, bad_when: 'above' }, 'ms', 'en')).toBe('threshold ≤ 200 ms');
    expect(thresholdText({ value: 0.9, bad_when: 'below' }, 'ratio', 'en')).toBe('threshold ≥ 0.9');
  });

  it('takes the verdict from the readout state', () => {
    expect(stateBadge('bad')).toEqual({ label: 'Breaching', tone: 'bad' });
    expect(stateBadge('ok')).toEqual({ label: 'OK', tone: 'good' });
    expect(stateBadge('no_data').tone).toBe('neutral');
  });

  it('flags stale data only when the core says so, and explains the limit', () => {
    const fresh = freshness({ age_seconds: 240, stale: false, stale_after_seconds: 1920 });
    expect(fresh).toMatchObject({ text: 'data 4 min old', stale: false });
    expect(fresh.hint).toContain('32 min');
    const old = freshness({ age_seconds: 3 * 3600, stale: true, stale_after_seconds: 1920 });
    expect(old).toMatchObject({ text: 'data 3 h old — stale', stale: true });
    // Even very old data is not stale when the core has no schedule to judge by (MLflow run metrics).
    expect(freshness({ age_seconds: 30 * 86_400, stale: false, stale_after_seconds: null })).toEqual({
      text: 'data 30 days old',
      stale: false,
      hint: null,
    });
    expect(freshness({ age_seconds: null, stale: false, stale_after_seconds: 1920 }).text).toBe('no data synced yet');
  });

  it('tells the last sync, with what failed for this metric', () => {
    expect(syncText(run({}), null, NOON)).toEqual({ text: 'prom synced 10 min ago', failed: false });
    const failed = syncText(run({ status: 'failed', error: '1 of 2 failed:\nm / k: HTTP 503' }), 'HTTP 503', NOON);
    expect(failed).toEqual({ text: 'prom: last sync failed 10 min ago — HTTP 503', failed: true });
    expect(syncText(run({ status: 'running', finished_at: null }), null, NOON).text).toBe('prom is syncing…');
    expect(syncText(null, null, NOON)).toEqual({ text: 'not synced yet', failed: false });
    const named = syncText(run({ status: 'failed' }), 'connection `prom`: cannot connect to http://p:9090', NOON);
    expect(named.text).toBe('prom: last sync failed 10 min ago — cannot connect to http://p:9090');
    const justNow = run({ finished_at: new Date((NOON - 3) * 1000).toISOString() });
    expect(syncText(justNow, null, NOON).text).toBe('prom synced just now');
  });

  it('lists breaching metrics first and keeps the rest in order', () => {
    const listed = breachingFirst([
      { key: 'a', state: 'ok' as const },
      { key: 'b', state: 'bad' as const },
      { key: 'c', state: 'no_data' as const },
    ]);
    expect(listed.map((m) => m.key)).toEqual(['b', 'a', 'c']);
  });

  it('charts a breaching metric first, else one with data', () => {
    expect(firstToChart([{ key: 'a', state: 'ok' }, { key: 'b', state: 'bad' }])).toBe('b');
    expect(firstToChart([{ key: 'a', state: 'no_data' }, { key: 'b', state: 'no_threshold' }])).toBe('b');
    expect(firstToChart([{ key: 'a', state: 'no_data' }])).toBe('a');
    expect(firstToChart([])).toBeNull();
  });

  it('quotes a model name the shell would split', () => {
    expect(bindHint('fraud-gbm')).toBe('mlops-portfolio metric bind fraud-gbm --template http');
    expect(bindHint("Ana's model")).toBe(`mlops-portfolio metric bind 'Ana'\\''s model' --template http`);
  });
});
