// The overview's arithmetic: monthly totals in the base currency, renewals, what needs attention.
// Sums stay integer minor units; the backend converts other currencies into the base currency.

import type { InitiativeTotals, Money, MonthTotals, RecordView } from './backend';
import { sumMinor } from './money';
import { daysBetween } from './format';

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
  /** False for months after the last month with actuals: there is nothing to compare yet. */
  closed: boolean;
}

/** Budget and actual per month of `months`, from the summary's per-month totals (already in the
 * base currency: the backend converts). */
export function monthlyTotals(
  months: readonly string[],
  byMonth: readonly MonthTotals[],
  actualsThrough: string | null,
): MonthRow[] {
  const found = new Map(byMonth.map((m) => [m.month, m]));
  return months.map((month) => ({
    month,
    budget: found.get(month)?.budget_minor ?? 0,
    actual: found.get(month)?.actual_minor ?? 0,
    closed: actualsThrough !== null && month <= actualsThrough,
  }));
}

/** Budget and actual of the closed months, and the budget of the whole year. */
export function yearToDate(months: readonly MonthRow[]): { budget: number; actual: number; fullYearBudget: number } {
  const closed = months.filter((m) => m.closed);
  return {
    budget: sumMinor(closed.map((m) => m.budget)),
    actual: sumMinor(closed.map((m) => m.actual)),
    fullYearBudget: sumMinor(months.map((m) => m.budget)),
  };
}

export interface Renewal {
  record: RecordView;
  title: string;
  vendorId: number | null;
  end: string;
  /** The last day to give notice: `end` minus `notice_days`. */
  noticeBy: string;
  daysToEnd: number;
  daysToNotice: number;
  autoRenew: boolean;
  value: Money | null;
}

function minusDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) - days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Contracts that end between `today` and `today + days`, soonest first. */
export function renewalsWithin(contracts: readonly RecordView[], today: string, days: number): Renewal[] {
  const out: Renewal[] = [];
  for (const c of contracts) {
    const end = c.fields.end;
    if (typeof end !== 'string') continue;
    const daysToEnd = daysBetween(today, end);
    if (daysToEnd < 0 || daysToEnd > days) continue;
    const noticeDays = typeof c.fields.notice_days === 'number' ? c.fields.notice_days : 0;
    const noticeBy = minusDays(end, noticeDays);
    out.push({
      record: c,
      title: String(c.fields.title ?? `Contract #${c.id}`),
      vendorId: typeof c.fields.vendor_id === 'number' ? c.fields.vendor_id : null,
      end,
      noticeBy,
      daysToEnd,
      daysToNotice: daysBetween(today, noticeBy),
      autoRenew: c.fields.auto_renew === true,
      value: moneyOf(c, 'value'),
    });
  }
  return out.sort((a, b) => a.daysToEnd - b.daysToEnd || a.title.localeCompare(b.title));
}

/** Initiatives spending more than their budget to date, most over first. */
export function overBudget(initiatives: readonly InitiativeTotals[]): InitiativeTotals[] {
  return initiatives
    .filter((i) => Number(i.variance_minor) < 0)
    .sort((a, b) => Number(a.variance_minor) - Number(b.variance_minor));
}
