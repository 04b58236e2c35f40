// @vitest-environment happy-dom
// The budget grid driven from the keyboard, as a person edits a plan: it saves through the backend
// with exact minor units, keeps totals in step, and refuses what the currency cannot hold.

import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import type { Backend, CommandName, RecordView, RequestOf, ResponseOf } from '../backend';
import BudgetGrid from './BudgetGrid.svelte';
import type { BudgetGrid as Grid } from '../bindings/BudgetGrid';

const months = ['2026-01', '2026-02', '2026-03'];

/** The core's grid for the three months: budgets and actuals already in the base currency. */
const grid: Grid = {
  initiative_id: 7,
  period: { kind: 'fiscal_year', key: '2026', label: '2026', first: '2026-01', last: '2026-03' },
  base_currency: 'USD',
  to_date_words: '2026 to date, through Feb',
  months: [
    { month: '2026-01', state: 'closed', budget_minor: 100_000, actual_minor: 130_000, budget_to_date_minor: 100_000, variance_minor: 30_000 },
    { month: '2026-02', state: 'running', budget_minor: 0, actual_minor: 0, budget_to_date_minor: 0, variance_minor: 0 },
    { month: '2026-03', state: 'future', budget_minor: 0, actual_minor: null, budget_to_date_minor: null, variance_minor: null },
  ],
  categories: [{ category: 'compute', total_minor: 100_000 }],
  budget_period_minor: 100_000,
  budget_to_date_minor: 100_000,
  actual_to_date_minor: 130_000,
  variance_to_date_minor: 30_000,
  years: [2026, 2027],
};
const line = (id: number, month: string, category: string, minor: number): RecordView => ({
  kind: 'budget',
  id,
  fields: { initiative_id: 7, month, category, amount: { minor, currency: 'USD' }, note: null },
});

/** A backend that answers create/update/remove like the real one and records every call. */
class RecordingBackend implements Backend {
  readonly transport = 'http' as const;
  // These components never follow background sync.
  onSyncProgress = async () => () => {};
  calls: { name: string; request: unknown }[] = [];
  private nextId = 100;
  async call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    this.calls.push({ name, request });
    const r = request as { kind: 'budget'; id?: number; fields?: Record<string, unknown>; changes?: Record<string, unknown> };
    if (name === 'create_record') return { kind: 'budget', id: this.nextId++, fields: r.fields } as ResponseOf<N>;
    if (name === 'update_record') return { kind: 'budget', id: r.id, fields: { ...r.changes } } as ResponseOf<N>;
    return { kind: 'budget', id: r.id ?? 0, fields: {} } as ResponseOf<N>;
  }
}

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  app.backend = null;
});

async function settle() {
  for (let i = 0; i < 5; i++) {
    await tick();
    await Promise.resolve();
  }
  flushSync();
}

function key(target: Element, key: string) {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
}

async function typeInto(cell: HTMLElement, text: string) {
  cell.click();
  await settle();
  key(cell, text[0] ?? '');
  await settle();
  const input = document.querySelector('input[data-editing]') as HTMLInputElement;
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await settle();
  key(input, 'Enter');
  await settle();
}

function cellText(label: string): string {
  const cell = [...document.querySelectorAll('[data-cell]')].find((c) => c.getAttribute('aria-label')?.startsWith(label));
  return cell?.getAttribute('aria-label') ?? '(no cell)';
}

describe('BudgetGrid', () => {
  it('creates a cell with exact minor units from typed text, and refuses a third decimal', async () => {
    const backend = new RecordingBackend();
    app.backend = backend;
    document.body.innerHTML = '';
    const props = $state({
      initiativeId: 7,
      initiativeName: 'Fraud detection',
      grid,
      lines: [line(1, '2026-01', 'compute', 100_000)],
    });
    mounted = mount(BudgetGrid, { target: document.body, props });
    await settle();
    expect(document.querySelector('[role="grid"]')?.getAttribute('aria-label')).toContain('Fraud detection');
    // Totals and the over/under row are the core's figures, said in words.
    const foot = document.querySelector('tfoot')?.textContent ?? '';
    expect(foot).toContain('$1,300');
    expect(foot).toMatch(/\$300 over/);

    // Compute, February: the second cell of the first row.
    const feb = document.querySelector('[data-cell="0-1"]') as HTMLElement;
    await typeInto(feb, '1250.5');
    const created = backend.calls.find((c) => c.name === 'create_record');
    expect(created?.request).toMatchObject({
      kind: 'budget',
      fields: { initiative_id: 7, month: '2026-02', category: 'compute', amount: { minor: 125_050, currency: 'USD' } },
    });
    expect(cellText('Compute, Feb 2026')).toContain('$1,250.50');

    // Compute, March: more decimals than USD has is refused next to the cell, and nothing is sent.
    const before = backend.calls.length;
    const mar = document.querySelector('[data-cell="0-2"]') as HTMLElement;
    await typeInto(mar, '12.345');
    expect(backend.calls.length).toBe(before);
    expect(document.body.textContent).toMatch(/decimal/i);
  });
});
