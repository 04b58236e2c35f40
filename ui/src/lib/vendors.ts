// The Vendors page's renewal timeline: contracts ending within a window, with their notice dates.
// The Overview and the report list notice deadlines from the planning core (`summary.renewals`);
// this timeline looks a year ahead, beyond the core's 90 days.

import type { Money, RecordView } from './backend';
import { daysBetween } from './format';
import { moneyOf } from './overview';

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
