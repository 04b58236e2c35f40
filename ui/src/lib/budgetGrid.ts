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

/** A cell by its place in the grid, and the amount (minor units of `currency`) it should hold; null clears it. */
export interface CellWrite {
  row: number;
  col: number;
  minor: number | null;
  currency: string;
}

export type Block = { ok: true; writes: CellWrite[] } | { ok: false; message: string };

/**
 * A block pasted from a spreadsheet (rows by line, cells by tab) as writes from the active cell
 * down and right. Every cell is read before anything is written: a block that runs past the grid,
 * or a cell that is not an amount, is refused with its place in the block. An empty cell clears.
 */
export function pasteBlock(
  text: string,
  at: { row: number; col: number },
  rows: number,
  cols: number,
  currencyAt: (row: number, col: number) => string,
  parse: (text: string, currency: string) => { ok: true; minor: number } | { ok: false; message: string },
): Block {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const block = lines.map((line) => line.split('\t'));
  const width = Math.max(...block.map((r) => r.length));
  if (block.length === 0 || width === 0 || (block.length === 1 && width === 1 && block[0]?.[0]?.trim() === '')) {
    return { ok: false, message: 'the clipboard holds no cells to paste' };
  }
  if (at.row + block.length > rows || at.col + width > cols) {
    return {
      ok: false,
      message: `the pasted block is ${block.length} × ${width} cells, but from here the grid has room for ${rows - at.row} × ${cols - at.col}; choose a cell further up or left`,
    };
  }
  const writes: CellWrite[] = [];
  for (const [r, cells] of block.entries()) {
    for (let c = 0; c < width; c++) {
      const raw = (cells[c] ?? '').trim();
      const row = at.row + r;
      const col = at.col + c;
      const currency = currencyAt(row, col);
      if (raw === '') {
        writes.push({ row, col, minor: null, currency });
        continue;
      }
      const parsed = parse(raw, currency);
      if (!parsed.ok) return { ok: false, message: `row ${r + 1}, column ${c + 1} of the pasted block: ${parsed.message}` };
      writes.push({ row, col, minor: parsed.minor, currency });
    }
  }
  return { ok: true, writes };
}

/** The active cell's amount copied into every month to its right. */
export function fillRight(at: { row: number; col: number }, cols: number, cell: Cell | undefined, baseCurrency: string): CellWrite[] {
  const writes: CellWrite[] = [];
  for (let col = at.col + 1; col < cols; col++) {
    writes.push({ row: at.row, col, minor: cell ? cell.minor : null, currency: cell?.currency ?? baseCurrency });
  }
  return writes;
}

/** One change to the grid as the backend's cells: what they held before, and after. */
export interface GridEdit<T> {
  before: T[];
  after: T[];
}

/** Undo and redo: a new edit forgets what was undone. */
export class EditHistory<T> {
  private past: GridEdit<T>[] = [];
  private future: GridEdit<T>[] = [];
  constructor(private readonly limit = 100) {}

  record(edit: GridEdit<T>) {
    this.past.push(edit);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }
  get canUndo() {
    return this.past.length > 0;
  }
  get canRedo() {
    return this.future.length > 0;
  }
  /** The cells to write to undo the last edit; the edit moves to the redo list. */
  undo(): T[] | null {
    const edit = this.past.pop();
    if (!edit) return null;
    this.future.push(edit);
    return edit.before;
  }
  redo(): T[] | null {
    const edit = this.future.pop();
    if (!edit) return null;
    this.past.push(edit);
    return edit.after;
  }
}
