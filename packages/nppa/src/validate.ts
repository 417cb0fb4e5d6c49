// The field rules the client enforces before anything is sent. Each function returns the list of
// problems (empty when the input is good), so callers can show them or drop bad records; the
// client throws NPPA_INPUT_INVALID with the same list.
import type { InputProblem } from './errors.ts';
import { idNumberProblem } from './idcard.ts';
import {
  AI_CHARS,
  COLLECTION_NO_MAX,
  COLLECTION_NO_MIN,
  COLLECTIONS_MAX,
  DI_CHARS_MAX,
  NAME_CHARS_MAX,
  OT_AGE_SECONDS_MAX,
  PI_CHARS,
  SI_CHARS_MAX,
  TEST_AI_CHARS_MAX,
  TEST_CODE_CHARS_MAX,
} from './limits.ts';
import { BT_LOGIN, BT_LOGOUT, CT_GUEST, CT_VERIFIED } from './protocol.ts';

export interface IdentityInput {
  /** One check attempt's id: 32 letters or digits (see `newAi`). Test presets use 18. */
  readonly ai: string;
  /** The name on the identity card, exactly as the player typed it. */
  readonly name: string;
  /** The 18-character identity card number, upper-case X. */
  readonly idNum: string;
}

/** One login or logout, in NPPA's field names. */
export interface LoginoutRecord {
  /** Number of the record within one call, 1..128, unique in the call. */
  readonly no: number;
  /** Session id, 1..32 characters; a login and its matching logout carry the same one. */
  readonly si: string;
  /** 1 login, 0 logout (`BT_LOGIN`, `BT_LOGOUT`). */
  readonly bt: number;
  /** When it happened, in whole seconds since the epoch. */
  readonly ot: number;
  /** 0 verified user (needs `pi`), 2 guest (needs `di`) (`CT_VERIFIED`, `CT_GUEST`). */
  readonly ct: number;
  /** Guest device id, 1..32 characters. */
  readonly di?: string | undefined;
  /** The verified user's NPPA id, 38 characters, from a check or query. */
  readonly pi?: string | undefined;
}

const AI_PATTERN = new RegExp(`^[0-9A-Za-z]{${AI_CHARS}}$`);
const TEST_AI_PATTERN = new RegExp(`^[0-9A-Za-z]{1,${TEST_AI_CHARS_MAX}}$`);
const TOKEN = /^[0-9A-Za-z_-]+$/;
const PI_PATTERN = new RegExp(`^[0-9A-Za-z]{${PI_CHARS}}$`);
const TEST_CODE_PATTERN = new RegExp(`^[0-9A-Za-z]{1,${TEST_CODE_CHARS_MAX}}$`);
// Control characters and the Unicode line/paragraph separators never belong in a name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Problems of an `ai`; `forTest` accepts the 1..32-character presets of the interface tests. */
export function aiProblems(ai: unknown, forTest = false, field = 'ai'): InputProblem[] {
  if (typeof ai !== 'string') return [{ field, reason: 'must be a string' }];
  if (forTest ? !TEST_AI_PATTERN.test(ai) : !AI_PATTERN.test(ai)) {
    return [{ field, reason: forTest ? `must be 1..${TEST_AI_CHARS_MAX} letters or digits` : `must be ${AI_CHARS} letters or digits` }];
  }
  return [];
}

export function identityProblems(input: IdentityInput, forTest = false): InputProblem[] {
  const problems = aiProblems(input?.ai, forTest);
  const name: unknown = input?.name;
  if (typeof name !== 'string' || name.length === 0) problems.push({ field: 'name', reason: 'is required' });
  else if ([...name].length > NAME_CHARS_MAX) problems.push({ field: 'name', reason: `must be at most ${NAME_CHARS_MAX} characters` });
  else if (name.trim() !== name) problems.push({ field: 'name', reason: 'must not start or end with white space' });
  else if (CONTROL.test(name)) problems.push({ field: 'name', reason: 'must not contain control characters' });
  const idNum: unknown = input?.idNum;
  if (typeof idNum !== 'string') problems.push({ field: 'idNum', reason: 'must be a string' });
  else {
    const p = idNumberProblem(idNum);
    if (p !== null) problems.push({ field: 'idNum', reason: `is not a valid 18-character identity number (${p})` });
  }
  return problems;
}

export function testCodeProblems(code: unknown): InputProblem[] {
  if (typeof code !== 'string' || !TEST_CODE_PATTERN.test(code)) {
    return [{ field: 'testCode', reason: `must be 1..${TEST_CODE_CHARS_MAX} letters or digits` }];
  }
  return [];
}

function isSafeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/**
 * Problems of a report batch at `nowMs` (the `timestamps` it will carry): 1..128 records, unique
 * `no`, field shapes, the pi/di each user type needs, and `ot` no later than now and less than
 * 180 s before it.
 */
export function loginoutProblems(records: readonly LoginoutRecord[], nowMs: number): InputProblem[] {
  if (!Array.isArray(records)) return [{ field: 'collections', reason: 'must be an array' }];
  if (records.length === 0) return [{ field: 'collections', reason: 'must not be empty' }];
  if (records.length > COLLECTIONS_MAX) return [{ field: 'collections', reason: `must hold at most ${COLLECTIONS_MAX} records` }];
  const problems: InputProblem[] = [];
  const seen = new Set<number>();
  records.forEach((r, i) => {
    const at = (name: string) => `collections[${i}].${name}`;
    const bad = (name: string, reason: string) => problems.push({ field: at(name), reason });
    if (typeof r !== 'object' || r === null) {
      problems.push({ field: `collections[${i}]`, reason: 'must be an object' });
      return;
    }
    if (!isSafeInt(r.no) || r.no < COLLECTION_NO_MIN || r.no > COLLECTION_NO_MAX)
      bad('no', `must be an integer ${COLLECTION_NO_MIN}..${COLLECTION_NO_MAX}`);
    else if (seen.has(r.no)) bad('no', 'is used twice in the batch');
    else seen.add(r.no);
    if (typeof r.si !== 'string' || r.si.length === 0 || r.si.length > SI_CHARS_MAX || !TOKEN.test(r.si)) {
      bad('si', `must be 1..${SI_CHARS_MAX} characters of [0-9A-Za-z_-]`);
    }
    if (r.bt !== BT_LOGIN && r.bt !== BT_LOGOUT) bad('bt', 'must be 1 (login) or 0 (logout)');
    if (!isSafeInt(r.ot) || r.ot < 0) bad('ot', 'must be whole seconds since the epoch');
    else if (r.ot * 1000 > nowMs) bad('ot', 'must not be later than now');
    else if (nowMs - r.ot * 1000 >= OT_AGE_SECONDS_MAX * 1000) bad('ot', `must be less than ${OT_AGE_SECONDS_MAX} s before now`);
    const hasDi = r.di !== undefined && r.di !== '';
    const hasPi = r.pi !== undefined && r.pi !== '';
    if (hasDi && (typeof r.di !== 'string' || r.di.length > DI_CHARS_MAX || !TOKEN.test(r.di))) {
      bad('di', `must be 1..${DI_CHARS_MAX} characters of [0-9A-Za-z_-]`);
    }
    if (hasPi && (typeof r.pi !== 'string' || !PI_PATTERN.test(r.pi))) bad('pi', `must be ${PI_CHARS} letters or digits`);
    if (r.ct === CT_VERIFIED) {
      if (!hasPi) bad('pi', 'is required for a verified user (ct 0)');
    } else if (r.ct === CT_GUEST) {
      if (!hasDi) bad('di', 'is required for a guest (ct 2)');
      if (hasPi) bad('pi', 'must not be sent for a guest (ct 2)');
    } else bad('ct', 'must be 0 (verified user) or 2 (guest)');
  });
  return problems;
}
