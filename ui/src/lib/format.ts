// Dates, months, counts and percentages, formatted the same way on every page.

const MONTH_RE = /^(\d{4})-(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `"2026-11"` → `"Nov 2026"`; anything else is returned as it came. */
export function formatMonth(month: string | null | undefined, locale?: string): string {
  if (!month) return '—';
  const m = MONTH_RE.exec(month);
  if (!m) return month;
  return new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, 1),
  );
}

/** `"2026-11"` → `"Nov"`, for chart axes. */
export function formatMonthShort(month: string, locale?: string): string {
  const m = MONTH_RE.exec(month);
  if (!m) return month;
  return new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' }).format(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, 1),
  );
}

/** `"2027-05-30"` → `"30 May 2027"` (in the OS's order). */
export function formatDate(date: string | null | undefined, locale?: string): string {
  if (!date) return '—';
  const d = DATE_RE.exec(date);
  if (!d) return date;
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])),
  );
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD` or `YYYY-MM`, read as the 1st). */
export function daysBetween(from: string, to: string): number {
  const parse = (s: string) => {
    const d = DATE_RE.exec(s) ?? MONTH_RE.exec(s);
    if (!d) return NaN;
    return Date.UTC(Number(d[1]), Number(d[2]) - 1, d[3] ? Number(d[3]) : 1);
  };
  return Math.round((parse(to) - parse(from)) / 86_400_000);
}

/** The months of a year: `monthsOf(2026)` → `["2026-01", ..., "2026-12"]`. */
export function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

/** Today as `YYYY-MM-DD` in UTC, the grain the core stores dates in. */
export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** "42 s", "4 min", "3 h", "2 days": an age as a person reads it (as the CLI writes it). */
export function ageText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

export function formatCount(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** `0.1234` → `"12.3%"`. */
export function formatRatio(ratio: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** `"model-version"` or `"risk_tier"` → `"Model version"`, `"Risk tier"`. */
export function humanize(word: string): string {
  const spaced = word.replace(/[-_]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
