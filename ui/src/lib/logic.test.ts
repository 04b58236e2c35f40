import { describe, expect, it } from 'vitest';
import type { RecordView } from './backend';
import { attentionLink, attentionTone, monthRows, overUnder, varianceWords } from './overview';
import { renewalsWithin } from './vendors';
import { changedFields, collect, fieldOfError, fromInput, splitCurrency, toInput, type FieldSpec } from './forms';
import { href, parseHash } from './router.svelte';
import { daysBetween, formatMonth, monthsOf } from './format';
import { describeChange } from './scenarios';

const rec = (kind: RecordView['kind'], id: number, fields: RecordView['fields']): RecordView => ({ kind, id, fields });

describe('overview', () => {
  it('shows the core months as chart rows without adding anything', () => {
    const month = (m: string, state: 'closed' | 'running' | 'future', budget: number, actual: number) => ({
      month: m,
      state,
      budget_minor: budget,
      actual_minor: actual,
      forecast: null,
    });
    const rows = monthRows([month('2026-10', 'closed', 100, 120), month('2026-11', 'running', 100, 7), month('2026-12', 'future', 100, 0)]);
    expect(rows.map((r) => [r.month, r.budget, r.actual, r.closed])).toEqual([
      ['2026-10', 100, 120, true],
      ['2026-11', 100, 7, true],
      ['2026-12', 100, 0, false],
    ]);
  });

  it('says over or under from the sign of the core variance, and links each attention item to its record', () => {
    expect(overUnder(1)).toBe('over');
    expect(overUnder(-1)).toBe('under');
    expect(overUnder(0)).toBe('even');
    expect(varianceWords(120_000, 'USD', { whole: true })).toBe('$1,200 over');
    expect(varianceWords(-5_000, 'USD', { whole: true })).toBe('$50 under');
    expect(varianceWords(0, 'USD')).toBe('on budget');
    const item = { kind: 'notice_due', entity: 'contract', id: 7, headline: '', detail: '', amount_minor: 0, date: null } as const;
    expect(attentionLink(item)).toBe('#/vendors?contract=7');
    expect(attentionTone(item)).toBe('warn');
    expect(attentionLink({ ...item, kind: 'over_budget', entity: 'initiative', id: 3 })).toBe('#/initiatives/3');
  });
});

describe('vendor timeline', () => {
  it('lists contracts ending within the window with their notice date', () => {
    const contracts = [
      rec('contract', 1, { title: 'Later', end: '2027-06-30', notice_days: 90 }),
      rec('contract', 2, { title: 'Soon', end: '2026-12-11', notice_days: 30, auto_renew: true }),
      rec('contract', 3, { title: 'Ended', end: '2026-10-01', notice_days: 0 }),
    ];
    const renewals = renewalsWithin(contracts, '2026-11-26', 90);
    expect(renewals.map((r) => r.title)).toEqual(['Soon']);
    expect(renewals[0]).toMatchObject({ noticeBy: '2026-11-11', daysToEnd: 15, daysToNotice: -15, autoRenew: true });
  });
});

describe('forms', () => {
  const specs: FieldSpec[] = [
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'priority', label: 'Priority', kind: 'integer', required: true },
    { name: 'start', label: 'Start month', kind: 'month', required: true },
    { name: 'end', label: 'End month', kind: 'month' },
    { name: 'value', label: 'Value', kind: 'money', required: true },
    { name: 'tags', label: 'Tags', kind: 'list' },
  ];

  it('converts text into the JSON the record commands take', () => {
    const out = collect(specs, { name: ' Fraud ', priority: '2', start: '2026-03', end: '', value: '1,250.5', tags: 'pii, ,x' }, 'USD');
    expect(out).toEqual({
      ok: true,
      fields: { name: 'Fraud', priority: 2, start: '2026-03', end: null, value: { minor: 125050, currency: 'USD' }, tags: ['pii', 'x'] },
    });
  });

  it('names every field it cannot send', () => {
    const out = collect(specs, { name: '', priority: 'two', start: '2026-13', value: '1.234' }, 'USD');
    expect(out.ok).toBe(false);
    if (!out.ok) expect(Object.keys(out.errors).sort()).toEqual(['name', 'priority', 'start', 'value']);
    expect(fromInput(specs[2]!, '2026-3', 'USD')).toMatchObject({ ok: false });
  });

  it('sends only what changed', () => {
    expect(changedFields({ name: 'A', end: null, tags: [] }, { name: 'A', tags: [] })).toEqual({});
    expect(changedFields({ name: 'B', end: '2026-05' }, { name: 'A', end: null })).toEqual({ name: 'B', end: '2026-05' });
  });

  it('finds the field a backend message is about', () => {
    const fields = ['name', 'stage', 'initiative_id', 'start', 'status', 'priority', 'end'];
    expect(fieldOfError('model stage: `prod` is not one of: development', fields)).toBe('stage');
    expect(fieldOfError('initiative_id: there is no initiative with id 9', fields)).toBe('initiative_id');
    expect(fieldOfError('an initiative needs name, status; missing: status, priority', fields)).toBe('status');
    expect(fieldOfError('an initiative named `X` already exists', fields)).toBe('name');
    expect(fieldOfError('end: 2026-01-01 comes before the start 2026-05-01', fields)).toBe('end');
    expect(fieldOfError('the portfolio lock was poisoned', fields)).toBeNull();
    // serde paths into a field: `contract value.currency: ...`, `model data_categories[2]: ...`
    expect(fieldOfError('contract value.currency: unknown variant `XYZ`', ['value'])).toBe('value');
    expect(fieldOfError('model data_categories[2]: invalid type', ['data_categories'])).toBe('data_categories');
  });

  it('reads money with or without a currency code, as the backend does', () => {
    const value: FieldSpec = { name: 'value', label: 'Value', kind: 'money', required: true };
    expect(splitCurrency('1,250.00 EUR')).toEqual(['1,250.00', 'EUR']);
    expect(splitCurrency('1250')).toEqual(['1250', null]);
    expect(splitCurrency('12 50')).toEqual(['12 50', null]);
    expect(fromInput(value, '1,250.00 eur', 'USD')).toEqual({ ok: true, value: { minor: 125000, currency: 'EUR' } });
    expect(fromInput(value, '1250 JPY', 'USD')).toEqual({ ok: true, value: { minor: 1250, currency: 'JPY' } });
    expect(fromInput(value, '12.5 JPY', 'USD')).toMatchObject({ ok: false, message: expect.stringContaining('no minor units') });
    expect(fromInput(value, '10 dollars', 'USD')).toMatchObject({ ok: false, message: expect.stringContaining('`DOLLARS` is not a currency') });
    // Shown back: the form's currency bare, any other with its code.
    expect(toInput(value, { minor: 125000, currency: 'USD' }, 'USD')).toBe('1250.00');
    expect(toInput(value, { minor: 125000, currency: 'EUR' }, 'USD')).toBe('1250.00 EUR');
  });
});

describe('routing and dates', () => {
  it('reads and writes hash routes with a query', () => {
    const route = parseHash('#/models/12?stage=production&q=fraud%20txn');
    expect(route.segments).toEqual(['models', '12']);
    expect(route.query.get('q')).toBe('fraud txn');
    expect(parseHash('').segments).toEqual([]);
    expect(href('models', { stage: 'production', risk: null, q: '' })).toBe('#/models?stage=production');
  });

  it('formats months and counts days in UTC', () => {
    expect(formatMonth('2026-11', 'en-US')).toBe('Nov 2026');
    expect(formatMonth(null)).toBe('—');
    expect(daysBetween('2026-11-26', '2026-12-11')).toBe(15);
    expect(monthsOf(2026)).toHaveLength(12);
  });
});

import { buildCells, cellKey, moveCell, planCellEdit } from './budgetGrid';

describe('budget grid', () => {
  const line = (id: number, month: string, category: string, minor: number) =>
    rec('budget', id, { initiative_id: 1, month, category, amount: { minor, currency: 'USD' } });
  const months = ['2026-01', '2026-02'];
  const cells = buildCells(
    [line(1, '2026-01', 'compute', 1000), line(2, '2026-02', 'compute', 500), line(3, '2026-01', 'people', 250), line(4, '2025-12', 'compute', 9)],
    months,
  );

  it('puts each line of the shown months in its cell, in its own currency', () => {
    expect(cells.get(cellKey('compute', '2026-01'))).toEqual({ id: 1, minor: 1000, currency: 'USD' });
    expect(cells.get(cellKey('people', '2026-01'))).toEqual({ id: 3, minor: 250, currency: 'USD' });
    expect(cells.has(cellKey('compute', '2025-12'))).toBe(false);
  });

  it('plans create, update, remove or nothing for an edit', () => {
    const filled = cells.get(cellKey('compute', '2026-01'));
    expect(planCellEdit(undefined, 700)).toEqual({ action: 'create', minor: 700 });
    expect(planCellEdit(filled, 700)).toEqual({ action: 'update', id: 1, minor: 700 });
    expect(planCellEdit(filled, 1000)).toEqual({ action: 'none' });
    expect(planCellEdit(filled, null)).toEqual({ action: 'remove', id: 1 });
    expect(planCellEdit(undefined, 0)).toEqual({ action: 'none' });
  });

  it('moves like a spreadsheet', () => {
    expect(moveCell({ row: 0, col: 0 }, 'ArrowUp', false, 5, 12)).toEqual({ row: 0, col: 0 });
    expect(moveCell({ row: 0, col: 11 }, 'Tab', false, 5, 12)).toEqual({ row: 1, col: 0 });
    expect(moveCell({ row: 1, col: 0 }, 'Tab', true, 5, 12)).toEqual({ row: 0, col: 11 });
    expect(moveCell({ row: 4, col: 11 }, 'Tab', false, 5, 12)).toBeNull();
    expect(moveCell({ row: 2, col: 3 }, 'Enter', false, 5, 12)).toEqual({ row: 3, col: 3 });
    expect(moveCell({ row: 2, col: 3 }, 'End', false, 5, 12)).toEqual({ row: 2, col: 11 });
  });
});

import { peopleRows } from './team';

describe('team allocation', () => {
  it('sums a person’s allocations that cover the month and flags more than 100%', () => {
    const people = [rec('person', 1, { name: 'Marcus', role_id: 7, start: '2025-01', end: null })];
    const roles = [rec('role', 7, { name: 'ML engineer', loaded_annual_cost: { minor: 25000000, currency: 'USD' } })];
    const allocations = [
      rec('allocation', 1, { person_id: 1, initiative_id: 1, percent: 80, start: '2026-01', end: null }),
      rec('allocation', 2, { person_id: 1, initiative_id: 2, percent: 60, start: '2026-11', end: '2026-12' }),
      rec('allocation', 3, { person_id: 1, initiative_id: 3, percent: 50, start: '2025-01', end: '2026-10' }),
    ];
    const [row] = peopleRows(people, roles, allocations, '2026-11');
    expect(row?.allocated).toBe(140);
    expect([...(row?.byInitiative ?? new Map())]).toEqual([
      [1, 80],
      [2, 60],
    ]);
    expect(row).toMatchObject({ role: 'ML engineer', loadedMinor: 25000000 });
  });
});

describe('scenario changes in words', () => {
  it('says each kind as a person would, from the change as written', () => {
    expect(describeChange('hire', { role: 'ML engineer', count: '3', start: '2027-03', initiative: 'Search' })).toBe(
      'Hire 3 ML engineer from Mar 2027 on Search',
    );
    expect(describeChange('hire', { role: 'Data scientist', start: '2027-07', percent: '50%' })).toBe('Hire 1 Data scientist at 50% from Jul 2027');
    expect(describeChange('spend', { category: 'compute', start: '2027-01', change: '-20%' })).toBe(
      'Compute spend of every initiative changes by -20% from Jan 2027',
    );
    expect(describeChange('budget', { initiative: 'Search', category: 'storage', start: '2027-10', end: '2027-12', amount: '1,000.00' })).toBe(
      'Storage budget of Search changes by 1,000.00 a month from Oct 2027 through Dec 2027',
    );
    expect(describeChange('contract_cancel', { contract: 'Labelling', from: '2027-05' })).toBe('Cancel “Labelling” from May 2027');
    expect(describeChange('initiative_stop', { initiative: 'Churn', from: 'someday' })).toBe('Churn stops from someday');
  });
});
