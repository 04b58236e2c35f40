// Words, groups and sparkline geometry for the KPI scorecard (`kpi_scorecard`). The core judges
// and writes: a KPI's status, trend and age arrive with its row, and so do its value and target in
// words (`value_text`, `target_text`, written as on charts and in the CLI), so nothing here compares
// a value with a target, an age with a cadence, or formats a measurement of its own.

import type { KpiCadence } from './bindings/KpiCadence';
import type { KpiDirection } from './bindings/KpiDirection';
import type { KpiFormula } from './bindings/KpiFormula';
import type { KpiRecorded } from './bindings/KpiRecorded';
import type { KpiStatus } from './bindings/KpiStatus';
import type { KpiTrend } from './bindings/KpiTrend';
import type { ScorecardRow } from './bindings/ScorecardRow';
import type { StatusCounts } from './bindings/StatusCounts';
import { humanize } from './format';
import { type Tone, toneOf } from './tones';
import { KPI_STATUSES } from './vocabulary';

/** The statuses the "needs attention" filter keeps. */
export const NEEDS_ATTENTION: ReadonlySet<KpiStatus> = new Set<KpiStatus>(['red', 'amber', 'stale', 'no_data']);

/** The badge of a status: always a word, the colour (the app's tone of the word) only repeats it. */
export function statusBadge(status: KpiStatus): { label: string; tone: Tone } {
  return { label: humanize(status), tone: toneOf(status) };
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `"2026-11-30"` → `"30 Nov"` within the year of `asOf`, `"31 Oct 2025"` outside it. */
export function formatDay(date: string, asOf: string, locale?: string): string {
  const d = DATE_RE.exec(date);
  if (!d) return date;
  const sameYear = date.slice(0, 4) === asOf.slice(0, 4);
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: sameYear ? undefined : 'numeric',
    timeZone: 'UTC',
  }).format(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])));
}

function daysAgo(days: number): string {
  if (days <= 0) return 'today';
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** `measured weekly`. */
export function cadenceWords(cadence: KpiCadence): string {
  return `measured ${cadence}`;
}

/**
 * When the newest value is from: `30 Nov, 3 days ago`; for a stale KPI how old it is and how often
 * it should be measured (`last value 31 Jul, 125 days ago; measured monthly`).
 */
export function whenWords(
  row: Pick<ScorecardRow, 'as_of' | 'age_days' | 'status' | 'cadence'>,
  scorecardAsOf: string,
  locale?: string,
): string {
  if (row.as_of === null) return `no value yet; ${cadenceWords(row.cadence)}`;
  const day = formatDay(row.as_of, scorecardAsOf, locale);
  const ago = row.age_days === null ? '' : `, ${daysAgo(row.age_days)}`;
  if (row.status === 'stale') return `last value ${day}${ago}; ${cadenceWords(row.cadence)}`;
  return `${day}${ago}`;
}

/**
 * The trend as an arrow and a word. The arrow shows which way the value moved (a latency that fell
 * is improving: ↘), the word and tone whether that is good.
 */
export function trendMark(trend: KpiTrend, direction: KpiDirection): { arrow: string; word: string; tone: Tone } {
  const higherIsBetter = direction === 'higher_is_better';
  switch (trend) {
    case 'improving':
      return { arrow: higherIsBetter ? '↗' : '↘', word: 'improving', tone: 'good' };
    case 'worsening':
      return { arrow: higherIsBetter ? '↘' : '↗', word: 'worsening', tone: 'bad' };
    case 'steady':
      return { arrow: '→', word: 'steady', tone: 'neutral' };
    case 'unknown':
      return { arrow: '', word: 'no trend yet', tone: 'neutral' };
  }
}

/** Where the newest value came from: `imported`, `synced from precision of fraud-txn-scorer`. */
export function sourceWords(row: Pick<ScorecardRow, 'source' | 'bound_to'>): string | null {
  switch (row.source) {
    case null:
      return null;
    case 'synced':
      return row.bound_to ? `synced from ${row.bound_to}` : 'synced';
    default:
      return row.source;
  }
}

/** How a computed KPI is computed, for the sentence that says why it takes no typed values. */
export function formulaWords(formula: KpiFormula): string {
  switch (formula) {
    case 'roi':
      return "the initiative's stated annual benefit over its fully loaded cost of the last 12 months";
    case 'cost_per_1000_predictions':
      return "the model's fully loaded cost of a month per 1,000 predictions that month";
  }
}

/** `Recorded 0.93 for 30 Nov — green (replaced 0.91)`: what `kpi_record` wrote, as the form confirms it. */
export function recordedWords(recorded: KpiRecorded, today: string, locale?: string): string {
  const status = statusBadge(recorded.status).label.toLowerCase();
  const replaced = recorded.replaced_text === null ? '' : ` (replaced ${recorded.replaced_text})`;
  return `Recorded ${recorded.value_text} for ${formatDay(recorded.date, today, locale)} — ${status}${replaced}`;
}

/** How to type a value in a unit whose numbers are easy to get wrong. */
export function valueHint(unit: string): string | null {
  const u = unit.trim();
  if (u === '%') return 'In percent: 93 for 93%';
  if (u === 'ratio') return 'A ratio: 0.93, not 93';
  return null;
}

/** `1 red · 2 amber · 1 stale · 0 without data · 11 green`. */
export function countsLine(counts: StatusCounts): string {
  return [
    `${counts.red} red`,
    `${counts.amber} amber`,
    `${counts.stale} stale`,
    `${counts.no_data} without data`,
    `${counts.green} green`,
  ].join(' · ');
}

/** The statuses a group's KPIs stand at, worst first, leaving out those none does: `1 amber · 3 green`. */
export function statusSummary(counts: StatusCounts): string {
  return KPI_STATUSES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s === 'no_data' ? 'without data' : s}`)
    .join(' · ');
}

/** How many of `rows` stand at each status (the core's counts cover every KPI, not a filtered few). */
export function countStatuses(rows: readonly Pick<ScorecardRow, 'status'>[]): StatusCounts {
  const counts: StatusCounts = { red: 0, amber: 0, stale: 0, no_data: 0, green: 0 };
  for (const row of rows) counts[row.status] += 1;
  return counts;
}

/** The filter value of KPIs without an initiative, in `#/scorecard?initiative=none`. */
export const NO_INITIATIVE_KEY = 'none';
export const NO_INITIATIVE = 'No initiative';

export interface KpiGroup {
  /** The initiative's id as text, or `none`: the filter value that shows this group alone. */
  key: string;
  name: string;
  /** The group's rows in the core's order, worst first. */
  rows: ScorecardRow[];
  worst: KpiStatus;
}

const rank = (status: KpiStatus) => KPI_STATUSES.indexOf(status);

function groupKey(row: Pick<ScorecardRow, 'initiative_id'>): string {
  return row.initiative_id === null ? NO_INITIATIVE_KEY : String(row.initiative_id);
}

/**
 * The rows by initiative: groups with a worse KPI first, then by name; KPIs without an initiative
 * last, under "No initiative". Rows keep the core's order within a group.
 */
export function groupByInitiative(rows: readonly ScorecardRow[]): KpiGroup[] {
  const groups = new Map<string, KpiGroup>();
  for (const row of rows) {
    const key = groupKey(row);
    let group = groups.get(key);
    if (!group) {
      const name = row.initiative_id === null ? NO_INITIATIVE : (row.initiative ?? `#${row.initiative_id}`);
      group = { key, name, rows: [], worst: row.status };
      groups.set(key, group);
    }
    group.rows.push(row);
    if (rank(row.status) < rank(group.worst)) group.worst = row.status;
  }
  return [...groups.values()].sort(
    (a, b) =>
      Number(a.key === NO_INITIATIVE_KEY) - Number(b.key === NO_INITIATIVE_KEY) ||
      rank(a.worst) - rank(b.worst) ||
      a.name.localeCompare(b.name),
  );
}

/** The initiatives the rows belong to, by name, for the filter; "No initiative" last when any KPI has none. */
export function initiativeChoices(rows: readonly ScorecardRow[]): { value: string; label: string }[] {
  const named = new Map<string, string>();
  let unassigned = false;
  for (const row of rows) {
    if (row.initiative_id === null) unassigned = true;
    else named.set(String(row.initiative_id), row.initiative ?? `#${row.initiative_id}`);
  }
  const choices = [...named].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  return unassigned ? [...choices, { value: NO_INITIATIVE_KEY, label: NO_INITIATIVE }] : choices;
}

/** The rows of one initiative (its id as text, or `none`), or all when `initiative` is null. */
export function rowsOfInitiative(rows: readonly ScorecardRow[], initiative: string | null): ScorecardRow[] {
  return initiative === null ? [...rows] : rows.filter((row) => groupKey(row) === initiative);
}

/**
 * Only the rows that need attention (red, amber, stale, no data) when `attentionOnly`, and the KPI
 * `keep` (the one open): a value just recorded that turns it green does not whisk it away.
 */
export function rowsNeedingAttention(
  rows: readonly ScorecardRow[],
  attentionOnly: boolean,
  keep: number | null = null,
): ScorecardRow[] {
  return attentionOnly ? rows.filter((row) => NEEDS_ATTENTION.has(row.status) || row.kpi_id === keep) : [...rows];
}

export interface SparkBox {
  width: number;
  height: number;
  /** Room left at every edge, so the last point's dot is not cut off. */
  pad: number;
}

export const SPARK_BOX: SparkBox = { width: 120, height: 28, pad: 3 };

export interface SparkPoint {
  x: number;
  y: number;
}

export interface Sparkline {
  points: SparkPoint[];
  /** The `points` attribute of the polyline. */
  polyline: string;
  last: SparkPoint;
  /** The target band from `top` to `bottom` (SVG y grows downwards); null without a target. */
  band: { top: number; bottom: number } | null;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Where the values go in a `box`, oldest at the left, evenly spaced. The vertical scale spans the
 * values and the target's edges, so the band shows how far the line is from it. A flat scale (one
 * value, or all equal to the target) draws along the middle; a single value is a dot at the right.
 */
export function sparkline(
  values: readonly number[],
  target: { low: number | null; high: number | null },
  box: SparkBox = SPARK_BOX,
): Sparkline | null {
  const edges = [target.low, target.high].filter((v): v is number => v !== null && Number.isFinite(v));
  const scale = [...values, ...edges].filter(Number.isFinite);
  const lo = Math.min(...scale);
  const hi = Math.max(...scale);
  const innerWidth = box.width - 2 * box.pad;
  const innerHeight = box.height - 2 * box.pad;
  const y = (v: number) => round(hi === lo ? box.height / 2 : box.pad + ((hi - v) / (hi - lo)) * innerHeight);
  const x = (i: number) => round(values.length === 1 ? box.width - box.pad : box.pad + (i / (values.length - 1)) * innerWidth);
  const points = values.map((v, i) => ({ x: x(i), y: y(v) }));
  const last = points[points.length - 1];
  if (!last) return null;
  const band =
    edges.length === 0
      ? null
      : { top: target.high === null ? 0 : y(target.high), bottom: target.low === null ? box.height : y(target.low) };
  return {
    points,
    polyline: points.map((p) => `${p.x},${p.y}`).join(' '),
    last,
    band,
  };
}
