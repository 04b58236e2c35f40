import { describe, expect, it } from 'vitest';
import type { ScorecardRow } from './bindings/ScorecardRow';
import {
  SPARK_BOX,
  countStatuses,
  countsLine,
  groupByInitiative,
  initiativeChoices,
  recordedWords,
  rowsNeedingAttention,
  rowsOfInitiative,
  sourceWords,
  sparkline,
  statusSummary,
  trendMark,
  whenWords,
} from './scorecard';

let nextId = 1;
const row = (over: Partial<ScorecardRow>): ScorecardRow => ({
  kpi_id: nextId++,
  name: 'Fraud model precision',
  initiative_id: 1,
  initiative: 'Fraud detection',
  model: 'fraud-txn-scorer',
  value: 0.96,
  value_text: '0.96',
  unit: 'ratio',
  direction: 'higher_is_better',
  target_low: 0.92,
  target_high: null,
  target_text: 'target at least 0.92',
  amber_below: 0.046,
  amber_above: null,
  cadence: 'weekly',
  status: 'green',
  as_of: '2026-12-02',
  age_days: 1,
  source: 'imported',
  trend: 'steady',
  recent: [],
  starred: false,
  formula: null,
  bound_to: null,
  ...over,
});

describe('words of a row', () => {
  it('says when the value is from, and for a stale KPI how old it is and how often it is measured', () => {
    expect(whenWords(row({ as_of: '2026-11-30', age_days: 3 }), '2026-12-03', 'en-GB')).toBe('30 Nov, 3 days ago');
    expect(whenWords(row({ as_of: '2026-12-02', age_days: 1 }), '2026-12-03', 'en-GB')).toBe('2 Dec, 1 day ago');
    expect(whenWords(row({ as_of: '2026-12-03', age_days: 0 }), '2026-12-03', 'en-GB')).toBe('3 Dec, today');
    expect(
      whenWords(row({ status: 'stale', as_of: '2026-07-31', age_days: 125, cadence: 'monthly' }), '2026-12-03', 'en-GB'),
    ).toBe('last value 31 Jul, 125 days ago; measured monthly');
    expect(whenWords(row({ as_of: '2025-10-31', age_days: 398 }), '2026-12-03', 'en-GB')).toBe('31 Oct 2025, 398 days ago');
    expect(whenWords(row({ status: 'no_data', as_of: null, age_days: null, value: null }), '2026-12-03')).toBe(
      'no value yet; measured weekly',
    );
  });

  it('points the arrow the way the value moved and says whether that is good', () => {
    expect(trendMark('improving', 'lower_is_better')).toEqual({ arrow: '↘', word: 'improving', tone: 'good' });
    expect(trendMark('improving', 'higher_is_better')).toEqual({ arrow: '↗', word: 'improving', tone: 'good' });
    expect(trendMark('worsening', 'lower_is_better')).toEqual({ arrow: '↗', word: 'worsening', tone: 'bad' });
    expect(trendMark('steady', 'lower_is_better').arrow).toBe('→');
    expect(trendMark('unknown', 'higher_is_better')).toEqual({ arrow: '', word: 'no trend yet', tone: 'neutral' });
  });

  it('names the metric a synced value comes from', () => {
    expect(sourceWords({ source: 'synced', bound_to: 'precision of fraud-txn-scorer' })).toBe(
      'synced from precision of fraud-txn-scorer',
    );
    expect(sourceWords({ source: 'synced', bound_to: null })).toBe('synced');
    expect(sourceWords({ source: 'computed', bound_to: null })).toBe('computed');
    expect(sourceWords({ source: null, bound_to: null })).toBeNull();
  });

  it('confirms a recorded value with its status and the value it replaced', () => {
    const recorded = { kpi_id: 1, kpi: 'Fraud model precision', date: '2026-11-30', value: 0.93, value_text: '0.93', status: 'green' as const };
    expect(recordedWords({ ...recorded, replaced: 0.91, replaced_text: '0.91' }, '2026-12-03', 'en-GB')).toBe(
      'Recorded 0.93 for 30 Nov — green (replaced 0.91)',
    );
    const percent = { ...recorded, replaced: null, replaced_text: null, status: 'no_data' as const, value: 93, value_text: '93%' };
    expect(recordedWords(percent, '2026-12-03', 'en-GB')).toBe('Recorded 93% for 30 Nov — no data');
  });
});

describe('counts', () => {
  it('writes every status, zeros included, worst first', () => {
    expect(countsLine({ red: 1, amber: 2, stale: 1, no_data: 0, green: 11 })).toBe(
      '1 red · 2 amber · 1 stale · 0 without data · 11 green',
    );
  });

  it('counts rows by the status the core gave them, and summarises a group without its zeros', () => {
    const counts = countStatuses([row({ status: 'amber' }), row({ status: 'green' }), row({ status: 'amber' }), row({ status: 'no_data' })]);
    expect(counts).toEqual({ red: 0, amber: 2, stale: 0, no_data: 1, green: 1 });
    expect(statusSummary(counts)).toBe('2 amber · 1 without data · 1 green');
  });
});

describe('groupByInitiative', () => {
  const rows = [
    row({ name: 'MAPE', initiative_id: 2, initiative: 'Demand forecasting', status: 'red' }),
    row({ name: 'Unowned latency', initiative_id: null, initiative: null, status: 'red' }),
    row({ name: 'Search p95', initiative_id: 7, initiative: 'Search ranking', status: 'amber' }),
    row({ name: 'Cost per chat', initiative_id: 3, initiative: 'Support assistant', status: 'amber' }),
    row({ name: 'Lead time', initiative_id: 8, initiative: 'ML platform', status: 'stale' }),
    row({ name: 'Precision', initiative_id: 1, initiative: 'Fraud detection', status: 'green' }),
    row({ name: 'Deflection', initiative_id: 3, initiative: 'Support assistant', status: 'green' }),
    row({ name: 'GPU', initiative_id: 8, initiative: 'ML platform', status: 'green' }),
    row({ name: 'NDCG', initiative_id: 7, initiative: 'Search ranking', status: 'green' }),
  ];

  it('orders groups by their worst status, then by name, with "No initiative" last', () => {
    const groups = groupByInitiative(rows);
    expect(groups.map((g) => [g.name, g.worst])).toEqual([
      ['Demand forecasting', 'red'],
      ['Search ranking', 'amber'],
      ['Support assistant', 'amber'],
      ['ML platform', 'stale'],
      ['Fraud detection', 'green'],
      ['No initiative', 'red'],
    ]);
    expect(groups.at(-1)?.key).toBe('none');
  });

  it("keeps the core's order within a group", () => {
    const platform = groupByInitiative(rows).find((g) => g.key === '8');
    expect(platform?.rows.map((r) => r.name)).toEqual(['Lead time', 'GPU']);
  });

  it('offers the initiatives present, by name, and "No initiative" when a KPI has none', () => {
    expect(initiativeChoices(rows).map((c) => c.label)).toEqual([
      'Demand forecasting',
      'Fraud detection',
      'ML platform',
      'Search ranking',
      'Support assistant',
      'No initiative',
    ]);
    expect(initiativeChoices(rows.filter((r) => r.initiative_id !== null)).map((c) => c.value)).not.toContain('none');
  });

  it('filters by initiative and by the need for attention, keeping the open KPI', () => {
    expect(rowsOfInitiative(rows, '3').map((r) => r.name)).toEqual(['Cost per chat', 'Deflection']);
    expect(rowsOfInitiative(rows, 'none').map((r) => r.name)).toEqual(['Unowned latency']);
    expect(rowsOfInitiative(rows, null)).toHaveLength(rows.length);
    const support = rowsOfInitiative(rows, '3');
    expect(rowsNeedingAttention(support, true).map((r) => r.name)).toEqual(['Cost per chat']);
    expect(rowsNeedingAttention(support, false)).toHaveLength(2);
    const deflection = support[1]!;
    expect(rowsNeedingAttention(support, true, deflection.kpi_id).map((r) => r.name)).toEqual(['Cost per chat', 'Deflection']);
  });
});

describe('sparkline', () => {
  const box = { width: 100, height: 20, pad: 2 };

  it('scales the values into the box, oldest at the left and higher values higher', () => {
    const line = sparkline([1, 3, 2], { low: null, high: null }, box)!;
    expect(line.points).toEqual([
      { x: 2, y: 18 },
      { x: 50, y: 2 },
      { x: 98, y: 10 },
    ]);
    expect(line.polyline).toBe('2,18 50,2 98,10');
    expect(line.last).toEqual({ x: 98, y: 10 });
    expect(line.band).toBeNull();
  });

  it('stretches the scale to the target so the band shows how far off the line is', () => {
    // Values 9.6 to 9.9 against "at most 8": the target edge is the bottom of the scale.
    const line = sparkline([9.9, 9.6], { low: null, high: 8 }, box)!;
    expect(line.band).toEqual({ top: 18, bottom: 20 });
    expect(line.points.every((p) => p.y >= 2 && p.y <= 18)).toBe(true);
    expect(line.points[0]!.y).toBe(2);
  });

  it('shades a band with both edges between them, and a one-sided one to the edge of the box', () => {
    expect(sparkline([60, 85], { low: 60, high: 85 }, box)!.band).toEqual({ top: 2, bottom: 18 });
    expect(sparkline([0.9, 1.0], { low: 0.9, high: null }, box)!.band).toEqual({ top: 0, bottom: 18 });
  });

  it('draws a flat series along the middle instead of dividing by zero', () => {
    const line = sparkline([5, 5, 5], { low: null, high: null }, box)!;
    expect(line.points.map((p) => p.y)).toEqual([10, 10, 10]);
    expect(line.polyline).not.toContain('NaN');
  });

  it('puts a single value at the right as the newest point', () => {
    const line = sparkline([0.93], { low: 0.92, high: null })!;
    expect(line.points).toHaveLength(1);
    expect(line.last.x).toBe(SPARK_BOX.width - SPARK_BOX.pad);
    expect(Number.isFinite(line.last.y)).toBe(true);
  });

  it('draws nothing without values', () => {
    expect(sparkline([], { low: 1, high: 2 })).toBeNull();
  });
});
