// PRC resident identity numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit
// sequence, and an ISO 7064 MOD 11-2 check character (0–9 or X).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export interface ParsedIdNumber {
  readonly birthDate: string; // YYYY-MM-DD
  /** Odd sequence digit → male, even → female, as printed on the card. */
  readonly sex: 'M' | 'F';
}

export function parseIdNumber(value: string, todayIso: string): ParsedIdNumber | null {
  if (!/^[1-9][0-9]{16}[0-9X]$/.test(value)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(value[i]) * WEIGHTS[i]!;
  if (CHECK_CHARS[sum % 11] !== value[17]) return null;
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (y < 1900 || birthDate > todayIso) return null;
  return { birthDate, sex: Number(value[16]) % 2 === 1 ? 'M' : 'F' };
}

/** Completes 17 digits with their check character (for tests and the sandbox). */
export function withCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return first17 + CHECK_CHARS[sum % 11];
}
