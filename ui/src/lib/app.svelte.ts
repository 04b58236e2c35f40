// What every page shares: the backend, the portfolio's identity, the banner, and a cache of record
// lists (pages look up initiative and person names without asking twice).

import type { Backend, EntityKind, FileDialogs, PortfolioInfo, RecordView } from './backend';
import { BackendError, asBackendError } from './backend';

class AppState {
  backend: Backend | null = null;
  /** Native file pickers; null in browser mode. */
  files = $state<FileDialogs | null>(null);
  info = $state<PortfolioInfo | null>(null);
  /** The error shown in the banner: what failed and what to do, until dismissed. */
  banner = $state<{ title: string; error: BackendError } | null>(null);
  /** Bumped after every write, so pages reload what they show. */
  revision = $state(0);
  #lists = new Map<EntityKind, { revision: number; rows: Promise<RecordView[]> }>();

  get api(): Backend {
    if (!this.backend) throw new BackendError('internal', 'the backend is not connected yet');
    return this.backend;
  }

  get currency(): string {
    return this.info?.base_currency ?? 'USD';
  }

  /** Every record of a kind, cached until the next write. */
  list(kind: EntityKind): Promise<RecordView[]> {
    const cached = this.#lists.get(kind);
    if (cached && cached.revision === this.revision) return cached.rows;
    const rows = this.api.call('list_records', { kind, filter: {} });
    rows.catch(() => this.#lists.delete(kind));
    this.#lists.set(kind, { revision: this.revision, rows });
    return rows;
  }

  /** Forget cached lists without reloading pages: for edits a page has already applied itself. */
  invalidate(): void {
    this.#lists.clear();
  }

  /** Call after a write: cached lists and pages' data are stale. */
  changed(): void {
    this.#lists.clear();
    this.revision += 1;
  }

  report(title: string, error: unknown): void {
    this.banner = { title, error: asBackendError(error) };
  }
}

export const app = new AppState();

/** `{id → name}` of a kind's records, for showing references. */
export function namesById(rows: readonly RecordView[], field = 'name'): Map<number, string> {
  const names = new Map<number, string>();
  for (const r of rows) names.set(r.id, String(r.fields[field] ?? `#${r.id}`));
  return names;
}

/** A text field of a record, or '' when absent. */
export function text(record: RecordView, field: string): string {
  const v = record.fields[field];
  return v === null || v === undefined ? '' : String(v);
}

/** A reference field (`initiative_id`) as a number, or null. */
export function ref(record: RecordView, field: string): number | null {
  const v = record.fields[field];
  return typeof v === 'number' ? v : null;
}
