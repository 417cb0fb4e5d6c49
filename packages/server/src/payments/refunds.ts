// Refunds of deposits, requested by a finance operator. The refunded amount is held in the
// player's wallet first (`player → refunds_in_flight`, pending); the provider refund is requested
// through the outbox with our refund id as out_refund_no; the hold is posted when the provider
// says SUCCESS and voided when it says CLOSED. ABNORMAL is not final: we keep asking.
import { AppError, assert, isAppError, present } from '@fairground/core';
import type { OperatorActor } from '../accounts/index.ts';
import { LedgerErrors, playerAccount, systemAccount } from '../ledger/index.ts';
import type { Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { backoff, type Ctx } from './context.ts';
import type { Deposits } from './deposits.ts';
import { PaymentsErrors } from './errors.ts';
import { failpoint } from './failpoints.ts';
import { REFUND_QUERY_BACKOFF_MS, SWEEP_BATCH_MAX } from './limits.ts';
import { type Deposit, newPaymentNo, REFUND_COLUMNS, type Refund, type RefundCause, refundFromRow, requestHash } from './model.ts';
import { type Applied, type CallResult, describeFailure, type Outbox, retryAt } from './outbox.ts';
import { type ProviderRefund, ProviderError } from './ports.ts';

export const REFUND_SCOPE = 'payments.refund';
/** A guard for updates that must not touch a refund once it has ended. */
const NOT_FINAL = `state NOT IN ('succeeded', 'failed')`;

type SubmitOutcome = { readonly kind: 'refund'; readonly refund: ProviderRefund } | { readonly kind: 'rejected'; readonly code: string };

export type RefundOutcome = 'settled' | 'updated' | 'already_final' | 'mismatch' | 'unknown';

/** A refund to hold in a unit of work: its number, what it refunds, who or what asked, and why. */
export interface RefundHold {
  readonly id: string;
  readonly deposit: Pick<Deposit, 'id' | 'playerId' | 'amountFen'>;
  readonly operatorId: string;
  readonly idemKey: string;
  readonly requestHash: string;
  readonly amountFen: number;
  readonly reason: string;
  readonly cause: RefundCause;
}

/**
 * Holds a refund in `tx`: checks it fits in what is left of the deposit, holds the amount in the
 * player's wallet (`player → refunds_in_flight`, pending) and records the refund `submitting`.
 * The caller enqueues its provider call in the same unit. Used by operators' refunds and by the
 * automatic refund of money that arrived over a deposit limit.
 */
export async function holdRefundIn(ctx: Ctx, tx: Tx, r: RefundHold): Promise<string> {
  // After the ledger's lock, the refunds summed next include every one committed before.
  await ctx.ledger.serialize(tx);
  const open = await tx.query<{ s: unknown }>(
    `SELECT COALESCE(SUM(amount_fen), 0) AS s FROM payment_refunds WHERE deposit_id = ? AND state <> 'failed'`,
    [r.deposit.id],
  );
  const committedFen = intFromDb(open[0]?.s ?? 0);
  if (committedFen + r.amountFen > r.deposit.amountFen) {
    throw new AppError(PaymentsErrors.PAYMENT_REFUND_EXCEEDS, { refundableFen: r.deposit.amountFen - committedFen });
  }
  let holdId: string;
  try {
    const hold = await ctx.ledger.transfer(tx, {
      scope: REFUND_SCOPE,
      key: `${r.id}.hold`,
      debit: playerAccount(r.deposit.playerId, 'CNY'),
      credit: systemAccount('refunds_in_flight', 'CNY'),
      asset: 'CNY',
      amount: r.amountFen,
      code: 'refund',
      pending: {},
      metadata: { refundId: r.id, depositId: r.deposit.id, ...(r.cause === 'over_limit' ? { overLimit: true } : {}) },
    });
    holdId = present(hold.transfers[0], 'a one-transfer batch returns its transfer').id;
  } catch (e) {
    if (isAppError(e, LedgerErrors.LEDGER_INSUFFICIENT_FUNDS)) throw new AppError(PaymentsErrors.PAYMENT_BALANCE_INSUFFICIENT);
    throw e;
  }
  await tx.run(
    `INSERT INTO payment_refunds (id, deposit_id, player_id, operator_id, idem_key, request_hash, amount_fen, reason, cause, state, hold_transfer_id, created_at_ms, updated_at_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitting', ?, ?, ?)`,
    [
      r.id,
      r.deposit.id,
      r.deposit.playerId,
      r.operatorId,
      r.idemKey,
      r.requestHash,
      r.amountFen,
      r.reason,
      r.cause,
      holdId,
      tx.nowMs,
      tx.nowMs,
    ],
  );
  await ctx.event(tx, 'refund', r.id, 'held', { depositId: r.deposit.id, amountFen: r.amountFen, holdId, cause: r.cause });
  await ctx.event(tx, 'deposit', r.deposit.id, 'refund_requested', { refundId: r.id, amountFen: r.amountFen, cause: r.cause });
  return holdId;
}

export class Refunds {
  readonly #ctx: Ctx;
  readonly #outbox: Outbox;
  readonly #deposits: Deposits;

  constructor(ctx: Ctx, outbox: Outbox, deposits: Deposits) {
    this.#ctx = ctx;
    this.#outbox = outbox;
    this.#deposits = deposits;
    outbox.register<SubmitOutcome>('refund.submit', {
      perform: (e) => this.#performSubmit(e.subjectId, e.attempts),
      apply: (tx, e, r) => this.#applySubmit(tx, e.subjectId, e.attempts, r),
    });
  }

  async get(id: string): Promise<Refund | null> {
    const rows = await this.#ctx.store.reader.query(`SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE id = ?`, [id]);
    return rows[0] ? refundFromRow(rows[0]) : null;
  }

  async #load(tx: Tx, id: string): Promise<Refund | null> {
    const rows = await tx.query(`SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE id = ?`, [id]);
    return rows[0] ? refundFromRow(rows[0]) : null;
  }

  async forDeposit(depositId: string): Promise<Refund[]> {
    const rows = await this.#ctx.store.reader.query(
      `SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE deposit_id = ? ORDER BY created_at_ms`,
      [depositId],
    );
    return rows.map(refundFromRow);
  }

  async list(filter: { state?: string; beforeMs?: number; limit: number }): Promise<Refund[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.state !== undefined) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.beforeMs !== undefined) {
      where.push('created_at_ms < ?');
      params.push(filter.beforeMs);
    }
    params.push(filter.limit);
    const rows = await this.#ctx.store.reader.query(
      `SELECT ${REFUND_COLUMNS} FROM payment_refunds ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at_ms DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map(refundFromRow);
  }

  async create(
    op: OperatorActor,
    depositId: string,
    input: { amountFen: number; reason: string; idempotencyKey: string },
    meta: { requestId: string; ip: string },
  ): Promise<{ refund: Refund; replayed: boolean }> {
    const hash = requestHash({ amountFen: input.amountFen, reason: input.reason });
    const existing = await this.#byKey(depositId, input.idempotencyKey);
    if (existing) {
      if (existing.requestHash !== hash) throw new AppError(PaymentsErrors.PAYMENT_IDEMPOTENCY_CONFLICT, { refundId: existing.id });
      return { refund: existing, replayed: true };
    }
    const deposit = await this.#deposits.get(depositId);
    if (deposit === null) throw new AppError(PaymentsErrors.PAYMENT_NOT_FOUND, { depositId });
    if (deposit.state !== 'paid') throw new AppError(PaymentsErrors.PAYMENT_STATE_INVALID, { state: deposit.state });
    this.#ctx.provider();
    this.#ctx.notifyUrl();
    const id = newPaymentNo('R');
    let reservation: number | undefined;
    try {
      await this.#ctx.store.unitOfWork(
        async (tx) => {
          await holdRefundIn(this.#ctx, tx, {
            id,
            deposit,
            operatorId: op.operatorId,
            idemKey: input.idempotencyKey,
            requestHash: hash,
            amountFen: input.amountFen,
            reason: input.reason,
            cause: 'operator',
          });
          reservation = await this.#outbox.enqueueForCaller(tx, 'refund.submit', id);
          await this.#ctx.audit.record(tx, {
            operator: { id: op.operatorId, username: op.username },
            action: 'payments.refund',
            target: { kind: 'deposit', id: depositId },
            reason: input.reason,
            before: { refundedFen: deposit.refundedFen, amountFen: deposit.amountFen },
            after: { refundId: id, amountFen: input.amountFen },
            requestId: meta.requestId,
            ip: meta.ip,
          });
        },
        { label: 'payments.refund.create' },
      );
    } catch (e) {
      // Two requests with one key raced: the loser answers with the winner's refund, or a conflict.
      const raced = await this.#byKey(depositId, input.idempotencyKey);
      if (raced === null) throw e;
      if (raced.requestHash !== hash) throw new AppError(PaymentsErrors.PAYMENT_IDEMPOTENCY_CONFLICT, { refundId: raced.id });
      return { refund: raced, replayed: true };
    }
    failpoint('after_refund_hold');
    await this.#outbox.dispatchSubject('refund.submit', id, reservation);
    return { refund: present(await this.get(id), `refund ${id} was just written`), replayed: false };
  }

  async #byKey(depositId: string, key: string): Promise<Refund | null> {
    const rows = await this.#ctx.store.reader.query(`SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE deposit_id = ? AND idem_key = ?`, [
      depositId,
      key,
    ]);
    return rows[0] ? refundFromRow(rows[0]) : null;
  }

  async #query(id: string): Promise<ProviderRefund | null> {
    try {
      return await this.#ctx.call((p) => p.queryRefund(id));
    } catch (e) {
      if (e instanceof ProviderError && e.failure === 'not_found') return null;
      throw e;
    }
  }

  async #performSubmit(id: string, attempts: number): Promise<SubmitOutcome> {
    const r = await this.get(id);
    assert(r !== null, `refund ${id} vanished`);
    const deposit = await this.#deposits.get(r.depositId);
    assert(deposit !== null, `deposit ${r.depositId} vanished`);
    if (attempts > 1) {
      const known = await this.#query(id);
      if (known !== null) return this.#outcome({ kind: 'refund', refund: known });
    }
    try {
      const refund = await this.#ctx.call((p) =>
        p.createRefund({
          refundNo: id,
          orderNo: deposit.id,
          amountFen: r.amountFen,
          orderTotalFen: deposit.amountFen,
          reason: r.reason,
          notifyUrl: this.#ctx.notifyUrl(),
        }),
      );
      return this.#outcome({ kind: 'refund', refund });
    } catch (e) {
      if (!(e instanceof ProviderError) || e.failure !== 'rejected') throw e;
      const after = await this.#query(id);
      return this.#outcome(after === null ? { kind: 'rejected', code: e.providerCode } : { kind: 'refund', refund: after });
    }
  }

  #outcome(o: SubmitOutcome): SubmitOutcome {
    if (o.kind === 'rejected' || o.refund.state === 'success' || o.refund.state === 'closed') failpoint('before_settle', 'refund');
    return o;
  }

  async #applySubmit(tx: Tx, id: string, attempts: number, r: CallResult<SubmitOutcome>): Promise<Applied> {
    if (!r.ok) {
      await this.#ctx.event(tx, 'refund', id, 'provider_submit_failed', { error: describeFailure(r.error), attempts });
      return { done: false, retryAtMs: retryAt(tx.nowMs, attempts), error: describeFailure(r.error) };
    }
    if (r.value.kind === 'rejected') {
      await this.#finish(tx, id, 'failed', r.value.code, 'submit');
      return { done: true };
    }
    await this.applyRefundIn(tx, id, r.value.refund, 'submit');
    return { done: true };
  }

  async applyRefundIn(tx: Tx, id: string, p: ProviderRefund, source: string): Promise<RefundOutcome> {
    const r = await this.#load(tx, id);
    if (r === null) return 'unknown';
    if (r.state === 'succeeded' || r.state === 'failed') {
      // A refund that ended through its notification (which carries no create_time) still learns
      // the day the provider made it, which is the day whose bill lists it.
      if (r.providerCreatedAtMs === null && p.createdAtMs !== undefined && p.orderNo === r.depositId) {
        await tx.run('UPDATE payment_refunds SET provider_created_at_ms = ? WHERE id = ? AND provider_created_at_ms IS NULL', [
          p.createdAtMs,
          id,
        ]);
      }
      return 'already_final';
    }
    if (p.amountFen !== r.amountFen || p.orderNo !== r.depositId) {
      await this.#ctx.event(tx, 'refund', id, 'provider_mismatch', { source, providerAmountFen: p.amountFen, orderNo: p.orderNo });
      await tx.run(`UPDATE payment_refunds SET failure_code = 'PROVIDER_MISMATCH', updated_at_ms = ? WHERE id = ?`, [tx.nowMs, id]);
      return 'mismatch';
    }
    await tx.run(
      'UPDATE payment_refunds SET provider_refund_id = ?, provider_state = ?, provider_created_at_ms = COALESCE(provider_created_at_ms, ?) WHERE id = ?',
      [p.providerRefundId, p.providerState, p.createdAtMs ?? null, id],
    );
    if (p.state === 'success') {
      // Claimed before money moves: a racing unit for the same refund changes nothing.
      const claimed = await tx.run(
        `UPDATE payment_refunds SET state = 'succeeded', succeeded_at_ms = ?, finished_at_ms = ?, next_check_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND ${NOT_FINAL}`,
        [p.succeededAtMs ?? tx.nowMs, tx.nowMs, tx.nowMs, id],
      );
      if (claimed !== 1) return 'already_final';
      await this.#ctx.ledger.post(tx, { scope: REFUND_SCOPE, key: `${id}.post`, pendingId: r.holdTransferId });
      const settle = await this.#ctx.ledger.transfer(tx, {
        scope: REFUND_SCOPE,
        key: `${id}.settle`,
        debit: systemAccount('refunds_in_flight', 'CNY'),
        credit: systemAccount('provider_clearing', 'CNY'),
        asset: 'CNY',
        amount: r.amountFen,
        code: 'refund',
        metadata: { refundId: id, depositId: r.depositId },
      });
      await tx.run('UPDATE payment_refunds SET settle_transfer_id = ? WHERE id = ?', [
        present(settle.transfers[0], 'a one-transfer batch returns its transfer').id,
        id,
      ]);
      await this.#outbox.retire(tx, 'refund.submit', id);
      await tx.run('UPDATE payment_deposits SET refunded_fen = refunded_fen + ?, updated_at_ms = ? WHERE id = ?', [
        r.amountFen,
        tx.nowMs,
        r.depositId,
      ]);
      await this.#ctx.event(tx, 'refund', id, 'succeeded', { source });
      await this.#ctx.notifier.notify(tx, r.playerId, {
        kind: 'refund_completed',
        data: { refundId: id, depositId: r.depositId, amountFen: r.amountFen },
      });
      return 'settled';
    }
    if (p.state === 'closed') {
      await this.#finish(tx, id, 'failed', p.providerState, source);
      return 'settled';
    }
    await tx.run(
      `UPDATE payment_refunds SET state = 'processing', next_check_at_ms = ?, checks = checks + 1, updated_at_ms = ? WHERE id = ? AND ${NOT_FINAL}`,
      [tx.nowMs + backoff(REFUND_QUERY_BACKOFF_MS, r.checks), tx.nowMs, id],
    );
    if (p.state === 'abnormal') await this.#ctx.event(tx, 'refund', id, 'abnormal', { source });
    return 'updated';
  }

  async #finish(tx: Tx, id: string, state: 'failed', code: string, source: string): Promise<void> {
    const r = await this.#load(tx, id);
    if (r === null || r.state === 'succeeded' || r.state === 'failed') return;
    const claimed = await tx.run(
      `UPDATE payment_refunds SET state = ?, failure_code = ?, finished_at_ms = ?, next_check_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND ${NOT_FINAL}`,
      [state, code, tx.nowMs, tx.nowMs, id],
    );
    if (claimed !== 1) return;
    await this.#ctx.ledger.void(tx, { scope: REFUND_SCOPE, key: `${id}.void`, pendingId: r.holdTransferId });
    await this.#outbox.retire(tx, 'refund.submit', id);
    await this.#ctx.event(tx, 'refund', id, state, { source, code });
  }

  async applyRefund(id: string, p: ProviderRefund, source: string): Promise<RefundOutcome> {
    if (p.state === 'success' || p.state === 'closed') failpoint('before_settle', 'refund');
    return this.#ctx.store.unitOfWork((tx) => this.applyRefundIn(tx, id, p, source), { label: 'payments.refund.apply' });
  }

  async sweep(): Promise<number> {
    const nowMs = this.#ctx.clock.nowMs();
    const rows = await this.#ctx.store.reader.query(
      `SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE next_check_at_ms IS NOT NULL AND next_check_at_ms <= ? ORDER BY next_check_at_ms LIMIT ?`,
      [nowMs, SWEEP_BATCH_MAX],
    );
    for (const row of rows) {
      const r = refundFromRow(row);
      let p: ProviderRefund | null;
      try {
        p = await this.#query(r.id);
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        p = null;
      }
      if (p === null) {
        await this.#ctx.store.unitOfWork((tx) =>
          tx.run('UPDATE payment_refunds SET next_check_at_ms = ?, checks = checks + 1, updated_at_ms = ? WHERE id = ?', [
            tx.nowMs + backoff(REFUND_QUERY_BACKOFF_MS, r.checks),
            tx.nowMs,
            r.id,
          ]),
        );
        continue;
      }
      await this.applyRefund(r.id, p, 'query');
    }
    return rows.length;
  }
}
