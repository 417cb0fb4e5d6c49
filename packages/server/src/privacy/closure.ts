// A player closes their own account (PIPL Art. 47: deletion when the service ends). The closure is
// refused, with a stable code and nothing changed, while the player still holds anything of value
// or is in the middle of something: a balance of any asset (money, room cards, points) or a hold
// on one, a withdrawal not yet finished, a seat in a room that has not ended. Otherwise, in one
// unit of work:
// - the player row stays (the ledger's accounts and the rooms' hand histories point at its id,
//   a random id that names nobody once the rest is gone) with its personal fields erased: the
//   nickname replaced, the avatar and the WeChat unionid cleared, status `closed`;
// - the WeChat identities (openids), the mini-program session keys and the phone number are deleted;
// - every session is revoked (a request with an old token is refused: ACCOUNT_CLOSED), and each
//   play session the real-name authority (NPPA) heard log in gets its logout report (bt 0) queued
//   in the same unit, so the authority does not count the closed account as still playing;
// - the sealed real-name record is kept, still sealed, until the retention period ends (its
//   identity fingerprint is released at once, so the same person may verify a new account), and
//   the risk domain's identifier digests with it; the `privacy.kyc-purge` job deletes both then.
// The ledger is not touched: its transfers, hash chain and invariants stay exactly as they were.
import { AppError, assert, type Clock } from '@fairground/core';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { PrivacyErrors } from './errors.ts';
import { CLOSED_NICKNAME, KYC_PURGE_PER_PASS_MAX } from './limits.ts';

/** What the closure needs of other domains, bound in the composition root. */
export interface ClosurePorts {
  /** The player's ledger balances: every asset, posted and pending. */
  balances(
    playerId: string,
  ): Promise<
    readonly { readonly asset: string; readonly postedFen: number; readonly pendingDebitsFen: number; readonly pendingCreditsFen: number }[]
  >;
  /** Withdrawals of the player not yet in a final state. */
  openWithdrawals(playerId: string): Promise<number>;
  /** Rooms the player is seated in that have not ended. */
  liveRooms(playerId: string): Promise<number>;
  /**
   * Ends the player's online play sessions inside the closure's unit of work, queueing the logout
   * report (bt 0) the real-name authority (NPPA) expects for each session it heard log in; absent
   * where play is not reported.
   */
  endPlay?(tx: Tx, playerId: string): Promise<number>;
}

export type ClosureBlocker =
  | { readonly code: 'ACCOUNT_CLOSURE_BALANCE'; readonly assets: readonly string[] }
  | { readonly code: 'ACCOUNT_CLOSURE_WITHDRAWAL_OPEN'; readonly count: number }
  | { readonly code: 'ACCOUNT_CLOSURE_SEATED'; readonly count: number };

export interface ClosureOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly ports: ClosurePorts;
  /** How long a closed account's sealed real-name record is kept. */
  readonly kycRetentionMs: number;
}

export class AccountClosure {
  readonly #o: ClosureOptions;

  constructor(o: ClosureOptions) {
    this.#o = o;
  }

  /** What stands in the way of closing now (empty: the account can be closed). */
  async blockers(playerId: string): Promise<ClosureBlocker[]> {
    const [balances, withdrawals, rooms] = await Promise.all([
      this.#o.ports.balances(playerId),
      this.#o.ports.openWithdrawals(playerId),
      this.#o.ports.liveRooms(playerId),
    ]);
    const out: ClosureBlocker[] = [];
    const held = balances.filter((b) => b.postedFen !== 0 || b.pendingDebitsFen !== 0 || b.pendingCreditsFen !== 0).map((b) => b.asset);
    if (held.length > 0) out.push({ code: 'ACCOUNT_CLOSURE_BALANCE', assets: [...new Set(held)].sort() });
    if (withdrawals > 0) out.push({ code: 'ACCOUNT_CLOSURE_WITHDRAWAL_OPEN', count: withdrawals });
    if (rooms > 0) out.push({ code: 'ACCOUNT_CLOSURE_SEATED', count: rooms });
    return out;
  }

  /** Closes the account, or throws the first blocker's code (nothing changed). */
  async close(playerId: string): Promise<{ readonly closedAtMs: number; readonly kycPurgeAfterMs: number }> {
    const blockers = await this.blockers(playerId);
    const first = blockers[0];
    if (first !== undefined) {
      const { code, ...details } = first;
      throw new AppError(PrivacyErrors[code], details);
    }
    return this.#o.store.unitOfWork(
      async (tx) => {
        const rows = await tx.query<{ status: string }>('SELECT status FROM players WHERE id = ?', [playerId]);
        assert(rows[0] !== undefined, `closing missing player ${playerId}`);
        if (rows[0].status === 'closed') {
          // A second request that raced the first one: the account is closed already.
          const done = await tx.query<{ closed_at_ms: unknown; kyc_purge_after_ms: unknown }>(
            'SELECT closed_at_ms, kyc_purge_after_ms FROM privacy_closures WHERE player_id = ?',
            [playerId],
          );
          assert(done[0] !== undefined, `closed player ${playerId} without a closure`);
          return { closedAtMs: intFromDb(done[0].closed_at_ms), kycPurgeAfterMs: intFromDb(done[0].kyc_purge_after_ms) };
        }
        const kycPurgeAfterMs = tx.nowMs + this.#o.kycRetentionMs;
        await tx.run(
          "UPDATE players SET nickname = ?, avatar_url = NULL, unionid = NULL, status = 'closed', terms_version = NULL, terms_accepted_at_ms = NULL WHERE id = ?",
          [CLOSED_NICKNAME, playerId],
        );
        await tx.run('DELETE FROM player_identities WHERE player_id = ?', [playerId]);
        await tx.run('DELETE FROM player_wechat_sessions WHERE player_id = ?', [playerId]);
        await tx.run('DELETE FROM player_phones WHERE player_id = ?', [playerId]);
        // The identity fingerprint (a keyed hash of the identity number) is released: the sealed
        // record stays until the purge, but the same person may verify a new account.
        await tx.run('UPDATE player_kyc SET id_fingerprint = ? WHERE player_id = ?', [`closed:${playerId}`, playerId]);
        await tx.run("UPDATE player_kyc_attempts SET id_fingerprint = 'closed' WHERE player_id = ?", [playerId]);
        await tx.run(
          "UPDATE auth_sessions SET revoked_at_ms = ?, revoked_reason = 'account_closed' WHERE subject_kind = 'player' AND subject_id = ? AND revoked_at_ms IS NULL",
          [tx.nowMs, playerId],
        );
        // A play session reported to the NPPA as logged in is reported logged out now, in this unit.
        await this.#o.ports.endPlay?.(tx, playerId);
        await tx.run(
          'INSERT INTO privacy_closures (player_id, closed_at_ms, kyc_purge_after_ms, kyc_purged_at_ms) VALUES (?, ?, ?, NULL)',
          [playerId, tx.nowMs, kycPurgeAfterMs],
        );
        return { closedAtMs: tx.nowMs, kycPurgeAfterMs };
      },
      { label: 'privacy.close' },
    );
  }

  async closure(playerId: string): Promise<{ closedAtMs: number; kycPurgeAfterMs: number; kycPurgedAtMs: number | null } | null> {
    const rows = await this.#o.store.reader.query<{ closed_at_ms: unknown; kyc_purge_after_ms: unknown; kyc_purged_at_ms: unknown }>(
      'SELECT closed_at_ms, kyc_purge_after_ms, kyc_purged_at_ms FROM privacy_closures WHERE player_id = ?',
      [playerId],
    );
    const r = rows[0];
    if (r === undefined) return null;
    return {
      closedAtMs: intFromDb(r.closed_at_ms),
      kycPurgeAfterMs: intFromDb(r.kyc_purge_after_ms),
      kycPurgedAtMs: r.kyc_purged_at_ms === null ? null : intFromDb(r.kyc_purged_at_ms),
    };
  }

  /**
   * The `privacy.kyc-purge` job: closed accounts past their retention lose their sealed real-name
   * records (verified record and every submission) and the risk domain's identifier digests.
   * Returns how many accounts were purged.
   */
  async purgeDue(): Promise<number> {
    const nowMs = this.#o.clock.nowMs();
    const due = await this.#o.store.reader.query<{ player_id: string }>(
      'SELECT player_id FROM privacy_closures WHERE kyc_purged_at_ms IS NULL AND kyc_purge_after_ms <= ? ORDER BY kyc_purge_after_ms LIMIT ?',
      [nowMs, KYC_PURGE_PER_PASS_MAX],
    );
    for (const { player_id: playerId } of due) {
      await this.#o.store.unitOfWork((tx) => purgeOne(tx, playerId), { label: 'privacy.kycPurge' });
    }
    return due.length;
  }
}

async function purgeOne(tx: Tx, playerId: string): Promise<void> {
  await tx.run('DELETE FROM player_kyc_attempts WHERE player_id = ?', [playerId]);
  await tx.run('DELETE FROM player_kyc WHERE player_id = ?', [playerId]);
  await tx.run('DELETE FROM risk_identifiers WHERE player_id = ?', [playerId]);
  await tx.run('UPDATE privacy_closures SET kyc_purged_at_ms = ? WHERE player_id = ? AND kyc_purged_at_ms IS NULL', [tx.nowMs, playerId]);
}
