// Withdrawals to the player's WeChat balance through a merchant transfer bill. The money is held
// first (a pending ledger transfer `player → withdrawals_in_flight`, with no timeout of its own,
// so it can never lapse before the provider's 24-hour confirmation window and our queries end);
// the hold is posted when the provider says SUCCESS and voided when it says FAIL or CANCELLED —
// never on our own guess. An unclear answer is followed by a query of the same bill; the bill
// number is our withdrawal id, so it never changes.
import { AppError, assert, isAppError, present } from '@fairground/core';
import type { OperatorActor } from '../accounts/index.ts';
import { LedgerErrors, playerAccount, systemAccount } from '../ledger/index.ts';
import type { Tx } from '../storage/ports.ts';
import { backoff, beijingDayStartMs, type Ctx } from './context.ts';
import { PaymentsErrors } from './errors.ts';
import { failpoint } from './failpoints.ts';
import { SWEEP_BATCH_MAX, WITHDRAWAL_QUERY_BACKOFF_MS, WITHDRAWAL_SUBMIT_DEADLINE_MS } from './limits.ts';
import { newPaymentNo, requestHash, WITHDRAWAL_COLUMNS, WITHDRAWAL_FINAL, type Withdrawal, withdrawalFromRow } from './model.ts';
import { type Applied, type CallResult, describeFailure, type Outbox, retryAt } from './outbox.ts';
import { type PlayerLimits, type ProviderTransfer, ProviderError, type ProviderTransferInput } from './ports.ts';
import { checkCapsInTx, withdrawnSince } from './withdrawal-caps.ts';

export const WITHDRAWAL_SCOPE = 'payments.withdrawal';

export interface WithdrawalRequest {
  readonly playerId: string;
  readonly amountFen: number;
  readonly idempotencyKey: string;
}

/** What the checks before the creating transaction found: where to pay, and why an operator must look first. */
interface Admitted {
  readonly provider: ReturnType<Ctx['provider']>;
  readonly openid: string;
  readonly policyLimits: PlayerLimits;
  readonly reviewReasons: readonly string[];
}

type SubmitOutcome =
  | { readonly kind: 'transfer'; readonly transfer: ProviderTransfer }
  | { readonly kind: 'rejected'; readonly code: string }
  | { readonly kind: 'moot' };

export type TransferOutcome = 'settled' | 'updated' | 'already_final' | 'mismatch' | 'unknown';

export interface WithdrawalLimits {
  readonly minFen: number;
  readonly maxFen: number;
  readonly dailyMaxFen: number;
  readonly dailyCountMax: number;
  readonly usedTodayFen: number;
  readonly countToday: number;
  readonly availableFen: number;
  readonly wageringOutstandingFen: number;
  /** The most that can be withdrawn right now (0 when nothing can). */
  readonly maxNowFen: number;
}

/** A guard for updates that must not touch a withdrawal once it has ended. */
const NOT_FINAL = `state NOT IN (${WITHDRAWAL_FINAL.map((s) => `'${s}'`).join(', ')})`;

/** Whether a decided withdrawal was decided this way, by this operator, with this note: a retry of that decision. */
function sameDecision(w: Withdrawal, decision: 'approve' | 'reject', op: OperatorActor, note: string): boolean {
  if (w.state === 'review' || w.reviewedBy !== op.operatorId || w.reviewNote !== note) return false;
  return decision === 'reject' ? w.state === 'rejected' : w.state !== 'rejected';
}

function isFinalTransfer(t: ProviderTransfer): boolean {
  return t.state === 'success' || t.state === 'fail' || t.state === 'cancelled';
}

export class Withdrawals {
  readonly #ctx: Ctx;
  readonly #outbox: Outbox;

  constructor(ctx: Ctx, outbox: Outbox) {
    this.#ctx = ctx;
    this.#outbox = outbox;
    outbox.register<SubmitOutcome>('withdrawal.submit', {
      perform: (e) => this.#performSubmit(e.subjectId, e.attempts),
      apply: (tx, e, r) => this.#applySubmit(tx, e.subjectId, e.attempts, r),
    });
  }

  // ------------------------------------------------------------------ reads

  async get(id: string): Promise<Withdrawal | null> {
    const rows = await this.#ctx.store.reader.query(`SELECT ${WITHDRAWAL_COLUMNS} FROM payment_withdrawals WHERE id = ?`, [id]);
    return rows[0] ? withdrawalFromRow(rows[0]) : null;
  }

  async #load(tx: Tx, id: string): Promise<Withdrawal | null> {
    const rows = await tx.query(`SELECT ${WITHDRAWAL_COLUMNS} FROM payment_withdrawals WHERE id = ?`, [id]);
    return rows[0] ? withdrawalFromRow(rows[0]) : null;
  }

  async list(filter: {
    playerId?: string;
    state?: string;
    beforeMs?: number;
    limit: number;
    oldestFirst?: boolean;
  }): Promise<Withdrawal[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.playerId !== undefined) {
      where.push('player_id = ?');
      params.push(filter.playerId);
    }
    if (filter.state !== undefined) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.beforeMs !== undefined) {
      where.push(filter.oldestFirst ? 'created_at_ms > ?' : 'created_at_ms < ?');
      params.push(filter.beforeMs);
    }
    params.push(filter.limit);
    const order = filter.oldestFirst ? 'ASC' : 'DESC';
    const rows = await this.#ctx.store.reader.query(
      `SELECT ${WITHDRAWAL_COLUMNS} FROM payment_withdrawals ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at_ms ${order}, id ${order} LIMIT ?`,
      params,
    );
    return rows.map(withdrawalFromRow);
  }

  async limits(playerId: string): Promise<WithdrawalLimits> {
    const s = this.#ctx.settings;
    const today = await withdrawnSince(this.#ctx.store.reader, playerId, beijingDayStartMs(this.#ctx.clock.nowMs()));
    const usedTodayFen = today.sumFen;
    const countToday = today.count;
    const availableFen = (await this.#ctx.ledger.balance(playerAccount(playerId, 'CNY')))?.availableFen ?? 0;
    const wageringOutstandingFen = await this.#ctx.wagering.outstandingWageringFen(playerId);
    const maxNowFen =
      wageringOutstandingFen > 0 || countToday >= s.withdrawalDailyCountMax
        ? 0
        : Math.max(0, Math.min(s.withdrawalMaxFen, s.withdrawalDailyMaxFen - usedTodayFen, availableFen));
    return {
      minFen: s.withdrawalMinFen,
      maxFen: s.withdrawalMaxFen,
      dailyMaxFen: s.withdrawalDailyMaxFen,
      dailyCountMax: s.withdrawalDailyCountMax,
      usedTodayFen,
      countToday,
      availableFen,
      wageringOutstandingFen,
      maxNowFen: maxNowFen >= s.withdrawalMinFen ? maxNowFen : 0,
    };
  }

  // ------------------------------------------------------------------ create

  async create(input: WithdrawalRequest): Promise<{ withdrawal: Withdrawal; replayed: boolean }> {
    const hash = requestHash({ amountFen: input.amountFen });
    const existing = await this.#byKey(input.playerId, input.idempotencyKey);
    if (existing) return { withdrawal: this.#replay(existing, hash), replayed: true };
    const admitted = await this.#admit(input);
    const review = admitted.reviewReasons.length > 0;
    const id = newPaymentNo('W');
    let reservation: number | undefined;
    try {
      reservation = await this.#ctx.store.unitOfWork((tx) => this.#holdAndRecord(tx, id, input, hash, admitted), {
        label: 'payments.withdrawal.create',
      });
    } catch (e) {
      const raced = await this.#byKey(input.playerId, input.idempotencyKey);
      if (raced) return { withdrawal: this.#replay(raced, hash), replayed: true };
      throw e;
    }
    failpoint('after_hold');
    if (!review) await this.#outbox.dispatchSubject('withdrawal.submit', id, reservation);
    const w = await this.get(id);
    assert(w !== null, `withdrawal ${id} vanished`);
    return { withdrawal: w, replayed: false };
  }

  /**
   * Everything checked before the creating transaction, in the order a player is told: the amount,
   * the provider, the caps, the balance, a payout identity, and the risk engine; with the reasons
   * the withdrawal waits for an operator (none: it goes straight to the provider).
   */
  async #admit(input: WithdrawalRequest): Promise<Admitted> {
    const s = this.#ctx.settings;
    if (input.amountFen < s.withdrawalMinFen) throw new AppError(PaymentsErrors.PAYMENT_AMOUNT_BELOW_MIN, { minFen: s.withdrawalMinFen });
    if (input.amountFen > s.withdrawalMaxFen) throw new AppError(PaymentsErrors.PAYMENT_AMOUNT_ABOVE_MAX, { maxFen: s.withdrawalMaxFen });
    const provider = this.#ctx.provider();
    if (this.#ctx.breaker.state === 'open') {
      throw new AppError(PaymentsErrors.PAYMENT_PROVIDER_UNAVAILABLE, { retryAtMs: this.#ctx.breaker.retryAtMs ?? 0 });
    }
    const limits = await this.limits(input.playerId);
    const policyLimits = await this.#ctx.limits.withdrawals(input.playerId, this.#ctx.clock.nowMs());
    if (limits.wageringOutstandingFen > 0) {
      throw new AppError(PaymentsErrors.PAYMENT_WAGERING_INCOMPLETE, { wageringOutstandingFen: limits.wageringOutstandingFen });
    }
    if (limits.countToday >= s.withdrawalDailyCountMax) {
      throw new AppError(PaymentsErrors.PAYMENT_DAILY_COUNT_REACHED, { dailyCountMax: s.withdrawalDailyCountMax });
    }
    if (limits.usedTodayFen + input.amountFen > s.withdrawalDailyMaxFen) {
      throw new AppError(PaymentsErrors.PAYMENT_DAILY_LIMIT_REACHED, {
        dailyMaxFen: s.withdrawalDailyMaxFen,
        usedTodayFen: limits.usedTodayFen,
      });
    }
    if (limits.availableFen < input.amountFen) {
      throw new AppError(PaymentsErrors.PAYMENT_BALANCE_INSUFFICIENT, { availableFen: limits.availableFen });
    }
    const openid = await this.#ctx.openidOf(input.playerId, provider.appId);
    if (openid === null) throw new AppError(PaymentsErrors.PAYMENT_PAYOUT_IDENTITY_MISSING, { appId: provider.appId });
    this.#ctx.notifyUrl();
    const risk = await this.#ctx.risk.assessWithdrawal({
      playerId: input.playerId,
      amountFen: input.amountFen,
      nowMs: this.#ctx.clock.nowMs(),
    });
    if (risk.action === 'deny') throw new AppError(PaymentsErrors.PAYMENT_RISK_DENIED);
    // The operator's own review threshold applies whatever the risk engine says.
    const reviewReasons = [
      ...(risk.action === 'review' ? risk.reasons : []),
      ...(input.amountFen >= s.withdrawalReviewFromFen ? [`amount at or above ${s.withdrawalReviewFromFen} fen`] : []),
    ];
    return { provider, openid, policyLimits, reviewReasons };
  }

  /** In the creating unit: the hold, the caps again, the withdrawal's row and its events; returns the outbox reservation. */
  async #holdAndRecord(tx: Tx, id: string, input: WithdrawalRequest, hash: string, a: Admitted): Promise<number | undefined> {
    const s = this.#ctx.settings;
    const review = a.reviewReasons.length > 0;
    const holdId = await this.#hold(tx, id, input);
    await checkCapsInTx(tx, s, a.policyLimits, input);
    await tx.run(
      `INSERT INTO payment_withdrawals (id, player_id, idem_key, request_hash, amount_fen, app_id, merchant_id, openid, state, review_reasons, hold_transfer_id, scene_id, report_infos, user_recv_perception, remark, submit_deadline_ms, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        input.playerId,
        input.idempotencyKey,
        hash,
        input.amountFen,
        a.provider.appId,
        a.provider.merchantId,
        a.openid,
        review ? 'review' : 'submitting',
        review ? JSON.stringify([...new Set(a.reviewReasons)]) : null,
        holdId,
        s.transfer.sceneId,
        JSON.stringify(s.transfer.reportInfos),
        s.transfer.userRecvPerception ?? null,
        s.transfer.remark,
        review ? null : tx.nowMs + WITHDRAWAL_SUBMIT_DEADLINE_MS,
        tx.nowMs,
        tx.nowMs,
      ],
    );
    await this.#ctx.accounts.seen(tx, { playerId: input.playerId, appId: a.provider.appId, openid: a.openid, role: 'payout' });
    const reservation = review ? undefined : await this.#outbox.enqueueForCaller(tx, 'withdrawal.submit', id);
    await this.#ctx.event(tx, 'withdrawal', id, review ? 'held_for_review' : 'held', { amountFen: input.amountFen, holdId });
    await this.#ctx.analytics.append(tx, {
      kind: 'withdrawal_requested',
      actor: { kind: 'player', id: input.playerId },
      data: { withdrawalId: id, amountFen: input.amountFen, review },
    });
    return reservation;
  }

  /** The pending transfer `player → withdrawals_in_flight` that holds the amount; returns its id. */
  async #hold(tx: Tx, id: string, input: WithdrawalRequest): Promise<string> {
    try {
      const hold = await this.#ctx.ledger.transfer(tx, {
        scope: WITHDRAWAL_SCOPE,
        key: `${id}.hold`,
        debit: playerAccount(input.playerId, 'CNY'),
        credit: systemAccount('withdrawals_in_flight', 'CNY'),
        asset: 'CNY',
        amount: input.amountFen,
        code: 'withdrawal',
        // No timeout: the hold ends only when the provider has said how the bill ended.
        pending: {},
        metadata: { withdrawalId: id },
      });
      return present(hold.transfers[0], 'a one-transfer batch returns its transfer').id;
    } catch (e) {
      if (isAppError(e, LedgerErrors.LEDGER_INSUFFICIENT_FUNDS)) throw new AppError(PaymentsErrors.PAYMENT_BALANCE_INSUFFICIENT);
      throw e;
    }
  }

  async #byKey(playerId: string, key: string): Promise<Withdrawal | null> {
    const rows = await this.#ctx.store.reader.query(
      `SELECT ${WITHDRAWAL_COLUMNS} FROM payment_withdrawals WHERE player_id = ? AND idem_key = ?`,
      [playerId, key],
    );
    return rows[0] ? withdrawalFromRow(rows[0]) : null;
  }

  #replay(w: Withdrawal, hash: string): Withdrawal {
    if (w.requestHash !== hash) throw new AppError(PaymentsErrors.PAYMENT_IDEMPOTENCY_CONFLICT, { withdrawalId: w.id });
    return w;
  }

  // ------------------------------------------------------------------ operator review

  /**
   * An operator's decision on a withdrawal in review, made once: the same operator sending the same
   * decision with the same note again (a retry) is answered with the withdrawal as it is now
   * (`replayed`) and changes nothing; any other request on a decided withdrawal is
   * PAYMENT_STATE_INVALID.
   */
  async approve(
    op: OperatorActor,
    id: string,
    note: string,
    meta: { requestId: string; ip: string },
  ): Promise<{ withdrawal: Withdrawal; replayed: boolean }> {
    let reservation: number | undefined;
    const replayed = await this.#ctx.store.unitOfWork(
      async (tx) => {
        const w = await this.#load(tx, id);
        if (w === null) throw new AppError(PaymentsErrors.PAYMENT_NOT_FOUND, { withdrawalId: id });
        const changed = await tx.run(
          `UPDATE payment_withdrawals SET state = 'submitting', reviewed_by = ?, review_note = ?, reviewed_at_ms = ?, submit_deadline_ms = ?, updated_at_ms = ? WHERE id = ? AND state = 'review'`,
          [op.operatorId, note, tx.nowMs, tx.nowMs + WITHDRAWAL_SUBMIT_DEADLINE_MS, tx.nowMs, id],
        );
        if (changed !== 1) {
          // Read again: a parallel decision may have committed while this update waited for its row.
          const now = (await this.#load(tx, id)) ?? w;
          if (sameDecision(now, 'approve', op, note)) return true;
          throw new AppError(PaymentsErrors.PAYMENT_STATE_INVALID, { state: now.state });
        }
        reservation = await this.#outbox.enqueueForCaller(tx, 'withdrawal.submit', id);
        await this.#ctx.event(tx, 'withdrawal', id, 'approved', { operatorId: op.operatorId });
        await this.#ctx.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'payments.withdrawal_approve',
          target: { kind: 'withdrawal', id },
          reason: note,
          before: { state: 'review', amountFen: w.amountFen, playerId: w.playerId },
          after: { state: 'submitting' },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        await this.#ctx.risk.withdrawalDecided(tx, {
          playerId: w.playerId,
          withdrawalId: id,
          amountFen: w.amountFen,
          createdAtMs: w.createdAtMs,
          decision: 'approve',
          operator: { id: op.operatorId, username: op.username },
          note: note,
        });
        return false;
      },
      { label: 'payments.withdrawal.approve' },
    );
    if (!replayed) await this.#outbox.dispatchSubject('withdrawal.submit', id, reservation);
    return { withdrawal: present(await this.get(id), `withdrawal ${id} was just written`), replayed };
  }

  async reject(
    op: OperatorActor,
    id: string,
    reason: string,
    meta: { requestId: string; ip: string },
  ): Promise<{ withdrawal: Withdrawal; replayed: boolean }> {
    const replayed = await this.#ctx.store.unitOfWork(
      async (tx) => {
        const w = await this.#load(tx, id);
        if (w === null) throw new AppError(PaymentsErrors.PAYMENT_NOT_FOUND, { withdrawalId: id });
        const changed = await tx.run(
          `UPDATE payment_withdrawals SET state = 'rejected', reviewed_by = ?, review_note = ?, reviewed_at_ms = ?, finished_at_ms = ?, failure_code = 'REJECTED_IN_REVIEW', updated_at_ms = ? WHERE id = ? AND state = 'review'`,
          [op.operatorId, reason, tx.nowMs, tx.nowMs, tx.nowMs, id],
        );
        if (changed !== 1) {
          // Read again: a parallel decision may have committed while this update waited for its row.
          const now = (await this.#load(tx, id)) ?? w;
          if (sameDecision(now, 'reject', op, reason)) return true;
          throw new AppError(PaymentsErrors.PAYMENT_STATE_INVALID, { state: now.state });
        }
        await this.#ctx.ledger.void(tx, { scope: WITHDRAWAL_SCOPE, key: `${id}.void`, pendingId: w.holdTransferId });
        await this.#ctx.event(tx, 'withdrawal', id, 'rejected', { operatorId: op.operatorId });
        await this.#ctx.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'payments.withdrawal_reject',
          target: { kind: 'withdrawal', id },
          reason,
          before: { state: 'review', amountFen: w.amountFen, playerId: w.playerId },
          after: { state: 'rejected' },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        await this.#ctx.risk.withdrawalDecided(tx, {
          playerId: w.playerId,
          withdrawalId: id,
          amountFen: w.amountFen,
          createdAtMs: w.createdAtMs,
          decision: 'reject',
          operator: { id: op.operatorId, username: op.username },
          note: reason,
        });
        await this.#ctx.notifier.notify(tx, w.playerId, {
          kind: 'withdrawal_failed',
          data: { withdrawalId: id, amountFen: w.amountFen, reason: 'REJECTED_IN_REVIEW' },
        });
        return false;
      },
      { label: 'payments.withdrawal.reject' },
    );
    return { withdrawal: present(await this.get(id), `withdrawal ${id} was just written`), replayed };
  }

  // ------------------------------------------------------------------ the transfer bill

  #input(w: Withdrawal): ProviderTransferInput {
    return {
      billNo: w.id,
      amountFen: w.amountFen,
      openid: w.openid,
      remark: w.remark,
      sceneId: w.sceneId,
      reportInfos: w.reportInfos,
      userRecvPerception: w.userRecvPerception ?? undefined,
      notifyUrl: this.#ctx.notifyUrl(),
    };
  }

  async #query(id: string): Promise<ProviderTransfer | null> {
    try {
      return await this.#ctx.call((p) => p.queryTransfer(id));
    } catch (e) {
      if (e instanceof ProviderError && e.failure === 'not_found') return null;
      throw e;
    }
  }

  async #performSubmit(id: string, attempts: number): Promise<SubmitOutcome> {
    const w = await this.get(id);
    assert(w !== null, `withdrawal ${id} vanished`);
    if (w.state !== 'submitting') return { kind: 'moot' };
    let known: ProviderTransfer | null = null;
    if (attempts > 1) {
      // An earlier attempt may have made the bill (an unclear answer, or a crash before we wrote it down): ask first.
      known = await this.#query(id);
      if (known !== null && known.state !== 'wait_user_confirm') return this.#outcome({ kind: 'transfer', transfer: known });
      if (known === null && w.submitDeadlineMs !== null && this.#ctx.clock.nowMs() > w.submitDeadlineMs) {
        return this.#outcome({ kind: 'rejected', code: 'SUBMIT_DEADLINE_PASSED' });
      }
    }
    try {
      // Creating again with the same number and parameters answers the existing bill (with its package_info).
      return this.#outcome({ kind: 'transfer', transfer: await this.#ctx.call((p) => p.createTransfer(this.#input(w))) });
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      if (e.failure === 'rejected') {
        const after = await this.#query(id);
        return this.#outcome(after === null ? { kind: 'rejected', code: e.providerCode } : { kind: 'transfer', transfer: after });
      }
      if (known !== null) return { kind: 'transfer', transfer: known };
      throw e;
    }
  }

  #outcome(o: SubmitOutcome): SubmitOutcome {
    if (o.kind === 'rejected' || (o.kind === 'transfer' && isFinalTransfer(o.transfer))) failpoint('before_settle', 'withdrawal');
    return o;
  }

  async #applySubmit(tx: Tx, id: string, attempts: number, r: CallResult<SubmitOutcome>): Promise<Applied> {
    if (!r.ok) {
      await this.#ctx.event(tx, 'withdrawal', id, 'provider_submit_failed', { error: describeFailure(r.error), attempts });
      return { done: false, retryAtMs: retryAt(tx.nowMs, attempts), error: describeFailure(r.error) };
    }
    const o = r.value;
    if (o.kind === 'moot') return { done: true };
    if (o.kind === 'rejected') {
      await this.#finishFailed(tx, id, 'failed', o.code, null, 'submit');
      return { done: true };
    }
    await this.applyTransferIn(tx, id, o.transfer, 'submit');
    return { done: true };
  }

  /** Applies what the provider says about a bill, inside `tx`. Final states post or void the hold, once. */
  async applyTransferIn(tx: Tx, id: string, t: ProviderTransfer, source: string): Promise<TransferOutcome> {
    const w = await this.#load(tx, id);
    if (w === null) return 'unknown';
    if (WITHDRAWAL_FINAL.includes(w.state)) return 'already_final';
    assert(w.state !== 'review', `withdrawal ${id} in review has a provider bill`);
    if (t.amountFen !== undefined && t.amountFen !== w.amountFen) {
      await this.#ctx.event(tx, 'withdrawal', id, 'provider_mismatch', { source, providerAmountFen: t.amountFen });
      await tx.run(`UPDATE payment_withdrawals SET failure_code = 'PROVIDER_MISMATCH', updated_at_ms = ? WHERE id = ?`, [tx.nowMs, id]);
      return 'mismatch';
    }
    const common = [t.providerBillNo, t.providerState, t.createdAtMs ?? null] as const;
    if (t.state === 'success') {
      // The transition is claimed before money moves, so a racing unit for the same bill changes nothing.
      const claimed = await tx.run(
        `UPDATE payment_withdrawals SET state = 'succeeded', provider_bill_no = ?, provider_state = ?, provider_created_at_ms = COALESCE(provider_created_at_ms, ?), provider_finished_at_ms = ?, package_info = NULL, finished_at_ms = ?, next_check_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND ${NOT_FINAL}`,
        [...common, t.updatedAtMs ?? tx.nowMs, tx.nowMs, tx.nowMs, id],
      );
      if (claimed !== 1) return 'already_final';
      await this.#ctx.ledger.post(tx, { scope: WITHDRAWAL_SCOPE, key: `${id}.post`, pendingId: w.holdTransferId });
      const settle = await this.#ctx.ledger.transfer(tx, {
        scope: WITHDRAWAL_SCOPE,
        key: `${id}.settle`,
        debit: systemAccount('withdrawals_in_flight', 'CNY'),
        credit: systemAccount('provider_clearing', 'CNY'),
        asset: 'CNY',
        amount: w.amountFen,
        code: 'withdrawal',
        metadata: { withdrawalId: id },
      });
      await tx.run('UPDATE payment_withdrawals SET settle_transfer_id = ? WHERE id = ?', [
        present(settle.transfers[0], 'a one-transfer batch returns its transfer').id,
        id,
      ]);
      await this.#outbox.retire(tx, 'withdrawal.submit', id);
      await this.#ctx.event(tx, 'withdrawal', id, 'succeeded', { source });
      await this.#ctx.notifier.notify(tx, w.playerId, { kind: 'withdrawal_completed', data: { withdrawalId: id, amountFen: w.amountFen } });
      await this.#ctx.analytics.append(tx, {
        kind: 'withdrawal_completed',
        actor: { kind: 'player', id: w.playerId },
        data: { withdrawalId: id, amountFen: w.amountFen },
      });
      return 'settled';
    }
    if (t.state === 'fail' || t.state === 'cancelled') {
      await tx.run(
        `UPDATE payment_withdrawals SET provider_bill_no = ?, provider_state = ?, provider_created_at_ms = COALESCE(provider_created_at_ms, ?), provider_finished_at_ms = ? WHERE id = ? AND ${NOT_FINAL}`,
        [...common, t.updatedAtMs ?? tx.nowMs, id],
      );
      await this.#finishFailed(
        tx,
        id,
        t.state === 'fail' ? 'failed' : 'cancelled',
        t.failReason ?? t.providerState,
        t.failReason ?? null,
        source,
      );
      return 'settled';
    }
    const waiting = t.state === 'wait_user_confirm';
    const nextState = waiting ? 'awaiting_confirmation' : 'processing';
    await tx.run(
      `UPDATE payment_withdrawals SET state = ?, provider_bill_no = ?, provider_state = ?, provider_created_at_ms = COALESCE(provider_created_at_ms, ?), package_info = COALESCE(?, package_info), next_check_at_ms = ?, checks = checks + 1, updated_at_ms = ? WHERE id = ? AND ${NOT_FINAL}`,
      [nextState, ...common, t.packageInfo ?? null, tx.nowMs + backoff(WITHDRAWAL_QUERY_BACKOFF_MS, w.checks), tx.nowMs, id],
    );
    if (waiting && w.state !== 'awaiting_confirmation') {
      await this.#ctx.event(tx, 'withdrawal', id, 'awaiting_confirmation', { source });
      await this.#ctx.notifier.notify(tx, w.playerId, { kind: 'withdrawal_confirm', data: { withdrawalId: id, amountFen: w.amountFen } });
    }
    return 'updated';
  }

  async #finishFailed(
    tx: Tx,
    id: string,
    state: 'failed' | 'cancelled',
    code: string,
    failReason: string | null,
    source: string,
  ): Promise<void> {
    const w = await this.#load(tx, id);
    if (w === null || WITHDRAWAL_FINAL.includes(w.state)) return;
    const claimed = await tx.run(
      `UPDATE payment_withdrawals SET state = ?, failure_code = ?, fail_reason = COALESCE(?, fail_reason), package_info = NULL, finished_at_ms = ?, next_check_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND ${NOT_FINAL}`,
      [state, code, failReason, tx.nowMs, tx.nowMs, id],
    );
    if (claimed !== 1) return;
    await this.#ctx.ledger.void(tx, { scope: WITHDRAWAL_SCOPE, key: `${id}.void`, pendingId: w.holdTransferId });
    await this.#outbox.retire(tx, 'withdrawal.submit', id);
    await this.#ctx.event(tx, 'withdrawal', id, state, { source, code });
    await this.#ctx.notifier.notify(tx, w.playerId, {
      kind: 'withdrawal_failed',
      data: { withdrawalId: id, amountFen: w.amountFen, reason: code },
    });
    await this.#ctx.analytics.append(tx, {
      kind: 'withdrawal_failed',
      actor: { kind: 'player', id: w.playerId },
      data: { withdrawalId: id, amountFen: w.amountFen, code },
    });
  }

  /** Applies a provider state from outside a unit (notifications, sweeps). */
  async applyTransfer(id: string, t: ProviderTransfer, source: string): Promise<TransferOutcome> {
    if (isFinalTransfer(t)) failpoint('before_settle', 'withdrawal');
    return this.#ctx.store.unitOfWork((tx) => this.applyTransferIn(tx, id, t, source), { label: 'payments.withdrawal.apply' });
  }

  // ------------------------------------------------------------------ sweeps

  async sweep(): Promise<number> {
    const nowMs = this.#ctx.clock.nowMs();
    const rows = await this.#ctx.store.reader.query(
      `SELECT ${WITHDRAWAL_COLUMNS} FROM payment_withdrawals WHERE next_check_at_ms IS NOT NULL AND next_check_at_ms <= ? ORDER BY next_check_at_ms LIMIT ?`,
      [nowMs, SWEEP_BATCH_MAX],
    );
    for (const row of rows) {
      const w = withdrawalFromRow(row);
      let t: ProviderTransfer | null;
      try {
        t = await this.#query(w.id);
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        await this.#recheckLater(w, 'query_failed', describeFailure(e));
        continue;
      }
      if (t === null) {
        // A bill we were told exists is unknown now (beyond the 30-day query window, or a forgetful
        // sandbox): never guess — keep the hold and leave it to finance.
        await this.#recheckLater(w, 'query_not_found', 'not_found');
        continue;
      }
      await this.applyTransfer(w.id, t, 'query');
    }
    return rows.length;
  }

  async #recheckLater(w: Withdrawal, kind: string, error: string): Promise<void> {
    await this.#ctx.store.unitOfWork(async (tx) => {
      await tx.run(
        'UPDATE payment_withdrawals SET next_check_at_ms = ?, checks = checks + 1, updated_at_ms = ? WHERE id = ? AND next_check_at_ms IS NOT NULL',
        [tx.nowMs + backoff(WITHDRAWAL_QUERY_BACKOFF_MS, w.checks), tx.nowMs, w.id],
      );
      await this.#ctx.event(tx, 'withdrawal', w.id, kind, { error });
    });
  }
}
