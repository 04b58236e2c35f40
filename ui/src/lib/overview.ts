// What the overview and the pages around it need to show the planning core's figures. Nothing here
// adds, subtracts or compares money: every figure arrives computed (`summary`), in the base currency.

import type { AttentionItem, Money, PlanMonth, RecordView } from './backend';
import { href } from './router.svelte';
import { formatMoney, type MoneyFormat } from './money';

/** A money field of a record (`amount`, `value`), or null when absent. */
export function moneyOf(record: RecordView, field: string): Money | null {
  const v = record.fields[field];
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.minor === 'number' && typeof v.currency === 'string') {
    return { minor: v.minor, currency: v.currency };
  }
  return null;
}

export interface MonthRow {
  month: string;
  budget: number;
  actual: number;
  /** False for months not begun: there is nothing to compare yet. */
  closed: boolean;
}

/** The core's months of the period as chart rows (the running month shows its month-to-date). */
export function monthRows(months: readonly PlanMonth[]): MonthRow[] {
  return months.map((m) => ({
    month: m.month,
    budget: Number(m.budget_minor),
    actual: Number(m.actual_minor),
    closed: m.state !== 'future',
  }));
}

/** Where an attention item leads: the initiative, the person on Team, the contract on Vendors, the
 *  KPI on the Scorecard, a metric on Monitoring. */
export function attentionLink(item: AttentionItem): string {
  switch (item.entity) {
    case 'initiative':
      return href(`initiatives/${item.id}`);
    case 'person':
      return href('team', { person: String(item.id) });
    case 'contract':
      return href('vendors', { contract: String(item.id) });
    case 'kpi':
      return href('scorecard', { kpi: String(item.id) });
    case 'model':
      return item.kind === 'metric_breaching' || item.kind === 'metric_stale' ? href('monitoring') : href(`models/${item.id}`);
    default:
      return href('');
  }
}

/** Red for money already lost or a deadline passed; amber for what is still ahead. */
export function attentionTone(item: AttentionItem): 'bad' | 'warn' {
  const bad = ['over_budget', 'notice_passed', 'overbooked', 'kpi_red', 'metric_breaching', 'promoted_outside_gate'];
  return bad.includes(item.kind) ? 'bad' : 'warn';
}

/** "over" for a positive variance, "under" for a negative one, "even" for none: the core's sign. */
export function overUnder(varianceMinor: number | bigint): 'over' | 'under' | 'even' {
  const v = Number(varianceMinor);
  return v > 0 ? 'over' : v < 0 ? 'under' : 'even';
}

/** `$1.2K over`, `$300 under`, `on budget`: a variance in words, never a bare minus sign. */
export function varianceWords(varianceMinor: number | bigint, currency: string, options: MoneyFormat = { compact: true }): string {
  const way = overUnder(varianceMinor);
  if (way === 'even') return 'on budget';
  return `${formatMoney(Math.abs(Number(varianceMinor)), currency, options)} ${way}`;
}
