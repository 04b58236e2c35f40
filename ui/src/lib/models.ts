// The model inventory as rows: what the table shows, filters on, searches and sorts by.

import type { RecordView } from './backend';
import { type SortState, type Sortable, countBy, filterRows, sortRows } from './table';
import { MODEL_STAGES, RISK_TIERS, rankOf } from './vocabulary';

export interface ModelRow {
  id: number;
  name: string;
  stage: string;
  risk: string;
  initiativeId: number | null;
  initiative: string;
  owner: string;
  deployment: string;
  dataCategories: string[];
  description: string;
  /** The fully loaded cost of the current fiscal year to date (minor units), from the core. */
  costMinor: number | null;
}

export type ModelColumn = 'name' | 'stage' | 'risk' | 'initiative' | 'owner' | 'deployment' | 'data' | 'cost';
export type ModelFilter = 'stage' | 'risk' | 'initiative' | 'owner';

export function toModelRow(
  record: RecordView,
  initiatives: ReadonlyMap<number, string>,
  costs: ReadonlyMap<number, number> = new Map(),
): ModelRow {
  const f = record.fields;
  const initiativeId = typeof f.initiative_id === 'number' ? f.initiative_id : null;
  return {
    id: record.id,
    name: String(f.name ?? ''),
    stage: String(f.stage ?? ''),
    risk: String(f.risk_tier ?? ''),
    initiativeId,
    initiative: initiativeId === null ? '' : (initiatives.get(initiativeId) ?? `#${initiativeId}`),
    owner: typeof f.owner === 'string' ? f.owner : '',
    deployment: typeof f.deployment === 'string' ? f.deployment : '',
    dataCategories: Array.isArray(f.data_categories) ? f.data_categories.map(String) : [],
    description: typeof f.description === 'string' ? f.description : '',
    costMinor: costs.get(record.id) ?? null,
  };
}

/** What a column sorts by: stages and tiers by their order, not the alphabet. */
export function sortValue(row: ModelRow, key: ModelColumn): Sortable {
  switch (key) {
    case 'stage':
      return rankOf(MODEL_STAGES, row.stage);
    case 'risk':
      return rankOf(RISK_TIERS, row.risk);
    case 'data':
      return row.dataCategories.join(', ');
    case 'cost':
      return row.costMinor;
    default:
      return row[key];
  }
}

/** What a filter compares: the initiative by id (names may repeat), the rest by their word. */
export function filterValue(row: ModelRow, key: ModelFilter): string {
  switch (key) {
    case 'initiative':
      return row.initiativeId === null ? '' : String(row.initiativeId);
    default:
      return row[key];
  }
}

export function searchText(row: ModelRow): string {
  return `${row.name} ${row.description} ${row.owner} ${row.initiative} ${row.deployment} ${row.dataCategories.join(' ')}`;
}

export interface InventoryQuery {
  search: string;
  filters: Partial<Record<ModelFilter, string | null>>;
  sort: SortState<ModelColumn> | null;
}

/** The rows to show for a search, filters and sort. */
export function queryModels(rows: readonly ModelRow[], query: InventoryQuery): ModelRow[] {
  const filtered = filterRows(rows, query.filters, filterValue, query.search, searchText);
  return sortRows(filtered, query.sort ?? { key: 'name', direction: 'ascending' }, sortValue);
}

/**
 * The options of each filter with counts, each counted under the *other* active filters, so a
 * choice never leads to an empty list.
 */
export function facetCounts(
  rows: readonly ModelRow[],
  query: InventoryQuery,
  facet: ModelFilter,
): Map<string, number> {
  const others = { ...query.filters, [facet]: null };
  const narrowed = filterRows(rows, others, filterValue, query.search, searchText);
  return countBy(narrowed, (r) => filterValue(r, facet));
}
