// Mainland second-generation identity card numbers (GB 11643-1999): 6-digit region, 8-digit birth
// date, 3-digit sequence, and an ISO 7064 MOD 11-2 check character. The client refuses malformed
// numbers before they reach NPPA (which would answer 2001), and the platform reads the birth date
// to tell minors from adults: NPPA's answer carries only `pi`, never an age.
import { randomBytes } from 'node:crypto';
import { AI_CHARS, ID_NUMBER_CHARS } from './limits.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const SHAPE = /^[1-9]\d{5}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$/;
/** Birth years outside this range are refused as typing mistakes (ours). */
const BIRTH_YEAR_MIN = 1900;
const BIRTH_YEAR_MAX = 2099;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/** Age of majority in the PRC. */
export const ADULT_AGE_YEARS = 18;

/** The check character of the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('the first 17 characters of an identity number are digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export type IdNumberProblem = 'length' | 'shape' | 'birth-date' | 'check-character';

/** Why `idNum` is not a valid 18-character identity number (upper-case X only), or null when it is. */
export function idNumberProblem(idNum: string): IdNumberProblem | null {
  if (idNum.length !== ID_NUMBER_CHARS) return 'length';
  const m = SHAPE.exec(idNum);
  if (!m) return 'shape';
  if (birthDateParts(Number(m[1]), Number(m[2]), Number(m[3])) === null) return 'birth-date';
  if (idNumberCheckChar(idNum.slice(0, 17)) !== idNum[17]) return 'check-character';
  return null;
}

export function isValidIdNumber(idNum: string): boolean {
  return idNumberProblem(idNum) === null;
}

function birthDateParts(year: number, month: number, day: number): string | null {
  if (year < BIRTH_YEAR_MIN || year > BIRTH_YEAR_MAX) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(year)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of a valid identity number, or null. */
export function birthDateOf(idNum: string): string | null {
  if (!isValidIdNumber(idNum)) return null;
  return `${idNum.slice(6, 10)}-${idNum.slice(10, 12)}-${idNum.slice(12, 14)}`;
}

/** The Beijing calendar date of an instant. */
export function beijingDate(ms: number): { year: number; month: number; day: number } {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * Whole years of age at `atMs` on the Beijing calendar (a birthday counts from its first day), or
 * null for an invalid number. Someone born on 29 February turns a year older on 1 March in other years.
 */
export function ageYearsAt(idNum: string, atMs: number): number | null {
  const birth = birthDateOf(idNum);
  if (birth === null) return null;
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const now = beijingDate(atMs);
  let age = now.year - by;
  if (now.month < bm || (now.month === bm && now.day < bd)) age -= 1;
  return age;
}

/** True for under-18s, false for adults, null for an invalid number. */
export function isMinorAt(idNum: string, atMs: number): boolean | null {
  const age = ageYearsAt(idNum, atMs);
  return age === null ? null : age < ADULT_AGE_YEARS;
}

/**
 * A valid identity number for a birth date (`YYYY-MM-DD`), region code and 3-digit sequence. For
 * sandboxes and tests: it describes nobody in particular.
 */
export function idNumberFor(birthDate: string, region = '110000', sequence = '001'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m || birthDateParts(Number(m[1]), Number(m[2]), Number(m[3])) === null) throw new RangeError(`not a birth date: ${birthDate}`);
  if (!/^[1-9]\d{5}$/.test(region)) throw new RangeError(`not a region code: ${region}`);
  if (!/^\d{3}$/.test(sequence)) throw new RangeError(`not a 3-digit sequence: ${sequence}`);
  const first17 = `${region}${m[1]}${m[2]}${m[3]}${sequence}`;
  return first17 + idNumberCheckChar(first17);
}

/**
 * A fresh `ai` for one identity check: 32 lower-case hex characters from node:crypto. An `ai` names
 * one check attempt, not a player: NPPA refuses to reuse it (2004) until its result is deleted.
 */
export function newAi(): string {
  return randomBytes(AI_CHARS / 2).toString('hex');
}
