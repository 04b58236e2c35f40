// People, their roles' loaded cost, and how their time is split across initiatives in a month.

import type { RecordView } from './backend';
import { moneyOf } from './overview';

export interface PersonRow {
  id: number;
  name: string;
  email: string;
  role: string;
  location: string;
  start: string;
  end: string;
  /** The role's loaded annual cost, minor units, and its currency. */
  loadedMinor: number | null;
  loadedCurrency: string;
  /** Percent allocated in the month, summed over initiatives. */
  allocated: number;
  /** initiative id → percent in the month. */
  byInitiative: Map<number, number>;
}

/** An allocation covers `month` when it started by then and has not ended before it. */
export function covers(allocation: RecordView, month: string): boolean {
  const start = String(allocation.fields.start ?? '');
  const end = allocation.fields.end;
  return start <= month && (end === null || end === undefined || String(end) >= month);
}

export function peopleRows(people: readonly RecordView[], roles: readonly RecordView[], allocations: readonly RecordView[], month: string): PersonRow[] {
  const roleById = new Map(roles.map((r) => [r.id, r]));
  const split = new Map<number, Map<number, number>>();
  for (const a of allocations) {
    if (!covers(a, month)) continue;
    const person = Number(a.fields.person_id);
    const initiative = Number(a.fields.initiative_id);
    const m = split.get(person) ?? new Map<number, number>();
    m.set(initiative, (m.get(initiative) ?? 0) + Number(a.fields.percent ?? 0));
    split.set(person, m);
  }
  return people.map((p) => {
    const role = roleById.get(Number(p.fields.role_id));
    const loaded = role ? moneyOf(role, 'loaded_annual_cost') : null;
    const byInitiative = split.get(p.id) ?? new Map<number, number>();
    let allocated = 0;
    for (const v of byInitiative.values()) allocated += v;
    return {
      id: p.id,
      name: String(p.fields.name ?? ''),
      email: String(p.fields.email ?? ''),
      role: String(role?.fields.name ?? ''),
      location: String(p.fields.location ?? ''),
      start: String(p.fields.start ?? ''),
      end: p.fields.end ? String(p.fields.end) : '',
      loadedMinor: loaded ? Number(loaded.minor) : null,
      loadedCurrency: loaded?.currency ?? '',
      allocated,
      byInitiative,
    };
  });
}

/** Whether a person is on the team in `month`. */
export function isCurrent(row: PersonRow, month: string): boolean {
  return row.start <= month && (row.end === '' || row.end >= month);
}
