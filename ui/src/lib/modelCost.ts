// How a model's cost is drawn: each part's share of the bar and each month's bar height. The
// figures are the planning core's (`cost_models`); nothing here adds money up.

import type { CostPart } from './bindings/CostPart';
import type { ModelCost } from './bindings/ModelCost';

const PARTS: { part: CostPart; label: string; field: 'infra_minor' | 'people_minor' | 'vendor_minor' | 'shared_minor' }[] = [
  { part: 'infra', label: 'Infrastructure', field: 'infra_minor' },
  { part: 'people', label: 'People', field: 'people_minor' },
  { part: 'vendor', label: 'Vendors', field: 'vendor_minor' },
  { part: 'shared', label: 'Shared and idle', field: 'shared_minor' },
];

export interface PartShare {
  part: CostPart;
  label: string;
  minor: number;
  /** Percent of the bar (parts below zero, such as a credit, take none). */
  width: number;
}

/** Each part with its width on the bar, in the core's order. */
export function partShares(cost: ModelCost): PartShare[] {
  const drawn = (p: (typeof PARTS)[number]) => Math.max(0, cost[p.field]);
  const whole = PARTS.reduce((sum, p) => sum + drawn(p), 0);
  return PARTS.map((p) => ({ part: p.part, label: p.label, minor: cost[p.field], width: whole > 0 ? (drawn(p) / whole) * 100 : 0 }));
}

/** One bar per month, 0–40 high against the highest month; a month below zero draws none. */
export function monthBars(byMonth: readonly number[], months: readonly string[]): { month: string; minor: number; height: number }[] {
  const highest = Math.max(0, ...byMonth);
  return months.map((month, i) => {
    const minor = byMonth[i] ?? 0;
    return { month, minor, height: highest > 0 ? (Math.max(0, minor) / highest) * 40 : 0 };
  });
}

/** A cost per 1,000 predictions (the core's figure, a fraction of a unit): `$0.0373`, `$1.25`. */
export function perThousandText(value: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumSignificantDigits: 3 }).format(value);
}
