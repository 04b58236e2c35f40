// Words for a model's live metrics, from the `model_metrics` readout. The core judges: whether a value
// breaches its threshold is the readout's `state`, and whether data is stale is its `stale` (older
// than twice the connection's sync interval plus the metric's step; MLflow run metrics never are).
// Nothing here compares a value with a threshold or an age with a limit.

import type { MetricReadout } from './bindings/MetricReadout';
import type { MetricState } from './bindings/MetricState';
import type { SampleValue } from './bindings/SampleValue';
import type { SyncRunReport } from './bindings/SyncRunReport';
import type { Threshold } from './bindings/Threshold';
import type { Tone } from './tones';
import { ageText } from './format';

/** `212 ms`, `99.5%`, `0.925`, `0.00462` (ratios go bare), `+Inf ms`: about three significant digits. */
export function formatMetricValue(value: SampleValue, unit: string, locale?: string): string {
  const number =
    typeof value === 'string'
      ? value
      : Math.abs(value) < 1
        ? new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 }).format(value)
        : new Intl.NumberFormat(locale, { maximumFractionDigits: decimalsFor(value) }).format(value);
  const u = unit.trim();
  if (u === '%') return `${number}%`;
  if (u === '' || u === 'ratio') return number;
  return `${number} ${u}`;
}

function decimalsFor(value: number): number {
  const size = Math.abs(value);
  if (size >= 100) return 0;
  if (size >= 10) return 1;
  return 2;
}

/** `threshold ≤ 200 ms`: the good side, as the chart writes it. */
export function thresholdText(threshold: Threshold, unit: string, locale?: string): string {
  const side = threshold.bad_when === 'above' ? '≤' : '≥';
  return `threshold ${side} ${formatMetricValue(threshold.value, unit, locale)}`;
}

const STATES: Record<MetricState, { label: string; tone: Tone }> = {
  ok: { label: 'OK', tone: 'good' },
  bad: { label: 'Breaching', tone: 'bad' },
  no_threshold: { label: 'No threshold', tone: 'neutral' },
  no_data: { label: 'No data yet', tone: 'neutral' },
};

/** The badge of a readout's state. */
export function stateBadge(state: MetricState): { label: string; tone: Tone } {
  return STATES[state];
}

/** How old the latest value is, and whether the core calls it stale. */
export function freshness(readout: Pick<MetricReadout, 'age_seconds' | 'stale' | 'stale_after_seconds'>): {
  text: string;
  stale: boolean;
  hint: string | null;
} {
  if (readout.age_seconds === null) return { text: 'no data synced yet', stale: false, hint: null };
  const text = `data ${ageText(readout.age_seconds)} old`;
  const limit = readout.stale_after_seconds;
  const hint =
    limit === null
      ? null
      : `Counts as stale after ${ageText(limit)}: twice the connection's sync interval plus the metric's step.`;
  return { text: readout.stale ? `${text} — stale` : text, stale: readout.stale, hint };
}

/**
 * The last sync of the metric's connection, in words; a failure carries `error`, the readout's
 * `sync_error` (the part of the run's error about this metric).
 */
export function syncText(
  run: SyncRunReport | null,
  error: string | null,
  nowSeconds: number,
): { text: string; failed: boolean } {
  if (!run) return { text: 'not synced yet', failed: false };
  const at = Date.parse(run.finished_at ?? run.started_at);
  const seconds = nowSeconds - at / 1000;
  const ago = Number.isNaN(at) ? '' : seconds < 10 ? ' just now' : ` ${ageText(seconds)} ago`;
  switch (run.status) {
    case 'succeeded':
      return { text: `${run.connection} synced${ago}`, failed: false };
    case 'running':
      return { text: `${run.connection} is syncing…`, failed: false };
    case 'cancelled':
      return { text: `${run.connection}: last sync cancelled${ago}`, failed: false };
    case 'failed': {
      // The core names the connection at the start of its errors; the line names it already.
      const said = error?.replace(`connection \`${run.connection}\`: `, '') ?? 'no error recorded';
      return { text: `${run.connection}: last sync failed${ago} — ${said}`, failed: true };
    }
  }
}

/** Breaching metrics first, then the rest in the core's order (by key). */
export function breachingFirst<T extends Pick<MetricReadout, 'state'>>(metrics: readonly T[]): T[] {
  return [...metrics.filter((m) => m.state === 'bad'), ...metrics.filter((m) => m.state !== 'bad')];
}

/** The metric to chart first: a breaching one, else one with data, else the first. */
export function firstToChart(metrics: readonly Pick<MetricReadout, 'key' | 'state'>[]): string | null {
  const pick =
    metrics.find((m) => m.state === 'bad') ?? metrics.find((m) => m.state !== 'no_data') ?? metrics[0] ?? null;
  return pick?.key ?? null;
}

/** The windows the chart offers, as `since` words the core parses. */
export const WINDOWS = [
  { since: '36h', label: '36 h' },
  { since: '7d', label: '7 days' },
  { since: '30d', label: '30 days' },
] as const;

/** How to bind a first metric, for a model without any. */
export function bindHint(model: string): string {
  const quoted = /^[A-Za-z0-9._-]+$/.test(model) ? model : `'${model.replace(/'/g, `'\\''`)}'`;
  return `mlops-portfolio metric bind ${quoted} --template http`;
}
