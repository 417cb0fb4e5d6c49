// Registered test identities: the people the sandbox "knows". An unregistered number, or a
// registered number with another name, fails the check, as a mismatch does at NPPA. Whether a
// person is a minor follows from the birth date in the number, never from a flag.
import { createHmac } from 'node:crypto';
import { AppError } from '@fairground/core';
import { ageYearsAt, birthDateOf, idNumberFor, idNumberProblem } from '../idcard.ts';
import { NAME_CHARS_MAX, PI_CHARS } from '../limits.ts';
import { SandboxErrors } from './errors.ts';

export type IdentityOutcome = 'ok' | 'pending';

export interface Identity {
  readonly name: string;
  readonly idNum: string;
  readonly birthDate: string;
  /** What a check of this person answers at first. */
  readonly outcome: IdentityOutcome;
  /** For 'pending': how long after the check a query sees the final result (sandbox-clock ms). */
  readonly pendingMs: number;
  /** For 'pending': the final result. */
  readonly settlesTo: 'ok' | 'failed';
  /** The person's NPPA id, 38 characters. */
  readonly pi: string;
  readonly registeredMs: number;
}

export interface IdentityInputForm {
  readonly name?: unknown;
  readonly idNum?: unknown;
  /** Instead of `idNum`: `YYYY-MM-DD`; the sandbox makes a valid number for it. */
  readonly birthDate?: unknown;
  readonly outcome?: unknown;
  readonly pendingMs?: unknown;
  readonly settlesTo?: unknown;
}

export interface IdentityView extends Identity {
  readonly ageYears: number;
  readonly minor: boolean;
}

/** The longest settle delay an identity may ask for (ours): a week. */
export const PENDING_MS_MAX = 7 * 86_400_000;
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

function bad(why: string): AppError {
  return new AppError(SandboxErrors.NPPA_SANDBOX_REQUEST_INVALID, { why });
}

/** A 38-character pi in NPPA's shape ('1' then base36), derived from the number and a sandbox secret. */
export function piFor(idNum: string, secret: string): string {
  const digest = createHmac('sha256', secret).update(idNum).digest();
  let n = BigInt(`0x${digest.toString('hex')}`);
  let out = '';
  for (let i = 0; i < PI_CHARS - 1; i++) {
    out += BASE36[Number(n % 36n)];
    n /= 36n;
  }
  return `1${out}`;
}

export class IdentityRegistry {
  readonly #byIdNum = new Map<string, Identity>();
  readonly #byPi = new Map<string, Identity>();
  readonly #max: number;
  readonly #secret: string;
  readonly #defaultPendingMs: number;
  #sequence = 0;

  constructor(max: number, secret: string, defaultPendingMs: number) {
    this.#max = max;
    this.#secret = secret;
    this.#defaultPendingMs = defaultPendingMs;
  }

  get size(): number {
    return this.#byIdNum.size;
  }

  register(input: IdentityInputForm, nowMs: number): Identity {
    const name = input.name;
    if (typeof name !== 'string' || name.length === 0 || [...name].length > NAME_CHARS_MAX || name.trim() !== name) {
      throw bad(`name must be 1..${NAME_CHARS_MAX} characters without surrounding white space`);
    }
    let idNum: string;
    if (input.idNum !== undefined && input.idNum !== '') {
      if (typeof input.idNum !== 'string' || idNumberProblem(input.idNum) !== null)
        throw bad('idNum must be a valid 18-character identity number');
      idNum = input.idNum;
    } else if (typeof input.birthDate === 'string' && input.birthDate !== '') {
      idNum = this.#freshNumber(input.birthDate);
    } else throw bad('idNum or birthDate is required');
    const outcome = input.outcome ?? 'ok';
    if (outcome !== 'ok' && outcome !== 'pending') throw bad("outcome must be 'ok' or 'pending'");
    const pendingMs = input.pendingMs === undefined || input.pendingMs === '' ? this.#defaultPendingMs : Number(input.pendingMs);
    if (!Number.isSafeInteger(pendingMs) || pendingMs < 0 || pendingMs > PENDING_MS_MAX)
      throw bad(`pendingMs must be 0..${PENDING_MS_MAX}`);
    const settlesTo = input.settlesTo ?? 'ok';
    if (settlesTo !== 'ok' && settlesTo !== 'failed') throw bad("settlesTo must be 'ok' or 'failed'");
    if (this.#byIdNum.has(idNum)) throw new AppError(SandboxErrors.NPPA_SANDBOX_IDENTITY_EXISTS, { idNum });
    if (this.#byIdNum.size >= this.#max) throw new AppError(SandboxErrors.NPPA_SANDBOX_FULL, { max: this.#max });
    const identity: Identity = {
      name,
      idNum,
      birthDate: birthDateOf(idNum)!,
      outcome,
      pendingMs,
      settlesTo,
      pi: piFor(idNum, this.#secret),
      registeredMs: nowMs,
    };
    this.#byIdNum.set(idNum, identity);
    this.#byPi.set(identity.pi, identity);
    return identity;
  }

  // Sequence numbers 001..999 in region 110101 give each birth date 999 distinct numbers.
  #freshNumber(birthDate: string): string {
    for (let attempt = 0; attempt < 999; attempt++) {
      this.#sequence = (this.#sequence % 999) + 1;
      let idNum: string;
      try {
        idNum = idNumberFor(birthDate, '110101', String(this.#sequence).padStart(3, '0'));
      } catch {
        throw bad('birthDate must be a real date YYYY-MM-DD from 1900 to 2099');
      }
      if (!this.#byIdNum.has(idNum)) return idNum;
    }
    throw bad('no free identity number left for this birth date');
  }

  remove(idNum: string): boolean {
    const identity = this.#byIdNum.get(idNum);
    if (identity === undefined) return false;
    this.#byIdNum.delete(idNum);
    this.#byPi.delete(identity.pi);
    return true;
  }

  byIdNum(idNum: string): Identity | undefined {
    return this.#byIdNum.get(idNum);
  }

  hasPi(pi: string): boolean {
    return this.#byPi.has(pi);
  }

  list(nowMs: number): IdentityView[] {
    return [...this.#byIdNum.values()].map((i) => view(i, nowMs));
  }
}

export function view(i: Identity, nowMs: number): IdentityView {
  const ageYears = ageYearsAt(i.idNum, nowMs)!;
  return { ...i, ageYears, minor: ageYears < 18 };
}
