// The budget grid of one initiative: categories down, months across, one budget line per cell.
// Cell edits become create, update or remove of that line; totals come from the planning core.

import type { RecordView } from './backend';
import { moneyOf } from './overview';

export interface Cell {
  /** The budget line's id; null for an empty cell. */
  id: number | null;
  minor: number;
  currency: string;
}

export const cellKey = (category: string, month: string) => `${category}|${month}`;

/** Budget lines of the given months as cells. Lines in other currencies keep theirs. */
export function buildCells(lines: readonly RecordView[], months: readonly string[]): Map<string, Cell> {
  const wanted = new Set(months);
  const cells = new Map<string, Cell>();
  for (const line of lines) {
    const month = String(line.fields.month ?? '');
    if (!wanted.has(month)) continue;
    const amount = moneyOf(line, 'amount');
    if (!amount) continue;
    const key = cellKey(String(line.fields.category), month);
    const existing = cells.get(key);
    // One line per cell is the rule; should two exist, show their sum rather than hide one.
    cells.set(key, {
      id: existing?.id ?? line.id,
      minor: (existing?.minor ?? 0) + Number(amount.minor),
      currency: amount.currency,
    });
  }
  return cells;
}

export type CellEdit =
  | { action: 'none' }
  | { action: 'create'; minor: number }
  | { action: 'update'; id: number; minor: number }
  | { action: 'remove'; id: number };

/** What saving a cell means: empty or zero removes its line, a new amount creates or updates. */
export function planCellEdit(cell: Cell | undefined, minor: number | null): CellEdit {
  if (minor === null || minor === 0) return cell?.id ? { action: 'remove', id: cell.id } : { action: 'none' };
  if (!cell?.id) return { action: 'create', minor };
  if (cell.minor === minor) return { action: 'none' };
  return { action: 'update', id: cell.id, minor };
}

/** Where arrow keys, Tab and Enter move in a grid of `rows` × `cols`. */
export function moveCell(
  at: { row: number; col: number },
  key: string,
  shift: boolean,
  rows: number,
  cols: number,
): { row: number; col: number } | null {
  const clamp = (r: number, c: number) => ({ row: Math.min(rows - 1, Math.max(0, r)), col: Math.min(cols - 1, Math.max(0, c)) });
  switch (key) {
    case 'ArrowUp':
      return clamp(at.row - 1, at.col);
    case 'ArrowDown':
      return clamp(at.row + 1, at.col);
    case 'ArrowLeft':
      return clamp(at.row, at.col - 1);
    case 'ArrowRight':
      return clamp(at.row, at.col + 1);
    case 'Home':
      return clamp(at.row, 0);
    case 'End':
      return clamp(at.row, cols - 1);
    case 'Tab':
      if (shift) return at.col > 0 ? { row: at.row, col: at.col - 1 } : at.row > 0 ? { row: at.row - 1, col: cols - 1 } : null;
      return at.col < cols - 1 ? { row: at.row, col: at.col + 1 } : at.row < rows - 1 ? { row: at.row + 1, col: 0 } : null;
    case 'Enter':
      return clamp(at.row + (shift ? -1 : 1), at.col);
    default:
      return null;
  }
}
