// Real-name identity (KYC) through the real-name authority (the NPPA 网络游戏防沉迷实名验证系统 in
// production). A submission becomes an *attempt*, written before anything is sent, under a fresh
// 32-character attempt id (NPPA's `ai`). The authority answers verified (with its `pi` of the
// person), failed, or "in progress"; when it does not answer at all the attempt waits too. Waiting
// attempts are settled later by query, from the `realname.verify` job, so a slow or absent
// authority never loses a submission and never makes the player submit again.
//
// Everything personal is sealed (AES-256-GCM) before it reaches the database: the name, the
// identity number, the birth date read from the number and the authority's `pi`. A keyed
// fingerprint of the number finds a second account for the same person without decrypting.
// Screens get masked values; compliance gets the birth date (age comes from the identity number:
// NPPA answers with `pi`, never an age); play reports get the `pi`.
//
// Mini-game players entered through WeChat's mini-game platform, which verifies every user's real
// name itself and tells the game nothing of it, not even an age. Such a player's record says so
// (`platform: 'wechat_minigame'`), and the platform still needs a verified birth date before the
// minors' rules can be applied (compliance refuses money and play without one: AGE_UNVERIFIED).
import { AppError, assert, type Clock } from '@fairground/core';
import { newAi } from '@fairground/nppa';
import type { Analytics } from '../analytics/index.ts';
import type { Store } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { AccountsErrors } from './errors.ts';
import { parseIdNumber } from './id-number.ts';
import {
  KYC_ATTEMPT_LIFETIME_MS,
  KYC_ATTEMPTS_LISTED_MAX,
  KYC_ATTEMPTS_PER_DAY_MAX,
  KYC_FIRST_QUERY_DELAY_MS,
  KYC_QUERY_DELAYS_MS,
  KYC_SETTLE_BATCH_MAX,
  REAL_NAME_LENGTH_MAX,
} from './limits.ts';
import type { RealNameAnswer, RealNameAuthority } from './ports.ts';
import type { Sealer } from './sealing.ts';

export type KycState = 'none' | 'pending' | 'verified' | 'failed';
/** Why an attempt waits: the authority is still checking, or it has not answered yet. */
export type KycWaitingReason = 'in_progress' | 'unavailable';
/** Why the latest attempt did not verify. */
export type KycFailure = 'not_matched' | 'id_in_use' | 'expired';

export interface KycStatus {
  readonly status: KycState;
  /** The authority that verified the record (`nppa` in production), for `verified`. */
  readonly verifiedBy: string | null;
  readonly maskedName: string | null;
  readonly maskedIdNumber: string | null;
  readonly verifiedAtMs: number | null;
  /** The waiting attempt, for `pending`. */
  readonly pending: {
    readonly submittedAtMs: number;
    readonly reason: KycWaitingReason;
    readonly nextCheckAtMs: number;
  } | null;
  /** The latest attempt's outcome, for `failed`. */
  readonly failure: { readonly reason: KycFailure; readonly atMs: number } | null;
  /** Set when a platform verified the player's real name without telling the game their age (WeChat mini-games). */
  readonly platform: 'wechat_minigame' | null;
}

export interface VerifiedIdentity {
  readonly realName: string;
  readonly idNumber: string;
  /** YYYY-MM-DD, read from the identity number. */
  readonly birthDate: string;
  /** The authority's id of the person; null on records made before the authority gave one. */
  readonly pi: string | null;
  readonly verifiedBy: string;
}

/** What compliance needs to know about a player's identity. */
export interface KycFacts {
  /** The player's real name is verified (by the authority, or by a platform). */
  readonly verified: boolean;
  /** The verified birth date; null when no authority verified the identity number. */
  readonly birthDate: string | null;
  /** An attempt is waiting for the authority. */
  readonly pending: boolean;
  readonly platform: 'wechat_minigame' | null;
}

/** One attempt, for the console. */
export interface KycAttemptView {
  readonly attemptId: string;
  readonly playerId: string;
  readonly state: 'pending' | 'verified' | 'failed' | 'expired';
  readonly maskedName: string;
  readonly maskedIdNumber: string;
  readonly createdAtMs: number;
  readonly settledAtMs: number | null;
  readonly waitingReason: KycWaitingReason | null;
  readonly nextQueryAtMs: number | null;
  readonly queries: number;
  readonly lastError: string | null;
  readonly failure: KycFailure | null;
}

export interface KycOptions {
  readonly store: Store;
  /** The real-name check port; null when none is configured (submissions answer KYC_PROVIDER_NOT_CONFIGURED). */
  readonly authority: RealNameAuthority | null;
  readonly sealer: Sealer;
  readonly analytics: Analytics;
  readonly clock: Clock;
  /** WeChat apps that are mini-games: WeChat verified the real name of everyone who signs in through them. */
  readonly platformVerifiedAppIds?: readonly string[];
  /** Told when a player's identity is verified (their play reports start at their next request). */
  readonly onVerified?: (playerId: string) => void;
  /** Told about attempts the authority refused for a reason only the operator can fix (credentials, allow-list, quota). */
  readonly onOperatorFault?: (fault: { attemptId: string; code: string; message: string }) => void;
}

const NAME_PATTERN = /^[\p{L}·• .'-]{2,40}$/u;
const DAY_MS = 24 * 3600 * 1000;

interface SealedAttempt {
  readonly realName: string;
  readonly idNumber: string;
  readonly birthDate: string;
}

interface AttemptRow {
  id: string;
  player_id: string;
  state: string;
  sealed: string;
  created_at_ms: unknown;
  settled_at_ms: unknown;
  waiting_reason: string | null;
  next_query_at_ms: unknown;
  queries: unknown;
  last_error: string | null;
  failure: string | null;
}

const ATTEMPT_COLUMNS =
  'id, player_id, state, sealed, created_at_ms, settled_at_ms, waiting_reason, next_query_at_ms, queries, last_error, failure';

function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

function maskIdNumber(id: string): string {
  return `${id.slice(0, 3)}${'*'.repeat(11)}${id.slice(14)}`;
}

/** The wait before the next query of an attempt that has been queried `queries` times. */
function queryDelayMs(queries: number): number {
  return KYC_QUERY_DELAYS_MS[Math.min(queries, KYC_QUERY_DELAYS_MS.length - 1)]!;
}

function asFailure(value: string | null): KycFailure | null {
  return value === 'not_matched' || value === 'id_in_use' || value === 'expired' ? value : null;
}

export class Kyc {
  readonly #o: KycOptions;
  readonly #platformApps: readonly string[];

  constructor(options: KycOptions) {
    this.#o = options;
    this.#platformApps = options.platformVerifiedAppIds ?? [];
  }

  /** Whether a real-name check is configured (the page says so instead of offering a form). */
  get available(): boolean {
    return this.#o.authority !== null;
  }

  /**
   * Submits a real name and identity number. Answers `verified` or `pending` (the authority is
   * checking, or did not answer: the attempt is kept and settled by query later); a mismatch is
   * KYC_REJECTED. Malformed input, a second submission while one waits, or too many attempts change nothing.
   */
  async submit(playerId: string, input: { realName: string; idNumber: string }): Promise<KycStatus> {
    const realName = input.realName.trim();
    const idNumber = input.idNumber.trim().toUpperCase();
    if (realName.length > REAL_NAME_LENGTH_MAX || !NAME_PATTERN.test(realName)) {
      throw new AppError(AccountsErrors.KYC_NAME_INVALID);
    }
    const todayIso = new Date(this.#o.clock.nowMs()).toISOString().slice(0, 10);
    const parsed = parseIdNumber(idNumber, todayIso);
    if (parsed === null) throw new AppError(AccountsErrors.KYC_ID_NUMBER_INVALID, { field: 'idNumber' });
    const authority = this.#o.authority;
    if (authority === null) throw new AppError(AccountsErrors.KYC_PROVIDER_NOT_CONFIGURED);
    const current = await this.status(playerId);
    if (current.status === 'verified') throw new AppError(AccountsErrors.KYC_ALREADY_VERIFIED);
    if (current.status === 'pending') throw new AppError(AccountsErrors.KYC_PENDING);
    const fingerprint = this.#o.sealer.fingerprint(idNumber);
    const taken = await this.#o.store.reader.query('SELECT 1 FROM player_kyc WHERE id_fingerprint = ?', [fingerprint]);
    if (taken.length > 0) throw new AppError(AccountsErrors.KYC_ID_NUMBER_IN_USE);

    const attemptId = newAi();
    const sealed = this.#o.sealer.seal(
      JSON.stringify({ realName, idNumber, birthDate: parsed.birthDate } satisfies SealedAttempt),
      playerId,
    );
    // The attempt is durable before the authority hears of it: a crash or a lost answer leaves it
    // waiting, and the job queries it. Its first query waits out the check's own deadline.
    const created = await this.#o.store.unitOfWork(
      async (tx) => {
        const recent = await tx.query<{ n: unknown }>(
          'SELECT COUNT(*) AS n FROM player_kyc_attempts WHERE player_id = ? AND created_at_ms > ?',
          [playerId, tx.nowMs - DAY_MS],
        );
        if (intFromDb(recent[0]?.n ?? 0) >= KYC_ATTEMPTS_PER_DAY_MAX) return 'too_many' as const;
        const inserted = await tx.run(
          `INSERT INTO player_kyc_attempts (id, player_id, state, sealed, id_fingerprint, created_at_ms, waiting_reason, next_query_at_ms, queries)
           VALUES (?, ?, 'pending', ?, ?, ?, 'unavailable', ?, 0) ON CONFLICT DO NOTHING`,
          [attemptId, playerId, sealed, fingerprint, tx.nowMs, tx.nowMs + KYC_FIRST_QUERY_DELAY_MS],
        );
        return inserted === 1 ? ('ok' as const) : ('waiting' as const);
      },
      { label: 'accounts.kycSubmit' },
    );
    if (created === 'too_many') throw new AppError(AccountsErrors.KYC_ATTEMPTS_EXCEEDED, { perDay: KYC_ATTEMPTS_PER_DAY_MAX });
    if (created === 'waiting') throw new AppError(AccountsErrors.KYC_PENDING);

    const answer = await authority.check(attemptId, { realName, idNumber });
    await this.#apply(attemptId, playerId, answer);
    const after = await this.status(playerId);
    if (after.status === 'failed' && after.failure?.reason === 'not_matched') throw new AppError(AccountsErrors.KYC_REJECTED);
    if (after.status === 'failed' && after.failure?.reason === 'id_in_use') throw new AppError(AccountsErrors.KYC_ID_NUMBER_IN_USE);
    return after;
  }

  /**
   * Settles waiting attempts whose next query is due: queries the authority (sending the check
   * again under the same id when the authority never got it), and expires attempts the authority
   * can no longer answer (its results live 48 hours). Returns how many attempts were handled.
   */
  async settleDue(limit = KYC_SETTLE_BATCH_MAX): Promise<number> {
    const nowMs = this.#o.clock.nowMs();
    const rows = await this.#o.store.reader.query<{ id: string; player_id: string }>(
      "SELECT id, player_id FROM player_kyc_attempts WHERE state = 'pending' AND next_query_at_ms <= ? ORDER BY next_query_at_ms, id LIMIT ?",
      [nowMs, limit],
    );
    let handled = 0;
    for (const r of rows) {
      handled += 1;
      // NPPA not answering one query will not answer the next: the rest wait for their own back-off.
      if ((await this.#settle(r.id, r.player_id)) === 'unavailable') break;
    }
    return handled;
  }

  /** Queries a player's waiting attempt now (an operator's "check now"). Returns false when none waits. */
  async settleNow(playerId: string): Promise<boolean> {
    const rows = await this.#o.store.reader.query<{ id: string }>(
      "SELECT id FROM player_kyc_attempts WHERE player_id = ? AND state = 'pending'",
      [playerId],
    );
    const row = rows[0];
    if (row === undefined) return false;
    await this.#settle(row.id, playerId);
    return true;
  }

  /** Queries one waiting attempt and records the answer; returns what NPPA answered (null when nothing was asked). */
  async #settle(attemptId: string, playerId: string): Promise<RealNameAnswer['status'] | null> {
    const authority = this.#o.authority;
    const rows = await this.#o.store.reader.query<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM player_kyc_attempts WHERE id = ?`, [
      attemptId,
    ]);
    const row = rows[0];
    if (row === undefined || row.state !== 'pending') return null;
    if (authority === null || this.#o.clock.nowMs() - intFromDb(row.created_at_ms) > KYC_ATTEMPT_LIFETIME_MS) {
      await this.#fail(
        attemptId,
        playerId,
        'expired',
        authority === null ? 'no real-name check is configured' : 'the authority never settled it',
      );
      return null;
    }
    let answer = await authority.query(attemptId);
    if (answer.status === 'not_found') {
      // The authority has no check under this id: it never arrived (or its result expired).
      const doc = JSON.parse(this.#o.sealer.open(row.sealed, playerId)) as SealedAttempt;
      answer = await authority.check(attemptId, { realName: doc.realName, idNumber: doc.idNumber });
    }
    await this.#apply(attemptId, playerId, answer, intFromDb(row.queries) + 1);
    return answer.status;
  }

  /** Records what the authority answered about a waiting attempt. Only a waiting attempt changes. */
  async #apply(attemptId: string, playerId: string, answer: RealNameAnswer, queries = 0): Promise<void> {
    switch (answer.status) {
      case 'verified':
        await this.#verify(attemptId, playerId, answer.pi);
        return;
      case 'failed':
        await this.#fail(attemptId, playerId, 'not_matched', answer.reason);
        return;
      case 'pending':
      case 'not_found':
      case 'unavailable': {
        const reason: KycWaitingReason = answer.status === 'pending' ? 'in_progress' : 'unavailable';
        const error = answer.status === 'unavailable' ? `${answer.code}: ${answer.message}`.slice(0, 300) : null;
        if (answer.status === 'unavailable' && answer.operatorFault)
          this.#o.onOperatorFault?.({ attemptId, code: answer.code, message: answer.message });
        await this.#o.store.unitOfWork(
          (tx) =>
            tx.run(
              "UPDATE player_kyc_attempts SET waiting_reason = ?, last_error = ?, queries = ?, next_query_at_ms = ? WHERE id = ? AND state = 'pending'",
              [reason, error, queries, tx.nowMs + queryDelayMs(queries), attemptId],
            ),
          { label: 'accounts.kycWait' },
        );
        return;
      }
    }
  }

  async #verify(attemptId: string, playerId: string, pi: string): Promise<void> {
    const authority = this.#o.authority;
    assert(authority !== null, 'a verification without an authority');
    const outcome = await this.#o.store.unitOfWork(
      async (tx) => {
        const rows = await tx.query<{ sealed: string; id_fingerprint: string; state: string }>(
          'SELECT sealed, id_fingerprint, state FROM player_kyc_attempts WHERE id = ?',
          [attemptId],
        );
        const row = rows[0];
        if (row === undefined || row.state !== 'pending') return 'settled' as const;
        const clash = await tx.query<{ player_id: string }>('SELECT player_id FROM player_kyc WHERE player_id = ? OR id_fingerprint = ?', [
          playerId,
          row.id_fingerprint,
        ]);
        if (clash.length > 0) {
          // Another account verified the same person meanwhile (or this one, through another attempt).
          const mine = clash.some((c) => c.player_id === playerId);
          await tx.run(
            "UPDATE player_kyc_attempts SET state = ?, failure = ?, settled_at_ms = ?, next_query_at_ms = NULL WHERE id = ? AND state = 'pending'",
            [mine ? 'verified' : 'failed', mine ? null : 'id_in_use', tx.nowMs, attemptId],
          );
          return 'clash' as const;
        }
        const doc = JSON.parse(this.#o.sealer.open(row.sealed, playerId)) as SealedAttempt;
        const record: VerifiedIdentity = { ...doc, pi, verifiedBy: authority.name };
        await tx.run(
          `INSERT INTO player_kyc (player_id, status, sealed, id_fingerprint, provider_ref, verified_at_ms, verified_by, pi_present)
           VALUES (?, 'verified', ?, ?, ?, ?, ?, 1)`,
          [playerId, this.#o.sealer.seal(JSON.stringify(record), playerId), row.id_fingerprint, attemptId, tx.nowMs, authority.name],
        );
        await tx.run(
          "UPDATE player_kyc_attempts SET state = 'verified', settled_at_ms = ?, next_query_at_ms = NULL, waiting_reason = NULL WHERE id = ?",
          [tx.nowMs, attemptId],
        );
        await this.#o.analytics.append(tx, { kind: 'kyc_verified', actor: { kind: 'player', id: playerId }, data: { by: authority.name } });
        return 'verified' as const;
      },
      { label: 'accounts.kycVerified' },
    );
    if (outcome === 'verified') this.#o.onVerified?.(playerId);
  }

  async #fail(attemptId: string, playerId: string, failure: KycFailure, reason: string): Promise<void> {
    await this.#o.store.unitOfWork(
      async (tx) => {
        const changed = await tx.run(
          "UPDATE player_kyc_attempts SET state = ?, failure = ?, last_error = ?, settled_at_ms = ?, next_query_at_ms = NULL WHERE id = ? AND state = 'pending'",
          [failure === 'expired' ? 'expired' : 'failed', failure, reason.slice(0, 300), tx.nowMs, attemptId],
        );
        if (changed === 1)
          await this.#o.analytics.append(tx, { kind: 'kyc_rejected', actor: { kind: 'player', id: playerId }, data: { reason: failure } });
      },
      { label: 'accounts.kycFailed' },
    );
  }

  async status(playerId: string): Promise<KycStatus> {
    const [records, latest, platform] = await Promise.all([
      this.#o.store.reader.query<{ sealed: string; verified_at_ms: unknown; verified_by: string }>(
        "SELECT sealed, verified_at_ms, verified_by FROM player_kyc WHERE player_id = ? AND status = 'verified'",
        [playerId],
      ),
      this.#o.store.reader.query<AttemptRow>(
        `SELECT ${ATTEMPT_COLUMNS} FROM player_kyc_attempts WHERE player_id = ? ORDER BY created_at_ms DESC, id DESC LIMIT 1`,
        [playerId],
      ),
      this.#platform(playerId),
    ]);
    const record = records[0];
    const none: KycStatus = {
      status: 'none',
      verifiedBy: null,
      maskedName: null,
      maskedIdNumber: null,
      verifiedAtMs: null,
      pending: null,
      failure: null,
      platform,
    };
    if (record !== undefined) {
      const id = JSON.parse(this.#o.sealer.open(record.sealed, playerId)) as VerifiedIdentity;
      return {
        ...none,
        status: 'verified',
        verifiedBy: record.verified_by,
        maskedName: maskName(id.realName),
        maskedIdNumber: maskIdNumber(id.idNumber),
        verifiedAtMs: intFromDb(record.verified_at_ms),
      };
    }
    const a = latest[0];
    if (a === undefined) return none;
    const doc = JSON.parse(this.#o.sealer.open(a.sealed, playerId)) as SealedAttempt;
    const masked = { maskedName: maskName(doc.realName), maskedIdNumber: maskIdNumber(doc.idNumber) };
    if (a.state === 'pending') {
      return {
        ...none,
        ...masked,
        status: 'pending',
        pending: {
          submittedAtMs: intFromDb(a.created_at_ms),
          reason: a.waiting_reason === 'in_progress' ? 'in_progress' : 'unavailable',
          nextCheckAtMs: intFromDb(a.next_query_at_ms),
        },
      };
    }
    const failure = asFailure(a.failure);
    if (failure === null) return none;
    return { ...none, ...masked, status: 'failed', failure: { reason: failure, atMs: intOrNullFromDb(a.settled_at_ms) ?? 0 } };
  }

  /** What compliance decides from: verified (by the authority or a platform), the birth date, a waiting attempt. */
  async facts(playerId: string): Promise<KycFacts> {
    const [identity, pending, platform] = await Promise.all([
      this.identityOf(playerId),
      this.#o.store.reader.query("SELECT 1 FROM player_kyc_attempts WHERE player_id = ? AND state = 'pending'", [playerId]),
      this.#platform(playerId),
    ]);
    return {
      verified: identity !== null || platform !== null,
      birthDate: identity?.birthDate ?? null,
      pending: identity === null && pending.length > 0,
      platform,
    };
  }

  /** The decrypted identity, for compliance (age rules), play reports (`pi`) and authorised review only. */
  async identityOf(playerId: string): Promise<VerifiedIdentity | null> {
    const rows = await this.#o.store.reader.query<{ sealed: string; verified_by: string }>(
      "SELECT sealed, verified_by FROM player_kyc WHERE player_id = ? AND status = 'verified'",
      [playerId],
    );
    const row = rows[0];
    if (!row) return null;
    const id = JSON.parse(this.#o.sealer.open(row.sealed, playerId)) as Partial<VerifiedIdentity> & SealedAttempt;
    return { realName: id.realName, idNumber: id.idNumber, birthDate: id.birthDate, pi: id.pi ?? null, verifiedBy: row.verified_by };
  }

  /** Whether the player has a `pi` (play reports are sent for them), without decrypting anything. */
  async reportable(playerId: string): Promise<boolean> {
    const rows = await this.#o.store.reader.query('SELECT 1 FROM player_kyc WHERE player_id = ? AND pi_present = 1', [playerId]);
    return rows.length > 0;
  }

  /** The authority's `pi` of each player that has one. */
  async pisOf(playerIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const playerId of new Set(playerIds)) {
      const id = await this.identityOf(playerId);
      if (id?.pi) out.set(playerId, id.pi);
    }
    return out;
  }

  /** A player's attempts, newest first, masked (the console). */
  async attempts(playerId: string): Promise<KycAttemptView[]> {
    const rows = await this.#o.store.reader.query<AttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM player_kyc_attempts WHERE player_id = ? ORDER BY created_at_ms DESC, id DESC LIMIT ?`,
      [playerId, KYC_ATTEMPTS_LISTED_MAX],
    );
    return rows.map((r) => this.#view(r));
  }

  /** Attempts waiting for the authority, oldest first, and how many wait in all (the console's queue). */
  async waiting(limit = KYC_ATTEMPTS_LISTED_MAX): Promise<{ count: number; items: KycAttemptView[] }> {
    const [count, rows] = await Promise.all([
      this.#o.store.reader.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM player_kyc_attempts WHERE state = 'pending'"),
      this.#o.store.reader.query<AttemptRow>(
        `SELECT ${ATTEMPT_COLUMNS} FROM player_kyc_attempts WHERE state = 'pending' ORDER BY created_at_ms, id LIMIT ?`,
        [Math.min(limit, KYC_ATTEMPTS_LISTED_MAX)],
      ),
    ]);
    return { count: intFromDb(count[0]?.n ?? 0), items: rows.map((r) => this.#view(r)) };
  }

  #view(r: AttemptRow): KycAttemptView {
    const doc = JSON.parse(this.#o.sealer.open(r.sealed, r.player_id)) as SealedAttempt;
    const state = r.state === 'verified' || r.state === 'failed' || r.state === 'expired' ? r.state : 'pending';
    return {
      attemptId: r.id,
      playerId: r.player_id,
      state,
      maskedName: maskName(doc.realName),
      maskedIdNumber: maskIdNumber(doc.idNumber),
      createdAtMs: intFromDb(r.created_at_ms),
      settledAtMs: intOrNullFromDb(r.settled_at_ms),
      waitingReason: state !== 'pending' ? null : r.waiting_reason === 'in_progress' ? 'in_progress' : 'unavailable',
      nextQueryAtMs: intOrNullFromDb(r.next_query_at_ms),
      queries: intFromDb(r.queries),
      lastError: r.last_error,
      failure: asFailure(r.failure),
    };
  }

  /** WeChat's mini-game platform verified this player's real name when they signed in through a mini-game. */
  async #platform(playerId: string): Promise<'wechat_minigame' | null> {
    if (this.#platformApps.length === 0) return null;
    const rows = await this.#o.store.reader.query(
      `SELECT 1 FROM player_identities WHERE player_id = ? AND app_id IN (${this.#platformApps.map(() => '?').join(', ')}) LIMIT 1`,
      [playerId, ...this.#platformApps],
    );
    return rows.length > 0 ? 'wechat_minigame' : null;
  }
}
