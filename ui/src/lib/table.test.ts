import { describe, expect, it } from 'vitest';
import { compareValues, countBy, filterRows, sortRows, toggleSort } from './table';
import { facetCounts, queryModels, toModelRow, type ModelRow } from './models';
import type { RecordView } from './backend';

describe('sortRows', () => {
  const rows = [
    { name: 'b', n: 2 },
    { name: 'a10', n: null },
    { name: 'a9', n: 1 },
    { name: 'C', n: 2 },
  ];
  const value = (r: (typeof rows)[number], key: 'name' | 'n') => r[key];

  it('sorts text naturally and case-insensitively', () => {
    const sorted = sortRows(rows, { key: 'name', direction: 'ascending' }, value);
    expect(sorted.map((r) => r.name)).toEqual(['a9', 'a10', 'b', 'C']);
  });

  it('keeps empty values last in both directions and ties stable', () => {
    expect(sortRows(rows, { key: 'n', direction: 'ascending' }, value).map((r) => r.name)).toEqual(['a9', 'b', 'C', 'a10']);
    expect(sortRows(rows, { key: 'n', direction: 'descending' }, value).map((r) => r.name)).toEqual(['b', 'C', 'a9', 'a10']);
  });

  it('does not change its input', () => {
    const copy = rows.slice();
    sortRows(rows, { key: 'name', direction: 'descending' }, value);
    expect(rows).toEqual(copy);
  });
});

describe('toggleSort and compareValues', () => {
  it('flips direction on the same column and starts ascending on another', () => {
    expect(toggleSort(null, 'name')).toEqual({ key: 'name', direction: 'ascending' });
    expect(toggleSort({ key: 'name', direction: 'ascending' }, 'name').direction).toBe('descending');
    expect(toggleSort({ key: 'name', direction: 'descending' }, 'name').direction).toBe('ascending');
    expect(toggleSort({ key: 'name', direction: 'descending' }, 'stage')).toEqual({ key: 'stage', direction: 'ascending' });
  });

  it('compares numbers as numbers', () => {
    expect(compareValues(10, 9)).toBeGreaterThan(0);
    expect(compareValues('', 'x')).toBeGreaterThan(0);
  });
});

describe('filterRows and countBy', () => {
  const rows = [
    { stage: 'production', text: 'Fraud scorer' },
    { stage: 'staging', text: 'fraud graph' },
    { stage: 'production', text: 'Churn model' },
  ];
  it('needs every filter and every search word', () => {
    const v = (r: (typeof rows)[number], k: 'stage') => r[k];
    expect(filterRows(rows, { stage: 'production' }, v, 'fraud', (r) => r.text)).toHaveLength(1);
    expect(filterRows(rows, { stage: null }, v, 'FRAUD', (r) => r.text)).toHaveLength(2);
    expect(filterRows(rows, { stage: '' }, v, 'fraud graph', (r) => r.text)).toHaveLength(1);
    expect(countBy(rows, (r) => r.stage)).toEqual(new Map([['production', 2], ['staging', 1]]));
  });
});

describe('model inventory', () => {
  const record = (id: number, fields: RecordView['fields']): RecordView => ({ kind: 'model', id, fields });
  const initiatives = new Map([
    [1, 'Fraud detection'],
    [2, 'Churn'],
  ]);
  const rows: ModelRow[] = [
    record(1, { name: 'fraud-txn', stage: 'production', risk_tier: 'critical', initiative_id: 1, owner: 'Marcus', data_categories: ['pii'] }),
    record(2, { name: 'fraud-graph', stage: 'development', risk_tier: 'medium', initiative_id: 1, owner: 'Priya', data_categories: [] }),
    record(3, { name: 'churn-b2c', stage: 'staging', risk_tier: 'low', initiative_id: 2, owner: 'Marcus', data_categories: [] }),
    record(4, { name: 'orphan', stage: 'archived', risk_tier: 'high', initiative_id: null, owner: null }),
  ].map((r) => toModelRow(r, initiatives));

  it('sorts stages and risk tiers by meaning, not alphabet', () => {
    const byStage = queryModels(rows, { search: '', filters: {}, sort: { key: 'stage', direction: 'ascending' } });
    expect(byStage.map((r) => r.stage)).toEqual(['development', 'staging', 'production', 'archived']);
    const byRisk = queryModels(rows, { search: '', filters: {}, sort: { key: 'risk', direction: 'descending' } });
    expect(byRisk.map((r) => r.risk)).toEqual(['critical', 'high', 'medium', 'low']);
  });

  it('filters by initiative id and owner, searches the initiative name', () => {
    expect(queryModels(rows, { search: '', filters: { initiative: '1' }, sort: null }).map((r) => r.id)).toEqual([2, 1]);
    expect(queryModels(rows, { search: '', filters: { owner: 'Marcus' }, sort: null }).map((r) => r.name)).toEqual([
      'churn-b2c',
      'fraud-txn',
    ]);
    expect(queryModels(rows, { search: 'fraud detection pii', filters: {}, sort: null }).map((r) => r.id)).toEqual([1]);
  });

  it('counts each filter’s options under the other filters only', () => {
    const query = { search: '', filters: { owner: 'Marcus', stage: 'production' }, sort: null };
    expect(facetCounts(rows, query, 'stage')).toEqual(new Map([['production', 1], ['staging', 1]]));
    expect(facetCounts(rows, query, 'owner')).toEqual(new Map([['Marcus', 1]]));
  });

  it('stays quick on the large demo’s 2,000 models', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ ...rows[i % rows.length]!, id: i, name: `model-${i}` }));
    const started = performance.now();
    const shown = queryModels(many, { search: 'model-1', filters: { stage: 'production' }, sort: { key: 'risk', direction: 'descending' } });
    expect(shown.length).toBeGreaterThan(0);
    // Generous: this is a smoke check that filtering is not quadratic, not a benchmark.
    expect(performance.now() - started).toBeLessThan(500);
  });
});
