// Room fees and room cards as ledger transfers, always inside the caller's unit of work so an
// order, its transfers and the room event that caused them commit together.
//   hold:    at creation (owner) or on taking a seat (AA) before the room starts: pending transfers
//   post:    when the first hand starts, every held order of the room is posted
//   void:    a player who leaves before the start, or a room that never starts: refunded in full
//   charge:  AA players who sit down after the start pay at once (posted transfers)
//   prizes:  only when the policy allows it, the room's escrow is split by the final scoreboard
import { AppError, FEN_BOUNDS_NON_NEGATIVE, splitByWeights, toFen } from '@fairground/core';
import { type Ledger, LedgerErrors, parseAccountId, playerAccount, systemAccount } from '../ledger/index.ts';
import type { BatchTransferInput } from '../ledger/index.ts';
import type { Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { RoomErrors } from './errors.ts';
import { formatOrderId, isFree, type Payment } from './fees.ts';
import { ORDER_RETENTION_MS } from './limits.ts';
import type { FeePlan } from './state.ts';

export const FEE_SCOPE = 'rooms.fee';
export const CARDS_SCOPE = 'rooms.cards';

export type OrderStatus = 'held' | 'charged' | 'refunded' | 'paid';

export interface OrderRow {
  readonly orderId: string;
  readonly kind: 'room_fee' | 'card_purchase';
  readonly roomId: string | null;
  readonly playerId: string;
  readonly mode: string;
  readonly cards: number;
  readonly points: number;
  readonly cashFen: number;
  readonly commissionFen: number;
  readonly remainderFen: number;
  readonly remainderTo: string;
  readonly status: OrderStatus;
  readonly transfers: readonly string[];
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly retainUntilMs: number;
}

interface DbOrder {
  order_id: string;
  kind: string;
  room_id: string | null;
  player_id: string;
  mode: string;
  cards: unknown;
  points: unknown;
  cash_fen: unknown;
  commission_fen: unknown;
  remainder_fen: unknown;
  remainder_to: string;
  status: string;
  transfers: string;
  created_at_ms: unknown;
  updated_at_ms: unknown;
  retain_until_ms: unknown;
}

export const ORDER_COLUMNS =
  'order_id, kind, room_id, player_id, mode, cards, points, cash_fen, commission_fen, remainder_fen, remainder_to, status, transfers, created_at_ms, updated_at_ms, retain_until_ms';

export function orderFromDb(r: DbOrder): OrderRow {
  return {
    orderId: r.order_id,
    kind: r.kind === 'card_purchase' ? 'card_purchase' : 'room_fee',
    roomId: r.room_id,
    playerId: r.player_id,
    mode: r.mode,
    cards: intFromDb(r.cards),
    points: intFromDb(r.points),
    cashFen: intFromDb(r.cash_fen),
    commissionFen: intFromDb(r.commission_fen),
    remainderFen: intFromDb(r.remainder_fen),
    remainderTo: r.remainder_to,
    status: r.status as OrderStatus,
    transfers: JSON.parse(r.transfers) as string[],
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
    retainUntilMs: intFromDb(r.retain_until_ms),
  };
}

/** The next order id for `prefix`, from a counter row in the same unit of work. */
export async function nextOrderId(tx: Tx, prefix: 'rf' | 'rc'): Promise<string> {
  const rows = await tx.query<{ next_seq: unknown }>(
    `INSERT INTO room_order_counters (prefix, next_seq) VALUES (?, 1)
      ON CONFLICT (prefix) DO UPDATE SET next_seq = room_order_counters.next_seq + 1 RETURNING next_seq`,
    [prefix],
  );
  return formatOrderId(prefix, tx.nowMs, intFromDb(rows[0]?.next_seq));
}

/** The order a reused card-purchase key made, if it asked for the same quantity; else the ledger's conflict. */
export function replayedCardOrder(order: OrderRow, request: { quantity: number; requestKey: string }): OrderRow {
  if (order.kind !== 'card_purchase' || order.cards !== request.quantity) {
    throw new AppError(LedgerErrors.LEDGER_IDEMPOTENCY_CONFLICT, {
      requestKey: request.requestKey,
      orderId: order.orderId,
      quantity: order.cards,
    });
  }
  return order;
}

/** Turns the ledger's "not enough" into the room's code for the asset that ran short. */
export function mapLedgerError(e: unknown): unknown {
  if (!(e instanceof AppError) || e.code !== LedgerErrors.LEDGER_INSUFFICIENT_FUNDS.code) return e;
  const account = typeof e.details?.account === 'string' ? e.details.account : '';
  let asset = '';
  try {
    asset = parseAccountId(account).asset;
  } catch {
    asset = '';
  }
  const def =
    asset === 'ROOM_CARD'
      ? RoomErrors.ROOM_CARDS_INSUFFICIENT
      : asset === 'POINTS'
        ? RoomErrors.ROOM_POINTS_INSUFFICIENT
        : RoomErrors.ROOM_FUNDS_INSUFFICIENT;
  return new AppError(def, e.details as Record<string, unknown>);
}

export function roomEscrow(roomId: string): string {
  return `room:${roomId}:CNY`;
}

function feeTransfers(roomId: string, playerId: string, orderId: string, p: Payment, fee: FeePlan): BatchTransferInput[] {
  const metadata = { orderId, roomId };
  const out: BatchTransferInput[] = [];
  if (p.cards > 0) {
    out.push({
      debit: playerAccount(playerId, 'ROOM_CARD'),
      credit: systemAccount('room_card_issuance', 'ROOM_CARD'),
      asset: 'ROOM_CARD',
      amount: p.cards,
      code: 'room_card_consume',
      metadata,
    });
  }
  if (p.points > 0) {
    out.push({
      debit: playerAccount(playerId, 'POINTS'),
      credit: systemAccount('points_issuance', 'POINTS'),
      asset: 'POINTS',
      amount: p.points,
      code: 'points_redeem',
      metadata,
    });
  }
  if (p.commissionFen > 0) {
    out.push({
      debit: playerAccount(playerId, 'CNY'),
      credit: systemAccount('revenue', 'CNY'),
      asset: 'CNY',
      amount: p.commissionFen,
      code: 'commission',
      metadata,
    });
  }
  if (p.remainderFen > 0) {
    out.push({
      debit: playerAccount(playerId, 'CNY'),
      credit: fee.remainderTo === 'room_escrow' ? roomEscrow(roomId) : systemAccount('revenue', 'CNY'),
      asset: 'CNY',
      amount: p.remainderFen,
      code: 'room_fee',
      metadata,
    });
  }
  return out;
}

export class RoomMoney {
  readonly #ledger: Ledger;

  constructor(ledger: Ledger) {
    this.#ledger = ledger;
  }

  /**
   * Takes one player's fee for a room: held (pending) before the room starts, posted at once after.
   * Returns the order id, or null when the payment is free.
   */
  async pay(tx: Tx, o: { roomId: string; playerId: string; payment: Payment; fee: FeePlan; started: boolean }): Promise<string | null> {
    if (isFree(o.payment)) return null;
    const orderId = await nextOrderId(tx, 'rf');
    if (o.fee.remainderTo === 'room_escrow') await this.#ledger.openAccount(tx, roomEscrow(o.roomId));
    const transfers = feeTransfers(o.roomId, o.playerId, orderId, o.payment, o.fee).map((t) => (o.started ? t : { ...t, pending: {} }));
    let ids: string[];
    try {
      const r = await this.#ledger.batch(tx, { scope: FEE_SCOPE, key: orderId, transfers });
      ids = r.transfers.map((t) => t.id);
    } catch (e) {
      throw mapLedgerError(e);
    }
    const p = o.payment;
    await tx.run(
      `INSERT INTO room_orders (${ORDER_COLUMNS}, request_key) VALUES (?, 'room_fee', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      [
        orderId,
        o.roomId,
        o.playerId,
        o.fee.mode,
        p.cards,
        p.points,
        p.cashFen,
        p.commissionFen,
        p.remainderFen,
        o.fee.remainderTo,
        o.started ? 'charged' : 'held',
        JSON.stringify(ids),
        tx.nowMs,
        tx.nowMs,
        tx.nowMs + ORDER_RETENTION_MS,
      ],
    );
    return orderId;
  }

  async #orders(tx: Tx, roomId: string, status: OrderStatus, playerId?: string): Promise<OrderRow[]> {
    const rows = await tx.query<DbOrder>(
      `SELECT ${ORDER_COLUMNS} FROM room_orders WHERE room_id = ? AND status = ?${playerId ? ' AND player_id = ?' : ''} ORDER BY order_id`,
      playerId ? [roomId, status, playerId] : [roomId, status],
    );
    return rows.map(orderFromDb);
  }

  /** The room's first hand started: every held order is charged. */
  async postHeld(tx: Tx, roomId: string): Promise<void> {
    for (const o of await this.#orders(tx, roomId, 'held')) {
      for (const [i, pendingId] of o.transfers.entries()) {
        await this.#ledger.post(tx, { scope: FEE_SCOPE, key: `${o.orderId}:post:${i}`, pendingId });
      }
      await tx.run("UPDATE room_orders SET status = 'charged', updated_at_ms = ? WHERE order_id = ?", [tx.nowMs, o.orderId]);
    }
  }

  /** Refunds held orders in full (a player left before the start, or the room never started). */
  async voidHeld(tx: Tx, roomId: string, playerId?: string): Promise<number> {
    const orders = await this.#orders(tx, roomId, 'held', playerId);
    for (const o of orders) {
      for (const [i, pendingId] of o.transfers.entries()) {
        await this.#ledger.void(tx, { scope: FEE_SCOPE, key: `${o.orderId}:void:${i}`, pendingId });
      }
      await tx.run("UPDATE room_orders SET status = 'refunded', updated_at_ms = ? WHERE order_id = ?", [tx.nowMs, o.orderId]);
    }
    return orders.length;
  }

  /**
   * Only under a policy that allows prizes: the room's escrow (the cash remainders after commission)
   * goes to the players with positive final scores in proportion to their scores; with no positive
   * score it goes back to the payers in proportion to what they paid.
   */
  async payPrizes(tx: Tx, roomId: string, scores: readonly { playerId: string; points: number }[]): Promise<void> {
    const charged = (await this.#orders(tx, roomId, 'charged')).filter((o) => o.remainderTo === 'room_escrow' && o.remainderFen > 0);
    const totalFen = charged.reduce((a, o) => a + o.remainderFen, 0);
    if (totalFen === 0) return;
    const winners = scores.filter((s) => s.points > 0);
    const recipients =
      winners.length > 0
        ? winners.map((w) => ({ playerId: w.playerId, weight: w.points }))
        : charged.map((o) => ({ playerId: o.playerId, weight: o.remainderFen }));
    const parts = splitByWeights(
      toFen(totalFen, FEN_BOUNDS_NON_NEGATIVE),
      recipients.map((r) => r.weight),
    );
    const transfers: BatchTransferInput[] = [];
    recipients.forEach((r, i) => {
      const amount = parts[i] as number;
      if (amount > 0) {
        transfers.push({
          debit: roomEscrow(roomId),
          credit: playerAccount(r.playerId, 'CNY'),
          asset: 'CNY',
          amount,
          code: winners.length > 0 ? 'prize' : 'refund',
          metadata: { roomId },
        });
      }
    });
    if (transfers.length > 0) await this.#ledger.batch(tx, { scope: FEE_SCOPE, key: `${roomId}:prizes`, transfers });
    for (const o of charged)
      await tx.run("UPDATE room_orders SET status = 'paid', updated_at_ms = ? WHERE order_id = ?", [tx.nowMs, o.orderId]);
  }

  /**
   * Buys room cards with CNY: one linked batch (CNY to revenue, cards from issuance), one order.
   * The request key is looked up after the ledger's lock, so a parallel request with the same key
   * has committed its order by then (or shares this transaction) and is answered, not repeated:
   * the same quantity is its order again (`replayed`), another quantity LEDGER_IDEMPOTENCY_CONFLICT.
   * `paidBy: 'provider'`: the player paid a payment provider directly (WeChat virtual payment), so
   * the CNY comes from the provider's clearing account instead of the player's wallet.
   */
  async buyCards(
    tx: Tx,
    o: { playerId: string; quantity: number; priceFen: number; requestKey: string; paidBy?: 'wallet' | 'provider' },
  ): Promise<{ order: OrderRow; replayed: boolean }> {
    await this.#ledger.serialize(tx);
    const existing = await tx.query<DbOrder>(`SELECT ${ORDER_COLUMNS} FROM room_orders WHERE player_id = ? AND request_key = ?`, [
      o.playerId,
      o.requestKey,
    ]);
    if (existing[0]) return { order: replayedCardOrder(orderFromDb(existing[0]), o), replayed: true };
    const orderId = await nextOrderId(tx, 'rc');
    const cashFen = o.quantity * o.priceFen;
    let ids: string[];
    try {
      const r = await this.#ledger.batch(tx, {
        scope: CARDS_SCOPE,
        key: orderId,
        transfers: [
          {
            debit: o.paidBy === 'provider' ? systemAccount('provider_clearing', 'CNY') : playerAccount(o.playerId, 'CNY'),
            credit: systemAccount('revenue', 'CNY'),
            asset: 'CNY',
            amount: cashFen,
            code: 'room_card_purchase',
            metadata: { orderId },
          },
          {
            debit: systemAccount('room_card_issuance', 'ROOM_CARD'),
            credit: playerAccount(o.playerId, 'ROOM_CARD'),
            asset: 'ROOM_CARD',
            amount: o.quantity,
            code: 'room_card_purchase',
            metadata: { orderId },
          },
        ],
      });
      ids = r.transfers.map((t) => t.id);
    } catch (e) {
      throw mapLedgerError(e);
    }
    await tx.run(
      `INSERT INTO room_orders (${ORDER_COLUMNS}, request_key) VALUES (?, 'card_purchase', NULL, ?, 'room_card', ?, 0, ?, 0, 0, 'revenue', 'paid', ?, ?, ?, ?, ?)`,
      [orderId, o.playerId, o.quantity, cashFen, JSON.stringify(ids), tx.nowMs, tx.nowMs, tx.nowMs + ORDER_RETENTION_MS, o.requestKey],
    );
    const row = await tx.query<DbOrder>(`SELECT ${ORDER_COLUMNS} FROM room_orders WHERE order_id = ?`, [orderId]);
    return { order: orderFromDb(row[0] as DbOrder), replayed: false };
  }
}
