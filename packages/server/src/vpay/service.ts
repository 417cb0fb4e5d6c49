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
import { AppError, type Clock } from '@fairground/core';
import { VPAY_DELIVER_EVENT, vpayEventSig, vpayPaySig, vpaySigEqual, vpaySignData, vpayUserSignature } from '@fairground/wechatpay/vpay';
import type { Sealer } from '../accounts/sealing.ts';
import { RoomErrors } from '../rooms/errors.ts';
import { ROOM_CARDS_PER_PURCHASE_MAX } from '../rooms/limits.ts';
import type { Rooms } from '../rooms/service.ts';
import type { SqlValue, Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb, isUniqueViolation } from '../storage/sql.ts';
import { VpayErrors } from './errors.ts';
import type { VirtualPaymentPort } from './ports.ts';

/** A pending order is queried once the player's payment sheet must have closed. */
export const VPAY_QUERY_AFTER_MS = 60_000;
/** A pending order WeChat still calls unpaid this long after it was signed is closed (the sheet is long gone). */
export const VPAY_EXPIRE_AFTER_MS = 30 * 60_000;
/** Orders one sweep queries at most (each is one call to WeChat). */
export const VPAY_SWEEP_BATCH = 50;
const PUSH_BYTES_MAX = 16 * 1024;

export type VpayStatus = 'pending' | 'delivered' | 'expired';

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
  /** Opens the sealed session_key (the accounts domain's sealer for it). */
  readonly sessionKeySealer: Sealer;
  /** Null: virtual payment is not configured; every player route answers VPAY_NOT_ENABLED. */
  readonly port: VirtualPaymentPort | null;
  /** Told about pushes that verify but cannot be applied (an operator must look). */
  readonly onProblem?: (p: { outTradeNo: string; problem: string }) => void;
}

const COLUMNS =
  'out_trade_no, player_id, openid, env, product_id, quantity, price_fen, cash_fen, status, settled_by, room_order_id, pushes, queries, wechat_transaction_id, created_at_ms, updated_at_ms, delivered_at_ms';

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
          `INSERT INTO vpay_orders (app_id, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, NULL, 0, 0, NULL, ?, ?, NULL)`,
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

  /** The player's own order, settled by a query first when it is still pending (the client's timeout path). */
  async check(playerId: string, outTradeNo: string): Promise<VpayOrder> {
    const o = await this.order(outTradeNo);
    if (o === null || o.playerId !== playerId) throw new AppError(VpayErrors.VPAY_ORDER_UNKNOWN);
    if (o.status !== 'pending') return o;
    await this.#query(o);
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
    const overdue = await this.#o.store.reader.query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM vpay_orders WHERE status = 'pending' AND created_at_ms < ?",
      [this.#o.clock.nowMs() - VPAY_QUERY_AFTER_MS],
    );
    return { counts, settledByQuery: intFromDb(byQuery[0]?.n ?? 0), pendingOverdue: intFromDb(overdue[0]?.n ?? 0) };
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
}
