// Searching, filtering and sorting of in-memory rows, shared by every list. Pure functions: the
// pages hold the state, these compute what to show.

export type SortDirection = 'ascending' | 'descending';
export interface SortState<K extends string = string> {
  key: K;
  direction: SortDirection;
}

export type Sortable = string | number | null | undefined;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares two cell values: numbers as numbers, text by the OS's collation; empty last. */
export function compareValues(a: Sortable, b: Sortable): number {
  const aEmpty = a === null || a === undefined || a === '';
  const bEmpty = b === null || b === undefined || b === '';
  if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * A sorted copy. Empty values stay last in both directions; ties keep their order (stable), so
 * sorting by stage then by risk reads as expected.
 */
export function sortRows<T, K extends string>(
  rows: readonly T[],
  sort: SortState<K> | null,
  value: (row: T, key: K) => Sortable,
): T[] {
  if (!sort) return rows.slice();
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const keyed = rows.map((row, index) => ({ row, index, v: value(row, sort.key) }));
  keyed.sort((x, y) => {
    const xEmpty = x.v === null || x.v === undefined || x.v === '';
    const yEmpty = y.v === null || y.v === undefined || y.v === '';
    if (xEmpty || yEmpty) return xEmpty === yEmpty ? x.index - y.index : xEmpty ? 1 : -1;
    return sign * compareValues(x.v, y.v) || x.index - y.index;
  });
  return keyed.map((k) => k.row);
}

/** The next sort after a click on `key`'s header: ascending, then descending, then ascending. */
export function toggleSort<K extends string>(current: SortState<K> | null, key: K): SortState<K> {
  if (current?.key === key && current.direction === 'ascending') return { key, direction: 'descending' };
  return { key, direction: 'ascending' };
}

/** Lower-cased words of a search box; every word must appear somewhere in a row. */
export function searchTerms(query: string): string[] {
  return query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
}

export function matchesSearch(haystack: string, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const text = haystack.toLocaleLowerCase();
  return terms.every((t) => text.includes(t));
}

/**
 * Rows that match every active filter (`null` or `''` means "any") and every search word.
 * `text(row)` is what the search box looks in.
 */
export function filterRows<T, K extends string>(
  rows: readonly T[],
  filters: Partial<Record<K, string | null>>,
  value: (row: T, key: K) => Sortable,
  query = '',
  text: (row: T) => string = () => '',
): T[] {
  const active = (Object.entries(filters) as [K, string | null][]).filter(([, v]) => v !== null && v !== '');
  const terms = searchTerms(query);
  return rows.filter(
    (row) => active.every(([key, wanted]) => String(value(row, key) ?? '') === wanted) && matchesSearch(text(row), terms),
  );
}

/** How many rows carry each value of `key`, for a filter's options (`Production (412)`). */
export function countBy<T>(rows: readonly T[], key: (row: T) => string | null | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const k = key(row);
    if (k === null || k === undefined || k === '') continue;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}
