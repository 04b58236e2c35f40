// @vitest-environment happy-dom
// The budget grid driven from the keyboard, as a person edits a plan: it saves through the backend
// with exact minor units, keeps totals in step, and refuses what the currency cannot hold.

import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import type { Backend, CommandName, RecordView, RequestOf, ResponseOf } from '../backend';
import BudgetGrid from './BudgetGrid.svelte';
import type { BudgetGrid as Grid } from '../bindings/BudgetGrid';
import type { BudgetCell } from '../bindings/BudgetCell';

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
  categories: [{ category: 'compute', total_minor: 100_000, forecast_minor: 120_000 }],
  budget_period_minor: 100_000,
  landing_minor: 120_000,
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

/** A backend that sets budget cells like the real one (one line per cell) and records every call. */
class RecordingBackend implements Backend {
  readonly transport = 'http' as const;
  // These components never follow background sync.
  onSyncProgress = async () => () => {};
  calls: { name: string; request: unknown }[] = [];
  private nextId = 100;
  constructor(public lines: RecordView[]) {}
  async call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    this.calls.push({ name, request });
    if (name !== 'budget_set') throw new Error(`unexpected ${name}`);
    const { cells } = request as RequestOf<'budget_set'>;
    const find = (month: string, category: string) =>
      this.lines.find((l) => l.fields.month === month && l.fields.category === category);
    const before = cells.map((c) => ({ ...c, amount: (find(c.month, c.category)?.fields.amount as BudgetCell['amount']) ?? null }));
    for (const c of cells) {
      const existing = find(c.month, c.category);
      this.lines = this.lines.filter((l) => l !== existing);
      if (c.amount && c.amount.minor !== 0) {
        this.lines.push({ kind: 'budget', id: existing?.id ?? this.nextId++, fields: { initiative_id: 7, month: c.month, category: c.category, amount: c.amount, note: null } });
      }
    }
    return { created: 0, updated: 0, removed: 0, before, lines: [...this.lines] } as ResponseOf<N>;
  }
  amount(month: string, category = 'compute'): number | null {
    const amount = this.lines.find((l) => l.fields.month === month && l.fields.category === category)?.fields.amount as
      | { minor: number }
      | undefined;
    return amount?.minor ?? null;
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

function paste(target: Element, text: string) {
  const event = new Event('paste', { bubbles: true, cancelable: true }) as Event & { clipboardData: unknown };
  Object.defineProperty(event, 'clipboardData', { value: { getData: () => text } });
  target.dispatchEvent(event);
}

function button(name: string): HTMLButtonElement {
  const found = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim().startsWith(name));
  if (!found) throw new Error(`no ${name} button`);
  return found as HTMLButtonElement;
}

async function mountGrid(backend: RecordingBackend) {
  app.backend = backend;
  document.body.innerHTML = '';
  const props = $state({ initiativeId: 7, initiativeName: 'Fraud detection', grid, lines: [...backend.lines] });
  mounted = mount(BudgetGrid, { target: document.body, props });
  await settle();
}

describe('BudgetGrid', () => {
  it('saves a typed cell with exact minor units in one budget_set, and refuses a third decimal', async () => {
    const backend = new RecordingBackend([line(1, '2026-01', 'compute', 100_000)]);
    await mountGrid(backend);
    expect(document.querySelector('[role="grid"]')?.getAttribute('aria-label')).toContain('Fraud detection');
    // Totals, the row forecast and the over/under row are the core's figures, said in words.
    const foot = document.querySelector('tfoot')?.textContent ?? '';
    expect(foot).toContain('$1,300');
    expect(foot).toMatch(/\$300 over/);
    expect(document.querySelector('tbody td.forecast')?.textContent).toContain('$1,200');
    expect(document.querySelector('tbody td.forecast')?.classList.contains('bad')).toBe(true);

    // Compute, February: the second cell of the first row.
    const feb = document.querySelector('[data-cell="0-1"]') as HTMLElement;
    await typeInto(feb, '1250.5');
    expect(backend.calls.at(-1)?.request).toEqual({
      initiative: 7,
      cells: [{ month: '2026-02', category: 'compute', amount: { minor: 125_050, currency: 'USD' } }],
    });
    expect(cellText('Compute, Feb 2026')).toContain('$1,250.50');

    // Compute, March: more decimals than USD has is refused next to the cell, and nothing is sent.
    const before = backend.calls.length;
    const mar = document.querySelector('[data-cell="0-2"]') as HTMLElement;
    await typeInto(mar, '12.345');
    expect(backend.calls.length).toBe(before);
    expect(document.body.textContent).toMatch(/decimal/i);
  });

  it('fills right, pastes a block, and undoes and redoes each as one change', async () => {
    const backend = new RecordingBackend([line(1, '2026-01', 'compute', 100_000)]);
    await mountGrid(backend);
    const jan = document.querySelector('[data-cell="0-0"]') as HTMLElement;
    jan.click();
    await settle();
    button('Fill right').click();
    await settle();
    expect([backend.amount('2026-02'), backend.amount('2026-03')]).toEqual([100_000, 100_000]);
    expect(backend.calls).toHaveLength(1);

    // A 2 × 2 block from a spreadsheet, from People in February (rows: compute, storage, people,
    // vendor): one call, every cell.
    const people = document.querySelector('[data-cell="2-1"]') as HTMLElement;
    people.click();
    await settle();
    paste(people, '1,000.00\t2000\r\n\t3000\r\n');
    await settle();
    expect(backend.calls).toHaveLength(2);
    const rows = (document.querySelectorAll('tbody tr')[2] as HTMLElement).textContent ?? '';
    expect(rows).toContain('$1,000');
    expect([backend.amount('2026-02', 'people'), backend.amount('2026-03', 'people')]).toEqual([100_000, 200_000]);
    expect([backend.amount('2026-02', 'vendor'), backend.amount('2026-03', 'vendor')]).toEqual([null, 300_000]);

    // Undo takes the block back whole; undo again takes back the fill; redo puts the fill back.
    button('Undo').click();
    await settle();
    expect([backend.amount('2026-02', 'people'), backend.amount('2026-03', 'vendor')]).toEqual([null, null]);
    button('Undo').click();
    await settle();
    expect([backend.amount('2026-02'), backend.amount('2026-03')]).toEqual([null, null]);
    expect(backend.amount('2026-01')).toBe(100_000);
    expect(button('Undo').disabled).toBe(true);
    button('Redo').click();
    await settle();
    expect(backend.amount('2026-03')).toBe(100_000);

    // A block that does not fit, or holds a word, is refused with its place; nothing is sent.
    const sent = backend.calls.length;
    paste(people, '1\t2\t3');
    await settle();
    expect(document.body.textContent).toContain('the pasted block is 1 × 3 cells');
    paste(people, '10\nabc');
    await settle();
    expect(document.body.textContent).toContain('row 2, column 1 of the pasted block');
    expect(backend.calls.length).toBe(sent);
  });
});
