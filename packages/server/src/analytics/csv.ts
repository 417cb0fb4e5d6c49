// CSV (RFC 4180) for operators' exports. Text cells that a spreadsheet would run as a formula
// (=, +, -, @ at the start) get a leading apostrophe, so an exported nickname cannot execute.
export type Cell = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER_TEXT = /^-?[0-9]+(\.[0-9]+)?$/;

export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('assertion failed: CSV numbers are finite');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) && !NUMBER_TEXT.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Fen as yuan text with two decimals, by integer arithmetic (never a float). */
export function yuanText(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`assertion failed: fen ${fen} is an integer`);
  const sign = fen < 0 ? '-' : '';
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** ISO 8601 in UTC. */
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
