// Operators: the people who run the platform. Separate from players in every way — their own
// table, password (scrypt) plus TOTP second factor, roles, shorter sessions — so no player token
// or player bug can become console access.
import { AppError, assert, type Clock, newId } from '@fairground/core';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { AccountsErrors } from './errors.ts';
import { OPERATOR_FAILED_LOGINS_MAX, OPERATOR_LOCK_MS, PASSWORD_LENGTH_MAX, PASSWORD_LENGTH_MIN, TOTP_DRIFT_STEPS } from './limits.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import { isOperatorRole, type OperatorRole } from './roles.ts';
import type { Sealer } from './sealing.ts';
import type { AuthSessions, TokenPair } from './auth-sessions.ts';
import { base32Decode, newTotpSecret, otpauthUrl, verifyTotp } from './totp.ts';

export interface Operator {
  readonly id: string;
  readonly username: string;
  readonly roles: readonly OperatorRole[];
  readonly status: 'active' | 'disabled';
  readonly createdAtMs: number;
}

export interface CreatedOperator extends Operator {
  /** Shown once, at creation: the operator enrols it in an authenticator app. */
  readonly totpSecret: string;
  readonly otpauthUrl: string;
}

export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;
export const TOTP_ISSUER = 'Fairground';

interface OperatorRow {
  id: string;
  username: string;
  password_hash: string;
  totp_sealed: string;
  roles: string;
  status: string;
  totp_last_step: unknown;
  failed_logins: unknown;
  locked_until_ms: unknown;
  created_at_ms: unknown;
}

function parseRoles(text: string): OperatorRole[] {
  return text.split(',').filter(isOperatorRole);
}

function toOperator(r: OperatorRow): Operator {
  return {
    id: r.id,
    username: r.username,
    roles: parseRoles(r.roles),
    status: r.status === 'disabled' ? 'disabled' : 'active',
    createdAtMs: intFromDb(r.created_at_ms),
  };
}

/** Why a known operator's sign-in was refused, and whether that failure locked the address out. */
export interface OperatorLoginFailure {
  readonly reason: 'password' | 'totp' | 'totp_reused';
  /** Set when this failure reached the limit: sign-ins from this address wait until then. */
  readonly lockedUntilMs: number | null;
}

export class Operators {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #sessions: AuthSessions;
  readonly #clock: Clock;

  constructor(options: { store: Store; sealer: Sealer; sessions: AuthSessions; clock: Clock }) {
    this.#store = options.store;
    this.#sealer = options.sealer;
    this.#sessions = options.sessions;
    this.#clock = options.clock;
  }

  /**
   * Creates an operator. `within` runs in the same unit of work (the console writes its audit
   * entry there). A TOTP secret is generated unless one is given (bootstrap from the environment).
   */
  async create(
    input: { username: string; password: string; roles: readonly OperatorRole[]; totpSecret?: string },
    within?: (tx: Tx, created: Operator) => Promise<void>,
  ): Promise<CreatedOperator> {
    assert(USERNAME_PATTERN.test(input.username), 'operator username must match [a-z0-9_.-]{3,32}');
    assert(
      input.password.length >= PASSWORD_LENGTH_MIN && input.password.length <= PASSWORD_LENGTH_MAX,
      `operator password must be ${PASSWORD_LENGTH_MIN}–${PASSWORD_LENGTH_MAX} characters`,
    );
    assert(input.roles.length !== 0, 'an operator needs at least one role');
    const totpSecret = input.totpSecret ?? newTotpSecret();
    base32Decode(totpSecret);
    const id = newId('op');
    const passwordHash = await hashPassword(input.password);
    const roles = [...new Set(input.roles)];
    const created = await this.#store.unitOfWork(
      async (tx) => {
        const taken = await tx.query('SELECT 1 FROM operators WHERE username = ?', [input.username]);
        if (taken.length > 0) return null;
        await tx.run(
          'INSERT INTO operators (id, username, password_hash, totp_sealed, roles, status, failed_logins, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
          [id, input.username, passwordHash, this.#sealer.seal(totpSecret, id), roles.join(','), 'active', tx.nowMs],
        );
        const op: Operator = { id, username: input.username, roles, status: 'active', createdAtMs: tx.nowMs };
        if (within) await within(tx, op);
        return op;
      },
      { label: 'accounts.createOperator' },
    );
    if (created === null) throw new AppError(AccountsErrors.OPERATOR_USERNAME_TAKEN, { username: input.username });
    return { ...created, totpSecret, otpauthUrl: otpauthUrl(TOTP_ISSUER, input.username, totpSecret) };
  }

  async findByUsername(username: string): Promise<Operator | null> {
    const rows = await this.#store.reader.query<OperatorRow>('SELECT * FROM operators WHERE username = ?', [username]);
    return rows[0] ? toOperator(rows[0]) : null;
  }

  async get(id: string): Promise<Operator | null> {
    const rows = await this.#store.reader.query<OperatorRow>('SELECT * FROM operators WHERE id = ?', [id]);
    return rows[0] ? toOperator(rows[0]) : null;
  }

  async list(): Promise<Operator[]> {
    const rows = await this.#store.reader.query<OperatorRow>('SELECT * FROM operators ORDER BY username');
    return rows.map(toOperator);
  }

  /**
   * Password, then TOTP. Each code is accepted once (the step is remembered), so a code read over
   * a shoulder cannot be replayed within its 30 seconds. Failures count towards a temporary lock of
   * that operator from that address (`address`, the client's), so nobody can lock an operator out
   * from elsewhere. `within` runs in the unit of work that opens the session; `failed` in the one
   * that counts a known operator's failure (a wrong password, a wrong or replayed one-time code), so
   * the audit log shows every refused sign-in of a real account.
   */
  async login(
    input: { username: string; password: string; totp: string },
    address: string,
    within?: (tx: Tx, op: Operator, sessionId: string) => Promise<void>,
    failed?: (tx: Tx, op: Operator, failure: OperatorLoginFailure) => Promise<void>,
  ): Promise<{ operator: Operator; tokens: TokenPair }> {
    const rows = await this.#store.reader.query<OperatorRow>('SELECT * FROM operators WHERE username = ?', [input.username]);
    const row = rows[0];
    if (!row) {
      // Same work as a real check, so response time does not reveal which usernames exist.
      await verifyPassword(input.password, await decoyPasswordHash());
      throw new AppError(AccountsErrors.OPERATOR_CREDENTIALS_INVALID);
    }
    const nowMs = this.#clock.nowMs();
    const lock = await this.#store.reader.query<{ locked_until_ms: unknown }>(
      'SELECT locked_until_ms FROM operator_login_failures WHERE operator_id = ? AND address = ?',
      [row.id, address],
    );
    const lockedUntilMs = intOrNullFromDb(lock[0]?.locked_until_ms ?? null);
    if (lockedUntilMs !== null && lockedUntilMs > nowMs) throw new AppError(AccountsErrors.OPERATOR_LOCKED, { untilMs: lockedUntilMs });
    const operator = toOperator(row);
    if (!(await verifyPassword(input.password, row.password_hash))) {
      await this.#recordFailure(operator, address, 'password', failed);
      throw new AppError(AccountsErrors.OPERATOR_CREDENTIALS_INVALID);
    }
    if (row.status !== 'active') throw new AppError(AccountsErrors.OPERATOR_DISABLED);
    const secret = base32Decode(this.#sealer.open(row.totp_sealed, row.id));
    const step = verifyTotp(secret, input.totp, nowMs, TOTP_DRIFT_STEPS);
    const lastStep = intOrNullFromDb(row.totp_last_step);
    if (step === null || (lastStep !== null && step <= lastStep)) {
      await this.#recordFailure(operator, address, step === null ? 'totp' : 'totp_reused', failed);
      throw new AppError(AccountsErrors.OPERATOR_TOTP_INVALID);
    }
    const opened = await this.#store.unitOfWork(
      async (tx) => {
        // The step is claimed atomically: of two logins racing with one code, one wins.
        const claimed = await tx.run(
          'UPDATE operators SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)',
          [step, row.id, step],
        );
        if (claimed !== 1) return null;
        await tx.run('DELETE FROM operator_login_failures WHERE operator_id = ? AND address = ?', [row.id, address]);
        const session = await this.#sessions.open(tx, { kind: 'operator', id: row.id });
        if (within) await within(tx, operator, session.sessionId);
        return session;
      },
      { label: 'accounts.operatorLogin' },
    );
    if (opened === null) {
      // Another sign-in claimed this code first: the same replay as above, counted the same way.
      await this.#recordFailure(operator, address, 'totp_reused', failed);
      throw new AppError(AccountsErrors.OPERATOR_TOTP_INVALID);
    }
    return { operator, tokens: await this.#sessions.tokens(opened) };
  }

  async #recordFailure(
    op: Operator,
    address: string,
    reason: OperatorLoginFailure['reason'],
    failed: ((tx: Tx, op: Operator, failure: OperatorLoginFailure) => Promise<void>) | undefined,
  ): Promise<void> {
    const id = op.id;
    await this.#store.unitOfWork(
      async (tx) => {
        await tx.run(
          `INSERT INTO operator_login_failures (operator_id, address, failures, locked_until_ms, updated_at_ms) VALUES (?, ?, 1, NULL, ?)
           ON CONFLICT (operator_id, address) DO UPDATE SET failures = operator_login_failures.failures + 1, updated_at_ms = excluded.updated_at_ms`,
          [id, address, tx.nowMs],
        );
        await tx.run(
          'UPDATE operator_login_failures SET locked_until_ms = ?, failures = 0 WHERE operator_id = ? AND address = ? AND failures >= ?',
          [tx.nowMs + OPERATOR_LOCK_MS, id, address, OPERATOR_FAILED_LOGINS_MAX],
        );
        if (failed) {
          const lock = await tx.query<{ locked_until_ms: unknown }>(
            'SELECT locked_until_ms FROM operator_login_failures WHERE operator_id = ? AND address = ?',
            [id, address],
          );
          await failed(tx, op, { reason, lockedUntilMs: intOrNullFromDb(lock[0]?.locked_until_ms ?? null) });
        }
      },
      { label: 'accounts.operatorLoginFailed' },
    );
  }
}
