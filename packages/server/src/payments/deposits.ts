// Deposits: a player asks for an order, the provider order is made through the outbox, the player
// pays in WeChat, and the wallet is credited exactly once — by the notification, by a query when
// the notification does not come, or by the close that finds the order paid after all. The credit
// is one ledger transfer `provider_clearing → player`, keyed by the provider's transaction id, in
// the same unit of work that marks the order paid.
import { AppError, assert, present } from '@fairground/core';
import { playerAccount, systemAccount } from '../ledger/index.ts';
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { backoff, beijingDayStartMs, type Ctx } from './context.ts';
import { PaymentsErrors } from './errors.ts';
import { failpoint } from './failpoints.ts';
import {
  DEPOSIT_CLOSE_GRACE_MS,
  DEPOSIT_ORDER_TTL_MS,
  DEPOSIT_QUERY_BACKOFF_MS,
  DEPOSIT_VERIFY_AFTER_CLOSE_MS,
  SWEEP_BATCH_MAX,
} from './limits.ts';
import { DEPOSIT_COLUMNS, type Deposit, depositFromRow, newPaymentNo, requestHash } from './model.ts';
import { type Applied, type CallResult, describeFailure, type Outbox, retryAt } from './outbox.ts';
import { type ClientParams, type DepositChannel, type DepositLimit, type ProviderOrder, ProviderError } from './ports.ts';
import { complianceRefusal, firstBroken } from './player-limits.ts';
import { holdRefundIn } from './refunds.ts';

export const DEPOSIT_SCOPE = 'payments.deposit';

export interface CreateDepositInput {
  readonly playerId: string;
  readonly amountFen: number;
  readonly channel: DepositChannel;
  readonly idempotencyKey: string;
  readonly clientIp: string;
}

export type CreditOutcome = 'credited' | 'over_limit' | 'already_credited' | 'mismatch' | 'unknown';

/**
 * Every limit on one player's deposits, read before a unit (a unit only awaits its tx): payments'
 * own daily cap (the Beijing day, from the settings) and compliance's limits (the player's own,
 * the policy's, a minor's band), each counted inside the unit that opens or credits an order.
 */
export interface DepositCaps {
  readonly policy: string;
  readonly limits: readonly DepositLimit[];
}

/** The reason code of payments' own daily cap among the limits. */
const SETTINGS_DAILY_CAP = 'PAYMENT_DAILY_LIMIT_REACHED';
/** What WeChat Pay shows the payer as the reason of an automatic refund (at most 80 characters). */
const OVER_LIMIT_REFUND_REASON = '超出充值限额，自动退款';
/** The idempotency key of a deposit's one automatic refund (refunds are unique per deposit and key). */
const OVER_LIMIT_REFUND_KEY = 'over-limit';

type CreateOutcome =
  | { readonly kind: 'params'; readonly params: ClientParams }
  | { readonly kind: 'exists'; readonly order: ProviderOrder; readonly caps: DepositCaps }
  | { readonly kind: 'rejected'; readonly code: string };
type CloseOutcome = { readonly kind: 'closed' } | { readonly kind: 'paid'; readonly order: ProviderOrder; readonly caps: DepositCaps };

/** Why a provider order does not match ours, or null when it does. */
export function orderMismatch(d: Deposit, o: ProviderOrder): string | null {
  if (o.orderNo !== d.id) return 'order number';
  if (o.amountFen !== d.amountFen) return `amount ${o.amountFen} ≠ ${d.amountFen}`;
  if (o.appId !== d.appId) return `appid ${o.appId} ≠ ${d.appId}`;
  if (o.merchantId !== d.merchantId) return `mchid ${o.merchantId} ≠ ${d.merchantId}`;
  return null;
}

export class Deposits {
  readonly #ctx: Ctx;
  readonly #outbox: Outbox;

  constructor(ctx: Ctx, outbox: Outbox) {
    this.#ctx = ctx;
    this.#outbox = outbox;
    outbox.register<CreateOutcome>('deposit.create', {
      perform: (e) => this.#performCreate(e.subjectId),
      apply: (tx, e, r) => this.#applyCreate(tx, e.subjectId, e.attempts, r),
    });
    outbox.register<CloseOutcome>('deposit.close', {
      perform: (e) => this.#performClose(e.subjectId),
      apply: (tx, e, r) => this.#applyClose(tx, e.subjectId, e.attempts, r),
    });
  }

  // ------------------------------------------------------------------ reads

  async get(id: string): Promise<Deposit | null> {
    const rows = await this.#ctx.store.reader.query(`SELECT ${DEPOSIT_COLUMNS} FROM payment_deposits WHERE id = ?`, [id]);
    return rows[0] ? depositFromRow(rows[0]) : null;
  }

  async #load(tx: Tx, id: string): Promise<Deposit | null> {
    const rows = await tx.query(`SELECT ${DEPOSIT_COLUMNS} FROM payment_deposits WHERE id = ?`, [id]);
    return rows[0] ? depositFromRow(rows[0]) : null;
  }

  async list(filter: { playerId?: string; state?: string; beforeMs?: number; limit: number }): Promise<Deposit[]> {
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
      where.push('created_at_ms < ?');
      params.push(filter.beforeMs);
    }
    params.push(filter.limit);
    const rows = await this.#ctx.store.reader.query(
      `SELECT ${DEPOSIT_COLUMNS} FROM payment_deposits ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at_ms DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map(depositFromRow);
  }

  /** Fen credited today (Beijing day) and on the way in open orders: what the daily cap counts. */
  async usedTodayFen(playerId: string): Promise<number> {
    return usedFen(this.#ctx.store.reader, playerId, beijingDayStartMs(this.#ctx.clock.nowMs()), { openOrders: true, except: null });
  }

  /**
   * What the player can still deposit now, and the limit that decides it: the same limits and the
   * same counting (open orders included) a new order is checked against, so the deposit page's
   * figure is the one the server will hold to.
   */
  async headroom(playerId: string): Promise<{ leftFen: number; binding: { code: string; maxFen: number; usedFen: number } | null }> {
    const caps = await this.caps(playerId);
    const reader = this.#ctx.store.reader;
    let leftFen = this.#ctx.settings.depositMaxFen;
    let binding: { code: string; maxFen: number; usedFen: number } | null = null;
    const used = new Map<number, number>();
    for (const limit of caps.limits) {
      let countedFen = 0;
      if (limit.sinceMs !== null) {
        countedFen = used.get(limit.sinceMs) ?? (await usedFen(reader, playerId, limit.sinceMs, { openOrders: true, except: null }));
        used.set(limit.sinceMs, countedFen);
      }
      const left = Math.max(0, limit.maxFen - countedFen);
      if (left < leftFen) {
        leftFen = left;
        binding = { code: limit.code, maxFen: limit.maxFen, usedFen: countedFen };
      }
    }
    return { leftFen, binding };
  }

  /** Every limit on the player's deposits now (read outside a unit; the units count against them). */
  async caps(playerId: string): Promise<DepositCaps> {
    const nowMs = this.#ctx.clock.nowMs();
    const compliance = await this.#ctx.limits.deposits(playerId, nowMs);
    const daily: DepositLimit = {
      code: SETTINGS_DAILY_CAP,
      message: 'this would exceed the daily limit',
      sinceMs: beijingDayStartMs(nowMs),
      maxFen: this.#ctx.settings.depositDailyMaxFen,
    };
    return { policy: compliance.policy, limits: [daily, ...compliance.limits] };
  }

  /**
   * The first limit `amountFen` more would break, counted in `reader` (a unit's tx, after the
   * serialising lock): deposits credited since the limit's start, except money refunded for being
   * over a limit, and — when ordering — every order still open, whatever day it was opened.
   */
  async #breaks(
    reader: Reader,
    playerId: string,
    caps: DepositCaps,
    amountFen: number,
    counting: { openOrders: boolean; except: string | null },
  ): Promise<{ limit: DepositLimit; usedFen: number } | null> {
    return firstBroken(caps.limits, amountFen, (sinceMs) => usedFen(reader, playerId, sinceMs, counting));
  }

  // ------------------------------------------------------------------ create

  async create(input: CreateDepositInput): Promise<{ deposit: Deposit; replayed: boolean }> {
    const { settings } = this.#ctx;
    const hash = requestHash({ amountFen: input.amountFen, channel: input.channel });
    const existing = await this.#byKey(input.playerId, input.idempotencyKey);
    if (existing) return { deposit: this.#replay(existing, hash), replayed: true };
    const { caps, provider, payerOpenid } = await this.#preflight(input);
    // Fails now, before anything is written, when the server does not know its notify URL yet.
    this.#ctx.notifyUrl();
    const id = newPaymentNo('D');
    let reservation: number | undefined;
    try {
      await this.#ctx.store.unitOfWork(
        async (tx) => {
          // Every limit again inside the transaction, after the ledger's lock (which every unit
          // that opens or credits an order takes first): the orders counted include every one
          // committed before, and none can commit beside this one, so parallel orders cannot all
          // fit under a limit only some of them fit under. Open orders count: they may be paid.
          await this.#ctx.ledger.serialize(tx);
          const broken = await this.#breaks(tx, input.playerId, caps, input.amountFen, { openOrders: true, except: null });
          if (broken !== null) throw refusal(broken, caps, settings.depositDailyMaxFen);
          await tx.run(
            `INSERT INTO payment_deposits (id, player_id, idem_key, request_hash, amount_fen, channel, app_id, merchant_id, payer_openid, client_ip, description, state, expires_at_ms, next_check_at_ms, created_at_ms, updated_at_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'creating', ?, ?, ?, ?)`,
            [
              id,
              input.playerId,
              input.idempotencyKey,
              hash,
              input.amountFen,
              input.channel,
              provider.appId,
              provider.merchantId,
              payerOpenid,
              input.clientIp,
              settings.depositDescription,
              tx.nowMs + DEPOSIT_ORDER_TTL_MS,
              tx.nowMs + DEPOSIT_ORDER_TTL_MS + DEPOSIT_CLOSE_GRACE_MS,
              tx.nowMs,
              tx.nowMs,
            ],
          );
          reservation = await this.#outbox.enqueueForCaller(tx, 'deposit.create', id);
          await this.#ctx.event(tx, 'deposit', id, 'created', { amountFen: input.amountFen, channel: input.channel });
        },
        { label: 'payments.deposit.create' },
      );
    } catch (e) {
      // Two requests with one key raced: the loser answers with the winner's order.
      const raced = await this.#byKey(input.playerId, input.idempotencyKey);
      if (raced) return { deposit: this.#replay(raced, hash), replayed: true };
      throw e;
    }
    failpoint('after_order_created');
    await this.#outbox.dispatchSubject('deposit.create', id, reservation);
    const deposit = await this.get(id);
    assert(deposit !== null, `deposit ${id} vanished`);
    return { deposit, replayed: false };
  }

  /** The checks answered before anything is written: amount bounds, the player's limits (counted again in the unit), the provider's breaker, the payer's openid for JSAPI. */
  async #preflight(input: CreateDepositInput) {
    const { settings } = this.#ctx;
    if (input.amountFen < settings.depositMinFen)
      throw new AppError(PaymentsErrors.PAYMENT_AMOUNT_BELOW_MIN, { minFen: settings.depositMinFen });
    if (input.amountFen > settings.depositMaxFen)
      throw new AppError(PaymentsErrors.PAYMENT_AMOUNT_ABOVE_MAX, { maxFen: settings.depositMaxFen });
    const caps = await this.caps(input.playerId);
    // The early, friendly answer; the unit counts again.
    const early = await this.#breaks(this.#ctx.store.reader, input.playerId, caps, input.amountFen, { openOrders: true, except: null });
    if (early !== null) throw refusal(early, caps, settings.depositDailyMaxFen);
    const provider = this.#ctx.provider();
    if (this.#ctx.breaker.state === 'open') {
      throw new AppError(PaymentsErrors.PAYMENT_PROVIDER_UNAVAILABLE, { retryAtMs: this.#ctx.breaker.retryAtMs ?? 0 });
    }
    let payerOpenid: string | null = null;
    if (input.channel === 'jsapi') {
      payerOpenid = await this.#ctx.openidOf(input.playerId, provider.appId);
      if (payerOpenid === null) throw new AppError(PaymentsErrors.PAYMENT_CHANNEL_UNAVAILABLE, { channel: 'jsapi', appId: provider.appId });
    }
    return { caps, provider, payerOpenid };
  }

  async #byKey(playerId: string, key: string): Promise<Deposit | null> {
    const rows = await this.#ctx.store.reader.query(
      `SELECT ${DEPOSIT_COLUMNS} FROM payment_deposits WHERE player_id = ? AND idem_key = ?`,
      [playerId, key],
    );
    return rows[0] ? depositFromRow(rows[0]) : null;
  }

  #replay(d: Deposit, hash: string): Deposit {
    if (d.requestHash !== hash) throw new AppError(PaymentsErrors.PAYMENT_IDEMPOTENCY_CONFLICT, { depositId: d.id });
    return d;
  }

  async #performCreate(id: string): Promise<CreateOutcome> {
    const d = await this.get(id);
    assert(d !== null, `deposit ${id} vanished`);
    try {
      const params = await this.#ctx.call((p) =>
        p.createOrder({
          orderNo: d.id,
          amountFen: d.amountFen,
          description: d.description,
          channel: d.channel,
          ...(d.payerOpenid !== null ? { payerOpenid: d.payerOpenid } : {}),
          payerClientIp: d.clientIp,
          expiresAtMs: d.expiresAtMs,
          notifyUrl: this.#ctx.notifyUrl(),
        }),
      );
      return { kind: 'params', params };
    } catch (e) {
      if (!(e instanceof ProviderError) || !['rejected', 'already_paid', 'order_closed'].includes(e.failure)) throw e;
      // A refusal: the provider's word on the order number decides what it means.
      try {
        const order = await this.#ctx.call((p) => p.queryOrder(d.id));
        return { kind: 'exists', order, caps: await this.caps(d.playerId) };
      } catch (q) {
        if (q instanceof ProviderError && q.failure === 'not_found' && e.failure === 'rejected')
          return { kind: 'rejected', code: e.providerCode };
        throw q;
      }
    }
  }

  async #applyCreate(tx: Tx, id: string, attempts: number, r: CallResult<CreateOutcome>): Promise<Applied> {
    const d = await this.#load(tx, id);
    assert(d !== null, `deposit ${id} vanished`);
    if (!r.ok) {
      await this.#ctx.event(tx, 'deposit', id, 'provider_create_failed', { error: describeFailure(r.error), attempts });
      // Past expiry there is nothing left to create: the sweep closes the number instead.
      if (tx.nowMs >= d.expiresAtMs) {
        await tx.run(`UPDATE payment_deposits SET next_check_at_ms = ?, updated_at_ms = ? WHERE id = ? AND state = 'creating'`, [
          tx.nowMs,
          tx.nowMs,
          id,
        ]);
        return { done: true };
      }
      return { done: false, retryAtMs: retryAt(tx.nowMs, attempts), error: describeFailure(r.error) };
    }
    const o = r.value;
    if (o.kind === 'params') {
      await tx.run(
        `UPDATE payment_deposits SET state = 'open', client_params = ?, next_check_at_ms = ?, updated_at_ms = ? WHERE id = ? AND state = 'creating'`,
        [JSON.stringify(o.params), this.#nextQueryAt(d, tx.nowMs, 0), tx.nowMs, id],
      );
      await this.#ctx.event(tx, 'deposit', id, 'provider_order_created', { kind: o.params.kind });
      return { done: true };
    }
    if (o.kind === 'rejected') {
      await tx.run(
        `UPDATE payment_deposits SET state = 'failed', failure_code = ?, next_check_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND state = 'creating'`,
        [o.code, tx.nowMs, id],
      );
      await this.#ctx.event(tx, 'deposit', id, 'provider_refused', { code: o.code });
      return { done: true };
    }
    await this.#applyOrder(tx, d, o.order, 'create', o.caps);
    return { done: true };
  }

  // ------------------------------------------------------------------ the provider's word on an order

  /** Applies what the provider says about an order inside `tx`: credit when paid (within the player's limits), close when closed. */
  async #applyOrder(
    tx: Tx,
    d: Deposit,
    o: ProviderOrder,
    source: string,
    caps: DepositCaps | null,
  ): Promise<CreditOutcome | 'unpaid' | 'closed'> {
    if (o.state === 'paid') {
      assert(caps !== null, `deposit ${d.id} paid without its limits read`);
      return this.creditIn(tx, d.id, o, source, caps);
    }
    if (o.state === 'closed' || o.state === 'failed') {
      await tx.run(
        `UPDATE payment_deposits SET state = 'closed', provider_state = ?, closed_at_ms = COALESCE(closed_at_ms, ?), next_check_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND state IN ('creating', 'open', 'closing')`,
        [o.providerState, tx.nowMs, tx.nowMs, d.id],
      );
      await this.#ctx.event(tx, 'deposit', d.id, 'closed', { source, providerState: o.providerState });
      return 'closed';
    }
    await tx.run(
      `UPDATE payment_deposits SET state = CASE WHEN state = 'creating' THEN 'open' ELSE state END, provider_state = ?, next_check_at_ms = ?, checks = checks + 1, updated_at_ms = ? WHERE id = ? AND state IN ('creating', 'open')`,
      [o.providerState, this.#nextQueryAt(d, tx.nowMs, d.checks + 1), tx.nowMs, d.id],
    );
    return 'unpaid';
  }

  #nextQueryAt(d: Deposit, nowMs: number, checks: number): number {
    return Math.min(nowMs + backoff(DEPOSIT_QUERY_BACKOFF_MS, checks), d.expiresAtMs + DEPOSIT_CLOSE_GRACE_MS);
  }

  /**
   * Marks the order paid and credits the wallet, exactly once, inside `tx`. The transfer is keyed
   * by the provider's transaction id: a second notification, a query and a late close that all
   * find the order paid credit it once between them. The player's limits are checked again here:
   * money that arrives over one (an order paid after the limit was lowered, a late payment of an
   * order that had closed) is credited and, in the same unit, held for a refund of the whole
   * deposit through the provider (`over_limit`), which the player sees as 超限退款.
   */
  async creditIn(tx: Tx, id: string, o: ProviderOrder, source: string, caps: DepositCaps): Promise<CreditOutcome> {
    // The ledger's lock first: the credits counted against the limits below include every one
    // committed before this unit, and none can commit beside it.
    await this.#ctx.ledger.serialize(tx);
    const d = await this.#load(tx, id);
    if (d === null) return 'unknown';
    if (d.state === 'paid') return 'already_credited';
    const mismatch = orderMismatch(d, o);
    if (mismatch !== null || o.transactionId === undefined) {
      await tx.run(`UPDATE payment_deposits SET failure_code = 'PROVIDER_MISMATCH', updated_at_ms = ? WHERE id = ?`, [tx.nowMs, id]);
      await this.#ctx.event(tx, 'deposit', id, 'provider_mismatch', { source, mismatch: mismatch ?? 'no transaction id' });
      return 'mismatch';
    }
    // Claim the transition first: a concurrent unit crediting the same order (a duplicate
    // notification racing a query) waits on this row and then finds nothing to change.
    const changed = await tx.run(
      `UPDATE payment_deposits SET state = 'paid', transaction_id = ?, provider_state = ?, paid_at_ms = ?, credited_at_ms = ?, failure_code = NULL, next_check_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND state <> 'paid'`,
      [o.transactionId, o.providerState, o.paidAtMs ?? tx.nowMs, tx.nowMs, tx.nowMs, id],
    );
    if (changed !== 1) return 'already_credited';
    // Who paid: a QR or H5 order may be paid by any WeChat account, which then links to this player.
    const payer = o.payerOpenid ?? d.payerOpenid;
    if (payer) await this.#ctx.accounts.seen(tx, { playerId: d.playerId, appId: o.appId, openid: payer, role: 'payer' });
    const over = await this.#breaks(tx, d.playerId, caps, d.amountFen, { openOrders: false, except: d.id });
    const result = await this.#ctx.ledger.transfer(tx, {
      scope: DEPOSIT_SCOPE,
      key: o.transactionId,
      debit: systemAccount('provider_clearing', 'CNY'),
      credit: playerAccount(d.playerId, 'CNY'),
      asset: 'CNY',
      amount: d.amountFen,
      code: 'deposit',
      // Compliance's totals leave out a deposit sent back for being over a limit.
      metadata: { depositId: d.id, ...(over !== null ? { overLimit: true } : {}) },
    });
    const transferId = present(result.transfers[0], 'a one-transfer batch returns its transfer').id;
    await tx.run('UPDATE payment_deposits SET credit_transfer_id = ? WHERE id = ?', [transferId, id]);
    await this.#outbox.retire(tx, 'deposit.create', id);
    await this.#outbox.retire(tx, 'deposit.close', id);
    await this.#ctx.event(tx, 'deposit', id, 'credited', { source, transactionId: o.transactionId, transferId, afterState: d.state });
    await this.#ctx.notifier.notify(tx, d.playerId, { kind: 'deposit_credited', data: { depositId: d.id, amountFen: d.amountFen } });
    await this.#ctx.analytics.append(tx, {
      kind: 'deposit_credited',
      actor: { kind: 'player', id: d.playerId },
      data: {
        depositId: d.id,
        amountFen: d.amountFen,
        channel: d.channel,
        lateAfterClose: d.state === 'closed',
        overLimit: over !== null,
      },
    });
    if (over === null) return 'credited';
    await this.#refundOverLimit(tx, d, over);
    return 'over_limit';
  }

  /** Sends a deposit that arrived over a limit back, in the unit that credited it (the refunds' usual path from there). */
  async #refundOverLimit(tx: Tx, d: Deposit, over: { limit: DepositLimit; usedFen: number }): Promise<void> {
    const refundId = newPaymentNo('R');
    await holdRefundIn(this.#ctx, tx, {
      id: refundId,
      deposit: d,
      operatorId: 'system',
      idemKey: OVER_LIMIT_REFUND_KEY,
      requestHash: requestHash({ overLimit: over.limit.code }),
      amountFen: d.amountFen,
      reason: OVER_LIMIT_REFUND_REASON,
      cause: 'over_limit',
    });
    await this.#outbox.enqueue(tx, 'refund.submit', refundId);
    await tx.run('UPDATE payment_deposits SET limit_code = ?, limit_refund_id = ?, updated_at_ms = ? WHERE id = ?', [
      over.limit.code,
      refundId,
      tx.nowMs,
      d.id,
    ]);
    await this.#ctx.event(tx, 'deposit', d.id, 'over_limit', {
      code: over.limit.code,
      maxFen: over.limit.maxFen,
      usedFen: over.usedFen,
      refundId,
    });
    await this.#ctx.notifier.notify(tx, d.playerId, {
      kind: 'deposit_over_limit',
      data: { depositId: d.id, amountFen: d.amountFen, code: over.limit.code, refundId },
    });
    // Asked at once after commit; the sweep asks if this process cannot.
    tx.afterCommit(() => {
      this.#outbox.dispatchSubject('refund.submit', refundId).catch((e: unknown) => {
        this.#ctx.log.warn({ err: e, refundId }, 'payments: over-limit refund not sent yet; the sweep will send it');
      });
    });
  }

  /** Credits from outside a unit (notifications, the reconciler), within the player's limits as they are now. */
  async credit(id: string, o: ProviderOrder, source: string): Promise<CreditOutcome> {
    const d = await this.get(id);
    if (d === null) return 'unknown';
    const caps = await this.caps(d.playerId);
    return this.#ctx.store.unitOfWork((tx) => this.creditIn(tx, id, o, source, caps), { label: 'payments.deposit.credit' });
  }

  /** Asks the provider about one order now and credits it if paid (the reconciler's repair). */
  async verify(id: string): Promise<CreditOutcome | 'unpaid' | 'not_found'> {
    let o: ProviderOrder;
    try {
      o = await this.#ctx.call((p) => p.queryOrder(id));
    } catch (e) {
      if (e instanceof ProviderError && e.failure === 'not_found') return 'not_found';
      throw e;
    }
    if (o.state !== 'paid') return 'unpaid';
    failpoint('before_credit');
    return this.credit(id, o, 'reconciliation');
  }

  // ------------------------------------------------------------------ sweeps: queries and closing

  /** Checks the orders whose next check is due; returns how many were looked at. */
  async sweep(): Promise<number> {
    const nowMs = this.#ctx.clock.nowMs();
    const rows = await this.#ctx.store.reader.query(
      `SELECT ${DEPOSIT_COLUMNS} FROM payment_deposits WHERE next_check_at_ms IS NOT NULL AND next_check_at_ms <= ? ORDER BY next_check_at_ms LIMIT ?`,
      [nowMs, SWEEP_BATCH_MAX],
    );
    for (const row of rows) {
      try {
        await this.#check(depositFromRow(row));
      } catch (e) {
        this.#ctx.log.warn({ err: e, depositId: row.id }, 'payments: deposit check failed; will retry');
        await this.#reschedule(String(row.id), nowMs + DEPOSIT_QUERY_BACKOFF_MS[0]);
      }
    }
    return rows.length;
  }

  async #reschedule(id: string, atMs: number): Promise<void> {
    await this.#ctx.store.unitOfWork((tx) =>
      tx.run('UPDATE payment_deposits SET next_check_at_ms = ?, updated_at_ms = ? WHERE id = ? AND next_check_at_ms IS NOT NULL', [
        atMs,
        tx.nowMs,
        id,
      ]),
    );
  }

  async #check(d: Deposit): Promise<void> {
    const nowMs = this.#ctx.clock.nowMs();
    if ((d.state === 'creating' || d.state === 'open') && nowMs >= d.expiresAtMs + DEPOSIT_CLOSE_GRACE_MS) {
      await this.#ctx.store.unitOfWork(
        async (tx) => {
          const changed = await tx.run(
            `UPDATE payment_deposits SET state = 'closing', next_check_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND state = ?`,
            [tx.nowMs, d.id, d.state],
          );
          if (changed !== 1) return;
          await this.#outbox.retire(tx, 'deposit.create', d.id);
          await this.#outbox.enqueue(tx, 'deposit.close', d.id);
          await this.#ctx.event(tx, 'deposit', d.id, 'expired', { afterState: d.state });
        },
        { label: 'payments.deposit.expire' },
      );
      await this.#outbox.dispatchSubject('deposit.close', d.id);
      return;
    }
    if (d.state === 'creating') {
      // The outbox is still asking for the order; look again when it would expire.
      await this.#reschedule(d.id, d.expiresAtMs + DEPOSIT_CLOSE_GRACE_MS);
      return;
    }
    if (d.state !== 'open' && d.state !== 'closed') {
      await this.#ctx.store.unitOfWork((tx) => tx.run('UPDATE payment_deposits SET next_check_at_ms = NULL WHERE id = ?', [d.id]));
      return;
    }
    let o: ProviderOrder;
    try {
      o = await this.#ctx.call((p) => p.queryOrder(d.id));
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      // Unknown to the provider: for a closed order that settles it; an open one is asked again later.
      const next = d.state === 'closed' && e.failure === 'not_found' ? null : nowMs + backoff(DEPOSIT_QUERY_BACKOFF_MS, d.checks);
      await this.#ctx.store.unitOfWork(async (tx) => {
        await tx.run('UPDATE payment_deposits SET next_check_at_ms = ?, checks = checks + 1, updated_at_ms = ? WHERE id = ?', [
          next,
          tx.nowMs,
          d.id,
        ]);
        await this.#ctx.event(tx, 'deposit', d.id, 'query_failed', { error: describeFailure(e) });
      });
      return;
    }
    if (o.state === 'paid') failpoint('before_credit');
    const caps = o.state === 'paid' ? await this.caps(d.playerId) : null;
    await this.#ctx.store.unitOfWork(
      async (tx) => {
        const current = await this.#load(tx, d.id);
        if (current === null) return;
        if (current.state === 'closed') {
          if (o.state === 'paid' && caps !== null) await this.creditIn(tx, d.id, o, 'verify_after_close', caps);
          else
            await tx.run('UPDATE payment_deposits SET next_check_at_ms = NULL, updated_at_ms = ? WHERE id = ? AND state = ?', [
              tx.nowMs,
              d.id,
              'closed',
            ]);
          return;
        }
        await this.#applyOrder(tx, current, o, 'query', caps);
      },
      { label: 'payments.deposit.query' },
    );
  }

  async #performClose(id: string): Promise<CloseOutcome> {
    try {
      await this.#ctx.call((p) => p.closeOrder(id));
      return { kind: 'closed' };
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      if (e.failure === 'not_found' || e.failure === 'order_closed') return { kind: 'closed' };
      if (e.failure !== 'already_paid') throw e;
      // Paid after all (perhaps after our expiry): the query gives the transaction to credit.
      const order = await this.#ctx.call((p) => p.queryOrder(id));
      const d = await this.get(id);
      assert(d !== null, `deposit ${id} vanished`);
      return { kind: 'paid', order, caps: await this.caps(d.playerId) };
    }
  }

  async #applyClose(tx: Tx, id: string, attempts: number, r: CallResult<CloseOutcome>): Promise<Applied> {
    const d = await this.#load(tx, id);
    assert(d !== null, `deposit ${id} vanished`);
    if (!r.ok) {
      await this.#ctx.event(tx, 'deposit', id, 'provider_close_failed', { error: describeFailure(r.error), attempts });
      return { done: false, retryAtMs: retryAt(tx.nowMs, attempts), error: describeFailure(r.error) };
    }
    if (r.value.kind === 'paid') {
      await this.#applyOrder(tx, d, r.value.order, 'close', r.value.caps);
      return { done: true };
    }
    await tx.run(
      `UPDATE payment_deposits SET state = 'closed', closed_at_ms = ?, next_check_at_ms = ?, updated_at_ms = ? WHERE id = ? AND state = 'closing'`,
      [tx.nowMs, tx.nowMs + DEPOSIT_VERIFY_AFTER_CLOSE_MS, tx.nowMs, id],
    );
    await this.#ctx.event(tx, 'deposit', id, 'closed', { source: 'close' });
    return { done: true };
  }
}

/**
 * Fen of a player's deposits that count against a limit since `sinceMs`: credited since then
 * (leaving out money sent back for being over a limit) and, when ordering, every order still
 * open — it may yet be paid — whatever day it was opened.
 */
async function usedFen(
  reader: Reader,
  playerId: string,
  sinceMs: number,
  counting: { openOrders: boolean; except: string | null },
): Promise<number> {
  const rows = await reader.query<{ s: unknown }>(
    `SELECT COALESCE(SUM(amount_fen), 0) AS s FROM payment_deposits
      WHERE player_id = ? AND id <> ? AND ((state = 'paid' AND credited_at_ms >= ? AND limit_refund_id IS NULL)${
        counting.openOrders ? " OR state IN ('creating', 'open', 'closing')" : ''
      })`,
    [playerId, counting.except ?? '', sinceMs],
  );
  return intFromDb(rows[0]?.s ?? 0);
}

/** The answer to an order that would break a limit: payments' own cap, or compliance's refusal with its reason. */
function refusal(broken: { limit: DepositLimit; usedFen: number }, caps: DepositCaps, dailyMaxFen: number): AppError {
  if (broken.limit.code === SETTINGS_DAILY_CAP) {
    return new AppError(PaymentsErrors.PAYMENT_DAILY_LIMIT_REACHED, { dailyMaxFen, usedTodayFen: broken.usedFen });
  }
  return complianceRefusal('deposit', broken, caps.policy);
}
