// CSV (RFC 4180) for operators' exports. Text cells that a spreadsheet would run as a formula
// (=, +, -, @ at the start) get a leading apostrophe, so an exported nickname cannot execute.
import { assert } from '@fairground/core';
export type Cell = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER_TEXT = /^-?[0-9]+(\.[0-9]+)?$/;

export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    assert(Number.isFinite(value), 'CSV numbers are finite');
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
  assert(Number.isSafeInteger(fen), `fen ${fen} is an integer`);
  const sign = fen < 0 ? '-' : '';
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The widest offsets from UTC any zone uses (UTC−12:00 to UTC+14:00), in minutes. */
export const UTC_OFFSET_MINUTES_MIN = -720;
export const UTC_OFFSET_MINUTES_MAX = 840;

/**
 * ISO 8601 with the zone written out: `2026-12-06T18:30:00.000+08:00` at +480 minutes, `…Z` at 0.
 * Operators pick export days on their own clock, so the file speaks that clock too, and a spreadsheet
 * or a script still reads each value as one exact instant.
 */
export function isoTime(ms: number | null, utcOffsetMinutes = 0): string | null {
  if (ms === null) return null;
  assert(
    Number.isSafeInteger(utcOffsetMinutes) && utcOffsetMinutes >= UTC_OFFSET_MINUTES_MIN && utcOffsetMinutes <= UTC_OFFSET_MINUTES_MAX,
    `UTC offset ${utcOffsetMinutes} minutes`,
  );
  if (utcOffsetMinutes === 0) return new Date(ms).toISOString();
  const wall = new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, -1);
  const abs = Math.abs(utcOffsetMinutes);
  const zone = `${utcOffsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${wall}${zone}`;
}
