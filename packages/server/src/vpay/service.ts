// Room cards sold in the mini-game through WeChat's virtual payment (虚拟支付 2.0):
//   prepare  the player asks for N cards: an order row (our OutTradeNo) and the three strings
//            wx.requestMidasPaymentGameItem needs: signData, paySig (AppKey) and the user-state
//            signature (the player's session_key, which never leaves the server).
//   deliver  WeChat's delivery push (minigame_game_pay_goods_deliver_notify), verified by
//            PayEventSig, credits the cards once however often it comes (its retry schedule runs
//            15 s … 6 h), in the unit of work that marks the order delivered.
//   query    a push that does not come (a client timeout, a lost push) is settled by asking WeChat.
// The cards are credited by the rooms domain's own purchase path (Rooms.creditPaidCards), keyed by
// the OutTradeNo, with the CNY from the provider's clearing account: WeChat holds the money.
import { randomBytes } from 'node:crypto';
import { AppError, type Clock, isAppError } from '@fairground/core';
import {
  VPAY_DELIVER_EVENT,
  type VpayBillRow,
  vpayEventSig,
  vpayPaySig,
  vpaySigEqual,
  vpaySignData,
  vpayUserSignature,
} from '@fairground/wechatpay/vpay';
import type { OperatorActor, Sealer } from '../accounts/index.ts';
import type { AuditLog } from '../admin/index.ts';
import { type Ledger, LedgerErrors, playerAccount, systemAccount } from '../ledger/index.ts';
import { ROOM_CARDS_PER_PURCHASE_MAX, RoomErrors, type Rooms } from '../rooms/index.ts';
import type { SqlValue, Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb, isUniqueViolation } from '../storage/sql.ts';
import type { VPAY_MISMATCH_KINDS } from './contract.ts';
import { VpayErrors } from './errors.ts';
import { type VirtualPaymentPort, VpayRefundFailure } from './ports.ts';

/** A pending order is queried once the player's payment sheet must have closed. */
export const VPAY_QUERY_AFTER_MS = 60_000;
/** A pending order WeChat still calls unpaid this long after it was signed is closed (the sheet is long gone). */
export const VPAY_EXPIRE_AFTER_MS = 30 * 60_000;
/** Orders one sweep queries at most (each is one call to WeChat). */
export const VPAY_SWEEP_BATCH = 50;
const PUSH_BYTES_MAX = 16 * 1024;
/** A refund whose WeChat call had an unclear end is asked again (same refund number) after this long. */
export const VPAY_REFUND_RETRY_MS = 60_000;
/** Ended days the bills job looks back over for a bill not yet settled. */
export const VPAY_BILL_CATCH_UP_DAYS = 3;
/** Mismatches kept per bill (the counts are always whole). */
export const VPAY_BILL_MISMATCHES_KEPT = 500;
export const VPAY_REFUND_SCOPE = 'vpay.refund';
export const VPAY_BILL_SCOPE = 'vpay.bill';
const DAY_MS = 24 * 3600_000;
/** WeChat cuts its bills by China's day (UTC+8). */
const CHINA_OFFSET_MS = 8 * 3600_000;

export type VpayStatus = 'pending' | 'delivered' | 'expired';
export type VpayRefundState = 'refunding' | 'refunded' | 'failed';

export type VpayMismatchKind = (typeof VPAY_MISMATCH_KINDS)[number];

export interface VpayMismatch {
  readonly kind: VpayMismatchKind;
  readonly outTradeNo: string;
  readonly detail: string;
}

export interface VpayBill {
  readonly billDate: string;
  readonly pays: number;
  readonly paidFen: number;
  readonly refunds: number;
  readonly refundedFen: number;
  /** WeChat's platform fee on the day, net of fees given back with refunds. */
  readonly feeFen: number;
  /** What the ledger holds for it (`provider_fees ← provider_clearing`). */
  readonly feeBookedFen: number;
  readonly mismatchCount: number;
  readonly mismatches: readonly VpayMismatch[];
  readonly runs: number;
  readonly runAtMs: number;
}

export interface VpayOrder {
  readonly outTradeNo: string;
  readonly playerId: string;
  readonly openid: string;
  readonly env: number;
  readonly productId: string;
  readonly quantity: number;
  readonly priceFen: number;
  readonly cashFen: number;
  readonly status: VpayStatus;
  readonly settledBy: 'push' | 'query' | null;
  readonly roomOrderId: string | null;
  readonly pushes: number;
  readonly queries: number;
  readonly wechatTransactionId: string | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly deliveredAtMs: number | null;
  readonly refundNo: string | null;
  readonly refundState: VpayRefundState | null;
  readonly refundReason: string | null;
  readonly refundOperatorId: string | null;
  readonly refundFailure: string | null;
  readonly refundedAtMs: number | null;
  readonly billDate: string | null;
}

interface DbVpayOrder {
  out_trade_no: string;
  player_id: string;
  openid: string;
  env: unknown;
  product_id: string;
  quantity: unknown;
  price_fen: unknown;
  cash_fen: unknown;
  status: string;
  settled_by: string | null;
  room_order_id: string | null;
  pushes: unknown;
  queries: unknown;
  wechat_transaction_id: string | null;
  created_at_ms: unknown;
  updated_at_ms: unknown;
  delivered_at_ms: unknown;
  refund_no: string | null;
  refund_state: string | null;
  refund_reason: string | null;
  refund_operator_id: string | null;
  refund_idem_key: string | null;
  refund_hold_id: string | null;
  refund_failure: string | null;
  refunded_at_ms: unknown;
  bill_date: string | null;
}

function orderFromDb(r: DbVpayOrder): VpayOrder {
  return {
    outTradeNo: r.out_trade_no,
    playerId: r.player_id,
    openid: r.openid,
    env: intFromDb(r.env),
    productId: r.product_id,
    quantity: intFromDb(r.quantity),
    priceFen: intFromDb(r.price_fen),
    cashFen: intFromDb(r.cash_fen),
    status: r.status as VpayStatus,
    settledBy: r.settled_by === 'push' || r.settled_by === 'query' ? r.settled_by : null,
    roomOrderId: r.room_order_id,
    pushes: intFromDb(r.pushes),
    queries: intFromDb(r.queries),
    wechatTransactionId: r.wechat_transaction_id,
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
    deliveredAtMs: intOrNullFromDb(r.delivered_at_ms),
    refundNo: r.refund_no,
    refundState: r.refund_state === 'refunding' || r.refund_state === 'refunded' || r.refund_state === 'failed' ? r.refund_state : null,
    refundReason: r.refund_reason,
    refundOperatorId: r.refund_operator_id,
    refundFailure: r.refund_failure,
    refundedAtMs: intOrNullFromDb(r.refunded_at_ms),
    billDate: r.bill_date,
  };
}

export interface VpayPrepared {
  readonly outTradeNo: string;
  readonly quantity: number;
  readonly cashFen: number;
  readonly signData: string;
  readonly paySig: string;
  readonly signature: string;
}

/** What the push endpoint answers: WeChat retries unless ErrCode is 0. */
export interface PushAnswer {
  readonly status: number;
  readonly body: { readonly ErrCode: number; readonly ErrMsg: string };
}

export interface VirtualPaymentsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly rooms: Pick<Rooms, 'creditPaidCards' | 'schedule'>;
  /** Refunds take the cards and the CNY back; bills book WeChat's fee. */
  readonly ledger: Ledger;
  readonly audit: AuditLog;
  /** Opens the sealed session_key (the accounts domain's sealer for it). */
  readonly sessionKeySealer: Sealer;
  /** Null: virtual payment is not configured; every player route answers VPAY_NOT_ENABLED. */
  readonly port: VirtualPaymentPort | null;
  /** Told about pushes that verify but cannot be applied (an operator must look). */
  readonly onProblem?: (p: { outTradeNo: string; problem: string }) => void;
}

const INSERT_COLUMNS =
  'out_trade_no, player_id, openid, env, product_id, quantity, price_fen, cash_fen, status, settled_by, room_order_id, pushes, queries, wechat_transaction_id, created_at_ms, updated_at_ms, delivered_at_ms';
const COLUMNS = `${INSERT_COLUMNS}, refund_no, refund_state, refund_reason, refund_operator_id, refund_idem_key, refund_hold_id, refund_failure, refunded_at_ms, bill_date`;

/** Thrown inside a refund's unit when another request with the same key got there first. */
class RefundRaced extends Error {}

/** `2026-01-15` → the UTC milliseconds of that China day's start. */
function chinaDayStartMs(billDate: string): number {
  return Date.UTC(Number(billDate.slice(0, 4)), Number(billDate.slice(5, 7)) - 1, Number(billDate.slice(8, 10))) - CHINA_OFFSET_MS;
}

/** The China-time day (`YYYY-MM-DD`) that contains `ms`. */
export function chinaDay(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export class VirtualPayments {
  readonly #o: VirtualPaymentsOptions;
  constructor(o: VirtualPaymentsOptions) {
    this.#o = o;
  }

  get enabled(): boolean {
    return this.#o.port !== null;
  }

  #port(): VirtualPaymentPort {
    if (this.#o.port === null) throw new AppError(VpayErrors.VPAY_NOT_ENABLED);
    return this.#o.port;
  }

  /** Signs a purchase of `quantity` room cards for the player's current WeChat session. */
  async prepare(playerId: string, quantity: number): Promise<VpayPrepared> {
    const port = this.#port();
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > ROOM_CARDS_PER_PURCHASE_MAX)
      throw new AppError(RoomErrors.ROOM_CARD_QUANTITY_INVALID);
    const sessions = await this.#o.store.reader.query<{ openid: string; sealed_session_key: string }>(
      'SELECT openid, sealed_session_key FROM player_wechat_sessions WHERE app_id = ? AND player_id = ? ORDER BY updated_at_ms DESC LIMIT 1',
      [port.appid, playerId],
    );
    const session = sessions[0];
    if (session === undefined) throw new AppError(VpayErrors.VPAY_SESSION_REQUIRED);
    let sessionKey: string;
    try {
      sessionKey = this.#o.sessionKeySealer.open(session.sealed_session_key, `${port.appid}:${session.openid}`);
    } catch {
      throw new AppError(VpayErrors.VPAY_SESSION_REQUIRED);
    }
    const priceFen = this.#o.rooms.schedule.roomCardPriceFen;
    const nowMs = this.#o.clock.nowMs();
    // Unguessable and at most 32 characters of [0-9A-Za-z]: WeChat's OutTradeNo.
    const outTradeNo = `vp${nowMs.toString(36)}${randomBytes(8).toString('hex')}`;
    const c = port.config;
    const signData = vpaySignData({
      offerId: c.offerId,
      buyQuantity: quantity,
      env: c.env,
      productId: c.productId,
      goodsPrice: priceFen,
      outTradeNo,
      attach: playerId,
    });
    await this.#o.store.unitOfWork(
      (tx) =>
        tx.run(
          `INSERT INTO vpay_orders (app_id, ${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, NULL, 0, 0, NULL, ?, ?, NULL)`,
          [
            port.appid,
            outTradeNo,
            playerId,
            session.openid,
            c.env,
            c.productId,
            quantity,
            priceFen,
            quantity * priceFen,
            tx.nowMs,
            tx.nowMs,
          ],
        ),
      { label: 'vpay.prepare' },
    );
    return {
      outTradeNo,
      quantity,
      cashFen: quantity * priceFen,
      signData,
      paySig: vpayPaySig(c.appKey, signData),
      signature: vpayUserSignature(sessionKey, signData),
    };
  }

  async order(outTradeNo: string): Promise<VpayOrder | null> {
    const rows = await this.#o.store.reader.query<DbVpayOrder>(`SELECT ${COLUMNS} FROM vpay_orders WHERE out_trade_no = ?`, [outTradeNo]);
    return rows[0] ? orderFromDb(rows[0]) : null;
  }

  /**
   * The player's own order, settled by a query first when it is still pending (the client's
   * timeout path). A query that fails leaves it pending, for the sweep.
   */
  async check(playerId: string, outTradeNo: string): Promise<VpayOrder> {
    const o = await this.order(outTradeNo);
    if (o === null || o.playerId !== playerId) throw new AppError(VpayErrors.VPAY_ORDER_UNKNOWN);
    if (o.status !== 'pending') return o;
    // WeChat not answering now is no error for the player: the order stays pending and the sweep
    // asks again once the query window has passed.
    await this.#query(o).catch(() => 'unpaid' as const);
    return (await this.order(outTradeNo)) as VpayOrder;
  }

  /** Orders for the console, newest first. */
  async list(q: { status?: VpayStatus; limit?: number; beforeMs?: number } = {}): Promise<VpayOrder[]> {
    const where = ['created_at_ms < ?'];
    const params: SqlValue[] = [q.beforeMs ?? Number.MAX_SAFE_INTEGER];
    if (q.status !== undefined) {
      where.push('status = ?');
      params.push(q.status);
    }
    params.push(Math.min(q.limit ?? 50, 200));
    const rows = await this.#o.store.reader.query<DbVpayOrder>(
      `SELECT ${COLUMNS} FROM vpay_orders WHERE ${where.join(' AND ')} ORDER BY created_at_ms DESC, out_trade_no DESC LIMIT ?`,
      params,
    );
    return rows.map(orderFromDb);
  }

  /**
   * Reconciliation: orders by state, and those that need an operator (delivered without a push
   * ever coming, pending past the query window).
   */
  async reconciliation(): Promise<{
    readonly counts: Record<VpayStatus, { orders: number; cashFen: number; cards: number }>;
    readonly refunded: { orders: number; cashFen: number; cards: number };
    readonly settledByQuery: number;
    readonly pendingOverdue: number;
  }> {
    const rows = await this.#o.store.reader.query<{ status: string; n: unknown; cash: unknown; cards: unknown }>(
      'SELECT status, COUNT(*) AS n, COALESCE(SUM(cash_fen), 0) AS cash, COALESCE(SUM(quantity), 0) AS cards FROM vpay_orders GROUP BY status',
    );
    const counts: Record<VpayStatus, { orders: number; cashFen: number; cards: number }> = {
      pending: { orders: 0, cashFen: 0, cards: 0 },
      delivered: { orders: 0, cashFen: 0, cards: 0 },
      expired: { orders: 0, cashFen: 0, cards: 0 },
    };
    for (const r of rows)
      if (r.status in counts)
        counts[r.status as VpayStatus] = { orders: intFromDb(r.n), cashFen: intFromDb(r.cash), cards: intFromDb(r.cards) };
    const byQuery = await this.#o.store.reader.query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM vpay_orders WHERE status = 'delivered' AND settled_by = 'query' AND pushes = 0",
    );
    const refunded = await this.#o.store.reader.query<{ n: unknown; cash: unknown; cards: unknown }>(
      "SELECT COUNT(*) AS n, COALESCE(SUM(cash_fen), 0) AS cash, COALESCE(SUM(quantity), 0) AS cards FROM vpay_orders WHERE refund_state = 'refunded'",
    );
    const overdue = await this.#o.store.reader.query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM vpay_orders WHERE status = 'pending' AND created_at_ms < ?",
      [this.#o.clock.nowMs() - VPAY_QUERY_AFTER_MS],
    );
    return {
      counts,
      refunded: {
        orders: intFromDb(refunded[0]?.n ?? 0),
        cashFen: intFromDb(refunded[0]?.cash ?? 0),
        cards: intFromDb(refunded[0]?.cards ?? 0),
      },
      settledByQuery: intFromDb(byQuery[0]?.n ?? 0),
      pendingOverdue: intFromDb(overdue[0]?.n ?? 0),
    };
  }

  /**
   * WeChat's delivery push as it arrived (raw bytes; JSON message-push format). Answers
   * ErrCode 0 when the cards are credited now or were before; anything else makes WeChat retry.
   */
  async deliver(raw: Buffer): Promise<PushAnswer> {
    const fail = (status: number, code: number, msg: string): PushAnswer => ({ status, body: { ErrCode: code, ErrMsg: msg } });
    if (this.#o.port === null) return fail(503, 1, 'virtual payment not configured');
    if (raw.length > PUSH_BYTES_MAX) return fail(400, 1, 'too large');
    let msg: unknown;
    try {
      msg = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(400, 1, 'not JSON');
    }
    const m = msg as { Event?: unknown; MiniGame?: { Payload?: unknown; PayEventSig?: unknown } } | null;
    if (typeof m !== 'object' || m === null || m.Event !== VPAY_DELIVER_EVENT) return fail(400, 1, 'not a goods delivery push');
    const payload = m.MiniGame?.Payload;
    if (typeof payload !== 'string') return fail(400, 1, 'MiniGame.Payload missing');
    // The signature is the authentication: nothing in the payload is read before it verifies.
    const expected = vpayEventSig(this.#o.port.config.appKey, VPAY_DELIVER_EVENT, payload);
    if (!vpaySigEqual(expected, m.MiniGame?.PayEventSig)) return fail(401, 1, 'PayEventSig does not verify');
    let p: {
      OpenId?: unknown;
      Env?: unknown;
      OutTradeNo?: unknown;
      GoodsInfo?: { ProductId?: unknown; Quantity?: unknown };
      WeChatPayInfo?: { TransactionId?: unknown };
    };
    try {
      p = JSON.parse(payload);
    } catch {
      return fail(400, 1, 'Payload is not JSON');
    }
    if (typeof p?.OutTradeNo !== 'string') return fail(400, 1, 'OutTradeNo missing');
    const order = await this.order(p.OutTradeNo);
    if (order === null) return fail(404, 1, 'unknown OutTradeNo');
    const mismatch =
      p.OpenId !== order.openid
        ? 'OpenId'
        : p.Env !== order.env
          ? 'Env'
          : p.GoodsInfo?.ProductId !== order.productId
            ? 'ProductId'
            : p.GoodsInfo?.Quantity !== order.quantity
              ? 'Quantity'
              : null;
    if (mismatch !== null) {
      // Signed by WeChat but not what we signed for: never credit; WeChat keeps retrying and the
      // operator is told.
      this.#o.onProblem?.({ outTradeNo: order.outTradeNo, problem: `push ${mismatch} differs from the order` });
      return fail(409, 1, `${mismatch} differs from the order`);
    }
    const tid = typeof p.WeChatPayInfo?.TransactionId === 'string' ? p.WeChatPayInfo.TransactionId.slice(0, 64) : null;
    await this.#settle(order.outTradeNo, 'push', tid);
    return { status: 200, body: { ErrCode: 0, ErrMsg: 'Success' } };
  }

  /** Pending orders past the query window are queried; unpaid ones past the expiry are closed. */
  async sweep(): Promise<{ queried: number; settled: number; expired: number }> {
    if (this.#o.port === null) return { queried: 0, settled: 0, expired: 0 };
    const nowMs = this.#o.clock.nowMs();
    const rows = await this.#o.store.reader.query<DbVpayOrder>(
      `SELECT ${COLUMNS} FROM vpay_orders WHERE status = 'pending' AND created_at_ms < ? ORDER BY created_at_ms LIMIT ?`,
      [nowMs - VPAY_QUERY_AFTER_MS, VPAY_SWEEP_BATCH],
    );
    let settled = 0;
    let expired = 0;
    for (const r of rows) {
      const outcome = await this.#query(orderFromDb(r)).catch(() => 'error' as const);
      if (outcome === 'settled') settled++;
      if (outcome === 'unpaid' && intFromDb(r.created_at_ms) < nowMs - VPAY_EXPIRE_AFTER_MS) {
        await this.#o.store.unitOfWork(
          (tx) =>
            tx.run("UPDATE vpay_orders SET status = 'expired', updated_at_ms = ? WHERE out_trade_no = ? AND status = 'pending'", [
              tx.nowMs,
              r.out_trade_no,
            ]),
          { label: 'vpay.expire' },
        );
        expired++;
      }
    }
    const refunding = await this.#o.store.reader.query<{ out_trade_no: string }>(
      "SELECT out_trade_no FROM vpay_orders WHERE refund_state = 'refunding' AND updated_at_ms < ? ORDER BY updated_at_ms LIMIT ?",
      [nowMs - VPAY_REFUND_RETRY_MS, VPAY_SWEEP_BATCH],
    );
    for (const r of refunding) await this.#submitRefund(r.out_trade_no).catch(() => 'unclear' as const);
    return { queried: rows.length, settled, expired };
  }

  async #query(o: VpayOrder): Promise<'settled' | 'unpaid'> {
    const answer = await this.#port().queryOrder({ openid: o.openid, outTradeNo: o.outTradeNo });
    await this.#o.store.unitOfWork((tx) => tx.run('UPDATE vpay_orders SET queries = queries + 1 WHERE out_trade_no = ?', [o.outTradeNo]), {
      label: 'vpay.queried',
    });
    if (!answer.paid) return 'unpaid';
    if (answer.quantity !== null && answer.quantity !== o.quantity) {
      this.#o.onProblem?.({ outTradeNo: o.outTradeNo, problem: 'query quantity differs from the order' });
      return 'unpaid';
    }
    await this.#settle(o.outTradeNo, 'query', null);
    return 'settled';
  }

  /** Credits the order's cards once: the order row and the ledger transfers commit together. */
  async #settle(outTradeNo: string, by: 'push' | 'query', transactionId: string | null): Promise<void> {
    const run = () =>
      this.#o.store.unitOfWork(
        async (tx: Tx) => {
          if (by === 'push') await tx.run('UPDATE vpay_orders SET pushes = pushes + 1 WHERE out_trade_no = ?', [outTradeNo]);
          const rows = await tx.query<DbVpayOrder>(`SELECT ${COLUMNS} FROM vpay_orders WHERE out_trade_no = ?`, [outTradeNo]);
          const o = orderFromDb(rows[0] as DbVpayOrder);
          if (o.status === 'delivered') return;
          // An expired order WeChat says was paid after all (a late payment) is credited too.
          const r = await this.#o.rooms.creditPaidCards(tx, {
            playerId: o.playerId,
            quantity: o.quantity,
            priceFen: o.priceFen,
            requestKey: `vpay:${outTradeNo}`,
          });
          await tx.run(
            "UPDATE vpay_orders SET status = 'delivered', settled_by = ?, room_order_id = ?, wechat_transaction_id = COALESCE(?, wechat_transaction_id), delivered_at_ms = ?, updated_at_ms = ? WHERE out_trade_no = ?",
            [by, r.order.orderId, transactionId, tx.nowMs, tx.nowMs, outTradeNo],
          );
        },
        { label: `vpay.settle.${by}` },
      );
    try {
      await run();
    } catch (e) {
      // A parallel push credited it between this one's read and its insert: the retry sees it delivered.
      if (!isUniqueViolation(e)) throw e;
      await run();
    }
  }

  // ---- refunds ----

  /**
   * An operator refunds a delivered order in full. The order's room cards are held in the
   * player's account first (`player → room_card_issuance`, pending) in the unit that records the
   * refund and its audit line: when the player no longer holds them (spent, or held for a room),
   * the refund is refused with VPAY_REFUND_CARDS_SPENT and nothing changes. Then WeChat is asked
   * (our refund number makes the call idempotent); its yes posts the hold and returns the CNY
   * (`revenue → provider_clearing`), its no voids the hold; an unclear end is asked again by the
   * sweep. The same key with the same reason answers the same refund (`replayed`).
   */
  async refund(
    op: OperatorActor,
    outTradeNo: string,
    input: { readonly reason: string; readonly idempotencyKey: string },
    meta: { readonly requestId: string; readonly ip: string },
  ): Promise<{ order: VpayOrder; replayed: boolean }> {
    this.#port();
    const known = await this.order(outTradeNo);
    if (known === null) throw new AppError(VpayErrors.VPAY_ORDER_UNKNOWN);
    const replay = (o: VpayOrder, key: string | null) => {
      if (key !== input.idempotencyKey) return null;
      if (o.refundReason !== input.reason || o.refundOperatorId !== op.operatorId)
        throw new AppError(VpayErrors.VPAY_IDEMPOTENCY_CONFLICT, { outTradeNo });
      return { order: o, replayed: true };
    };
    const early = replay(known, await this.#refundKey(outTradeNo));
    if (early) return early;
    const refundable = (o: { status: string; refund_state: string | null }) =>
      o.status === 'delivered' && (o.refund_state === null || o.refund_state === 'failed');
    const refundNo = `vr${this.#o.clock.nowMs().toString(36)}${randomBytes(6).toString('hex')}`;
    try {
      await this.#o.store.unitOfWork(
        async (tx) => {
          await this.#o.ledger.serialize(tx);
          const rows = await tx.query<DbVpayOrder>(`SELECT ${COLUMNS} FROM vpay_orders WHERE out_trade_no = ?`, [outTradeNo]);
          const row = rows[0] as DbVpayOrder;
          if (row.refund_idem_key === input.idempotencyKey) throw new RefundRaced();
          if (!refundable(row))
            throw new AppError(VpayErrors.VPAY_ORDER_NOT_REFUNDABLE, { status: row.status, refundState: row.refund_state });
          const o = orderFromDb(row);
          const holdId = await this.#holdRefundedCards(tx, o, refundNo);
          await tx.run(
            "UPDATE vpay_orders SET refund_no = ?, refund_state = 'refunding', refund_reason = ?, refund_operator_id = ?, refund_idem_key = ?, refund_hold_id = ?, refund_failure = NULL, updated_at_ms = ? WHERE out_trade_no = ?",
            [refundNo, input.reason, op.operatorId, input.idempotencyKey, holdId, tx.nowMs, outTradeNo],
          );
          await this.#o.audit.record(tx, {
            operator: { id: op.operatorId, username: op.username },
            action: 'vpay.refund',
            target: { kind: 'vpay_order', id: outTradeNo },
            reason: input.reason,
            before: { status: o.status, refundState: o.refundState, cards: o.quantity, cashFen: o.cashFen },
            after: { refundNo, refundState: 'refunding' },
            requestId: meta.requestId,
            ip: meta.ip,
          });
        },
        { label: 'vpay.refund.hold' },
      );
    } catch (e) {
      // Another request with this key held first: answer with its refund (or a conflict).
      if (!(e instanceof RefundRaced) && !isUniqueViolation(e)) throw e;
      const now = (await this.order(outTradeNo)) as VpayOrder;
      const raced = replay(now, await this.#refundKey(outTradeNo));
      if (raced) return raced;
      // The other request's unit shares this one's transaction and has not committed yet.
      throw new AppError(LedgerErrors.LEDGER_IN_PROGRESS, { outTradeNo });
    }
    await this.#submitRefund(outTradeNo);
    return { order: (await this.order(outTradeNo)) as VpayOrder, replayed: false };
  }

  /** Holds the order's room cards back from the player until WeChat answers the refund; the hold's transfer id. */
  async #holdRefundedCards(tx: Tx, o: VpayOrder, refundNo: string): Promise<string> {
    try {
      const hold = await this.#o.ledger.transfer(tx, {
        scope: VPAY_REFUND_SCOPE,
        key: `${refundNo}.hold`,
        debit: playerAccount(o.playerId, 'ROOM_CARD'),
        credit: systemAccount('room_card_issuance', 'ROOM_CARD'),
        asset: 'ROOM_CARD',
        amount: o.quantity,
        code: 'refund',
        pending: {},
        metadata: { outTradeNo: o.outTradeNo, refundNo },
      });
      return (hold.transfers[0] as { id: string }).id;
    } catch (e) {
      if (isAppError(e, LedgerErrors.LEDGER_INSUFFICIENT_FUNDS))
        throw new AppError(VpayErrors.VPAY_REFUND_CARDS_SPENT, { cards: o.quantity });
      throw e;
    }
  }

  async #refundKey(outTradeNo: string): Promise<string | null> {
    const rows = await this.#o.store.reader.query<{ k: string | null }>(
      'SELECT refund_idem_key AS k FROM vpay_orders WHERE out_trade_no = ?',
      [outTradeNo],
    );
    return rows[0]?.k ?? null;
  }

  /** Asks WeChat for a refunding order's refund and applies the answer (nothing when it is unclear). */
  async #submitRefund(outTradeNo: string): Promise<'refunded' | 'failed' | 'unclear'> {
    const o = await this.order(outTradeNo);
    if (o === null || o.refundState !== 'refunding' || o.refundNo === null) return 'unclear';
    const refundNo = o.refundNo;
    let answer: { wxRefundId: string } | VpayRefundFailure;
    try {
      answer = await this.#port().refundOrder({
        openid: o.openid,
        outTradeNo,
        refundNo,
        amountFen: o.cashFen,
        reason: o.refundReason ?? '',
      });
    } catch (e) {
      answer = e instanceof VpayRefundFailure ? e : new VpayRefundFailure('unclear', String((e as Error)?.message ?? e).slice(0, 120));
    }
    if (answer instanceof VpayRefundFailure && answer.kind === 'unclear') {
      await this.#o.store.unitOfWork(
        (tx) =>
          tx.run("UPDATE vpay_orders SET refund_failure = ?, updated_at_ms = ? WHERE out_trade_no = ? AND refund_state = 'refunding'", [
            `unclear: ${answer.code}`,
            tx.nowMs,
            outTradeNo,
          ]),
        { label: 'vpay.refund.unclear' },
      );
      return 'unclear';
    }
    return this.#o.store.unitOfWork(
      async (tx) => {
        await this.#o.ledger.serialize(tx);
        const rows = await tx.query<DbVpayOrder>(`SELECT ${COLUMNS} FROM vpay_orders WHERE out_trade_no = ?`, [outTradeNo]);
        const cur = orderFromDb(rows[0] as DbVpayOrder);
        const holdId = (rows[0] as DbVpayOrder).refund_hold_id;
        if (cur.refundState !== 'refunding' || cur.refundNo !== refundNo || holdId === null)
          return cur.refundState === 'refunded' ? 'refunded' : 'failed';
        if (answer instanceof VpayRefundFailure) {
          await this.#o.ledger.void(tx, { scope: VPAY_REFUND_SCOPE, key: `${refundNo}.void`, pendingId: holdId });
          await tx.run("UPDATE vpay_orders SET refund_state = 'failed', refund_failure = ?, updated_at_ms = ? WHERE out_trade_no = ?", [
            answer.code,
            tx.nowMs,
            outTradeNo,
          ]);
          return 'failed';
        }
        await this.#o.ledger.post(tx, { scope: VPAY_REFUND_SCOPE, key: `${refundNo}.post`, pendingId: holdId });
        await this.#o.ledger.transfer(tx, {
          scope: VPAY_REFUND_SCOPE,
          key: `${refundNo}.cash`,
          debit: systemAccount('revenue', 'CNY'),
          credit: systemAccount('provider_clearing', 'CNY'),
          asset: 'CNY',
          amount: cur.cashFen,
          code: 'refund',
          metadata: { outTradeNo, refundNo },
        });
        await tx.run(
          "UPDATE vpay_orders SET refund_state = 'refunded', refund_failure = NULL, wx_refund_id = ?, refunded_at_ms = ?, updated_at_ms = ? WHERE out_trade_no = ?",
          [answer.wxRefundId.slice(0, 64), tx.nowMs, tx.nowMs, outTradeNo],
        );
        return 'refunded';
      },
      { label: 'vpay.refund.apply' },
    );
  }

  // ---- bills ----

  /**
   * Downloads the bill of one China-time day and reconciles it with the orders, their pushes and
   * queries; books WeChat's fee for the day in the ledger (`provider_fees ← provider_clearing`,
   * only the difference from what an earlier run booked). Revenue itself was booked when each
   * order was delivered. Audited when an operator asks.
   */
  /**
   * Reconciles one ended China-time day's virtual-payment bill, in one unit: the bill's lines
   * against our orders (each billed order marked), our delivered and refunded orders of the day
   * against the bill, and WeChat's fee booked in the ledger (only the change since the last run).
   */
  async settleBill(
    billDate: string,
    by?: { readonly op: OperatorActor; readonly requestId: string; readonly ip: string },
  ): Promise<VpayBill> {
    const port = this.#port();
    const start = chinaDayStartMs(billDate);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate) || Number.isNaN(start) || chinaDay(start) !== billDate)
      throw new AppError(VpayErrors.VPAY_BILL_NOT_READY, { billDate });
    const end = start + DAY_MS;
    if (end > this.#o.clock.nowMs()) throw new AppError(VpayErrors.VPAY_BILL_NOT_READY, { billDate });
    const rows = await port.downloadBill(billDate.replaceAll('-', ''));
    return this.#o.store.unitOfWork(
      async (tx) => {
        await this.#o.ledger.serialize(tx);
        const ours = await ordersByTradeNo(tx, [...new Set(rows.map((r) => r.outTradeNo))]);
        const pays = rows.filter((r) => r.kind === 'pay');
        const refunds = rows.filter((r) => r.kind === 'refund');
        const billed = pays.filter((r) => ours.has(r.outTradeNo)).map((r) => r.outTradeNo);
        await markBilled(tx, billDate, billed);
        const mismatches = [
          ...compareBillLines(pays, refunds, ours),
          ...(await compareOurOrders(tx, start, end, new Set(billed), refunds)),
        ];
        const feeFen = rows.reduce((sum, r) => sum + r.feeFen, 0);
        const { booked, runs, stored } = await this.#bookFee(tx, billDate, feeFen);
        const bill: VpayBill = {
          billDate,
          pays: pays.length,
          paidFen: pays.reduce((sum, r) => sum + r.amountFen, 0),
          refunds: refunds.length,
          refundedFen: refunds.reduce((sum, r) => sum + r.amountFen, 0),
          feeFen,
          feeBookedFen: feeFen,
          mismatchCount: mismatches.length,
          mismatches: mismatches.slice(0, VPAY_BILL_MISMATCHES_KEPT),
          runs,
          runAtMs: tx.nowMs,
        };
        await storeBill(tx, bill, stored);
        if (by)
          await this.#o.audit.record(tx, {
            operator: { id: by.op.operatorId, username: by.op.username },
            action: 'vpay.bill',
            target: { kind: 'vpay_bill', id: billDate },
            before: { feeBookedFen: booked },
            after: { feeBookedFen: feeFen, mismatches: mismatches.length },
            requestId: by.requestId,
            ip: by.ip,
          });
        return bill;
      },
      { label: 'vpay.bill' },
    );
  }

  /** Books the change in WeChat's fee for the day since the last run; returns what was booked before and this run's number. */
  async #bookFee(tx: Tx, billDate: string, feeFen: number): Promise<{ booked: number; runs: number; stored: boolean }> {
    const prev = await tx.query<{ fee_booked_fen: unknown; runs: unknown }>(
      'SELECT fee_booked_fen, runs FROM vpay_bills WHERE bill_date = ?',
      [billDate],
    );
    const booked = prev[0] ? intFromDb(prev[0].fee_booked_fen) : 0;
    const runs = (prev[0] ? intFromDb(prev[0].runs) : 0) + 1;
    const delta = feeFen - booked;
    if (delta !== 0) {
      await this.#o.ledger.transfer(tx, {
        scope: VPAY_BILL_SCOPE,
        key: `${billDate}.run${runs}`,
        debit: systemAccount(delta > 0 ? 'provider_fees' : 'provider_clearing', 'CNY'),
        credit: systemAccount(delta > 0 ? 'provider_clearing' : 'provider_fees', 'CNY'),
        asset: 'CNY',
        amount: Math.abs(delta),
        code: 'provider_fee',
        metadata: { billDate, provider: 'wechat_vpay' },
      });
    }
    return { booked, runs, stored: prev[0] !== undefined };
  }

  /** Settled bills, newest day first. */
  async bills(limit = 30): Promise<VpayBill[]> {
    const rows = await this.#o.store.reader.query<Record<string, unknown>>(
      'SELECT bill_date, pays, paid_fen, refunds, refunded_fen, fee_fen, fee_booked_fen, mismatches, mismatch_count, runs, run_at_ms FROM vpay_bills ORDER BY bill_date DESC LIMIT ?',
      [Math.min(limit, 200)],
    );
    return rows.map((r) => ({
      billDate: String(r.bill_date),
      pays: intFromDb(r.pays),
      paidFen: intFromDb(r.paid_fen),
      refunds: intFromDb(r.refunds),
      refundedFen: intFromDb(r.refunded_fen),
      feeFen: intFromDb(r.fee_fen),
      feeBookedFen: intFromDb(r.fee_booked_fen),
      mismatchCount: intFromDb(r.mismatch_count),
      mismatches: JSON.parse(String(r.mismatches)) as VpayMismatch[],
      runs: intFromDb(r.runs),
      runAtMs: intFromDb(r.run_at_ms),
    }));
  }

  /**
   * The bills job: the last few ended days' bills (China time), oldest first, each settled once
   * (a day missed while the platform was down is caught up; older days an operator runs by hand).
   */
  async settleDueBills(): Promise<number> {
    if (this.#o.port === null) return 0;
    let settled = 0;
    for (let back = VPAY_BILL_CATCH_UP_DAYS; back >= 1; back--) {
      const day = chinaDay(this.#o.clock.nowMs() - back * DAY_MS);
      const done = await this.#o.store.reader.query('SELECT bill_date FROM vpay_bills WHERE bill_date = ?', [day]);
      if (done.length > 0) continue;
      await this.settleBill(day);
      settled++;
    }
    return settled;
  }
}

/** Our orders with these trade numbers, read in chunks. */
async function ordersByTradeNo(tx: Tx, ids: readonly string[]): Promise<Map<string, VpayOrder>> {
  const ours = new Map<string, VpayOrder>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const found = await tx.query<DbVpayOrder>(
      `SELECT ${COLUMNS} FROM vpay_orders WHERE out_trade_no IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const r of found) ours.set(r.out_trade_no, orderFromDb(r));
  }
  return ours;
}

/** Marks the billed orders with the bill's day (an order keeps the first day that billed it). */
async function markBilled(tx: Tx, billDate: string, billed: readonly string[]): Promise<void> {
  for (let i = 0; i < billed.length; i += 500) {
    const chunk = billed.slice(i, i + 500);
    await tx.run(`UPDATE vpay_orders SET bill_date = ? WHERE bill_date IS NULL AND out_trade_no IN (${chunk.map(() => '?').join(', ')})`, [
      billDate,
      ...chunk,
    ]);
  }
}

/** The bill's lines against our orders: payments we do not know, did not deliver or priced otherwise; refunds we did not record. */
function compareBillLines(
  pays: readonly VpayBillRow[],
  refunds: readonly VpayBillRow[],
  ours: ReadonlyMap<string, VpayOrder>,
): VpayMismatch[] {
  const mismatches: VpayMismatch[] = [];
  for (const r of pays) {
    const o = ours.get(r.outTradeNo);
    if (o === undefined) mismatches.push({ kind: 'unknown_order', outTradeNo: r.outTradeNo, detail: `${r.amountFen} fen` });
    else if (o.status !== 'delivered') mismatches.push({ kind: 'not_delivered', outTradeNo: r.outTradeNo, detail: o.status });
    else if (o.cashFen !== r.amountFen || o.quantity !== r.quantity)
      mismatches.push({
        kind: 'amount_differs',
        outTradeNo: r.outTradeNo,
        detail: `bill ${r.quantity} × ${r.amountFen} fen, order ${o.quantity} × ${o.cashFen} fen`,
      });
  }
  for (const r of refunds) {
    const o = ours.get(r.outTradeNo);
    if (o === undefined || o.refundState !== 'refunded' || o.refundNo !== r.refundNo)
      mismatches.push({ kind: 'refund_not_recorded', outTradeNo: r.outTradeNo, detail: `${r.refundNo ?? ''} ${r.amountFen} fen` });
  }
  return mismatches;
}

/** Our orders delivered or refunded that day against the bill: missing from it, or settled only by our queries. */
async function compareOurOrders(
  tx: Tx,
  startMs: number,
  endMs: number,
  billedSet: ReadonlySet<string>,
  refunds: readonly VpayBillRow[],
): Promise<VpayMismatch[]> {
  const mismatches: VpayMismatch[] = [];
  const delivered = await tx.query<DbVpayOrder>(
    `SELECT ${COLUMNS} FROM vpay_orders WHERE delivered_at_ms >= ? AND delivered_at_ms < ? ORDER BY delivered_at_ms`,
    [startMs, endMs],
  );
  for (const d of delivered.map(orderFromDb)) {
    if (d.billDate === null && !billedSet.has(d.outTradeNo))
      mismatches.push({ kind: 'not_in_bill', outTradeNo: d.outTradeNo, detail: `${d.cashFen} fen` });
    if (d.settledBy === 'query' && d.pushes === 0)
      mismatches.push({ kind: 'settled_by_query', outTradeNo: d.outTradeNo, detail: `${d.queries} queries` });
  }
  const refunded = await tx.query<DbVpayOrder>(
    `SELECT ${COLUMNS} FROM vpay_orders WHERE refunded_at_ms >= ? AND refunded_at_ms < ? ORDER BY refunded_at_ms`,
    [startMs, endMs],
  );
  const refundNos = new Set(refunds.map((r) => r.refundNo));
  for (const d of refunded.map(orderFromDb))
    if (!refundNos.has(d.refundNo)) mismatches.push({ kind: 'refund_not_in_bill', outTradeNo: d.outTradeNo, detail: d.refundNo ?? '' });

  return mismatches;
}

/** The day's bill row, inserted on the first run and replaced on later ones. */
async function storeBill(tx: Tx, bill: VpayBill, stored: boolean): Promise<void> {
  const values = [
    bill.pays,
    bill.paidFen,
    bill.refunds,
    bill.refundedFen,
    bill.feeFen,
    bill.feeBookedFen,
    JSON.stringify(bill.mismatches),
    bill.mismatchCount,
    bill.runs,
    tx.nowMs,
  ];
  if (stored)
    await tx.run(
      'UPDATE vpay_bills SET pays = ?, paid_fen = ?, refunds = ?, refunded_fen = ?, fee_fen = ?, fee_booked_fen = ?, mismatches = ?, mismatch_count = ?, runs = ?, run_at_ms = ? WHERE bill_date = ?',
      [...values, bill.billDate],
    );
  else
    await tx.run(
      'INSERT INTO vpay_bills (pays, paid_fen, refunds, refunded_fen, fee_fen, fee_booked_fen, mismatches, mismatch_count, runs, run_at_ms, bill_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [...values, bill.billDate],
    );
}
