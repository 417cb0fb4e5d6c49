// What reporting may read of the payments tables besides the engine's own answers: orders of a
// period (the order exports) and recent provider failures (the service metrics), in the shapes of
// analytics' `PaymentTables` port. Read-only, bound to a reader by the composition root, so the
// tables' layout stays this domain's business.
import type { PaymentOrderLine, PaymentTables } from '../analytics/index.ts';
import type { Reader } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';

/** Payment event kinds that record a provider failing or disagreeing. */
export const PROVIDER_ERROR_KINDS = [
  'provider_create_failed',
  'provider_close_failed',
  'provider_submit_failed',
  'provider_refused',
  'provider_mismatch',
  'abnormal',
] as const;

const ORDER_TABLES = ['payment_deposits', 'payment_withdrawals', 'payment_refunds'] as const;

export function paymentReads(reader: Reader): PaymentTables {
  return {
    /** Deposits, withdrawals and refunds created in [fromMs, toMs). */
    async ordersCount(fromMs, toMs) {
      const counts = await Promise.all(
        ORDER_TABLES.map((t) =>
          reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${t} WHERE created_at_ms >= ? AND created_at_ms < ?`, [fromMs, toMs]),
        ),
      );
      return counts.reduce((a, r) => a + intFromDb(r[0]?.n ?? 0), 0);
    },

    /** Deposits, then withdrawals, then refunds created in [fromMs, toMs). */
    async orders(fromMs, toMs) {
      const range = [fromMs, toMs];
      const out: PaymentOrderLine[] = [];
      for (const r of await reader.query<Record<string, unknown>>(
        `SELECT id, player_id, amount_fen, state, transaction_id, channel, refunded_fen, credited_at_ms, created_at_ms, updated_at_ms
           FROM payment_deposits WHERE created_at_ms >= ? AND created_at_ms < ?`,
        range,
      )) {
        out.push(depositLine(r));
      }
      for (const r of await reader.query<Record<string, unknown>>(
        `SELECT id, player_id, amount_fen, state, provider_bill_no, reviewed_by, finished_at_ms, created_at_ms, updated_at_ms
           FROM payment_withdrawals WHERE created_at_ms >= ? AND created_at_ms < ?`,
        range,
      )) {
        out.push(withdrawalLine(r));
      }
      for (const r of await reader.query<Record<string, unknown>>(
        `SELECT id, deposit_id, player_id, amount_fen, state, provider_refund_id, reason, finished_at_ms, created_at_ms, updated_at_ms
           FROM payment_refunds WHERE created_at_ms >= ? AND created_at_ms < ?`,
        range,
      )) {
        out.push(refundLine(r));
      }
      return out;
    },

    /** Provider failures and disagreements recorded since `sinceMs`, for every kind (0 when none). */
    async providerErrorsSince(sinceMs) {
      const rows = await reader.query<{ kind: string; n: unknown }>(
        `SELECT kind, COUNT(*) AS n FROM payment_events WHERE at_ms >= ? AND kind IN (${PROVIDER_ERROR_KINDS.map(() => '?').join(', ')}) GROUP BY kind`,
        [sinceMs, ...PROVIDER_ERROR_KINDS],
      );
      const counts = new Map(rows.map((r) => [r.kind, intFromDb(r.n)]));
      return PROVIDER_ERROR_KINDS.map((kind) => ({ kind, events: counts.get(kind) ?? 0 }));
    },
  };
}

/** A deposit row as an order line of the accounting export. */
function depositLine(r: Record<string, unknown>): PaymentOrderLine {
  return {
    kind: 'deposit',
    id: String(r.id),
    playerId: String(r.player_id),
    amountFen: intFromDb(r.amount_fen),
    state: String(r.state),
    providerRef: (r.transaction_id as string | null) ?? null,
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
    finishedAtMs: intOrNullFromDb(r.credited_at_ms),
    detail: `channel=${String(r.channel)};refunded_fen=${intFromDb(r.refunded_fen)}`,
  };
}

/** A withdrawal row as an order line of the accounting export. */
function withdrawalLine(r: Record<string, unknown>): PaymentOrderLine {
  return {
    kind: 'withdrawal',
    id: String(r.id),
    playerId: String(r.player_id),
    amountFen: intFromDb(r.amount_fen),
    state: String(r.state),
    providerRef: (r.provider_bill_no as string | null) ?? null,
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
    finishedAtMs: intOrNullFromDb(r.finished_at_ms),
    detail: r.reviewed_by ? `reviewed_by=${String(r.reviewed_by)}` : null,
  };
}

/** A refund row as an order line of the accounting export. */
function refundLine(r: Record<string, unknown>): PaymentOrderLine {
  return {
    kind: 'refund',
    id: String(r.id),
    playerId: String(r.player_id),
    amountFen: intFromDb(r.amount_fen),
    state: String(r.state),
    providerRef: (r.provider_refund_id as string | null) ?? null,
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
    finishedAtMs: intOrNullFromDb(r.finished_at_ms),
    detail: `deposit=${String(r.deposit_id)};reason=${String(r.reason)}`,
  };
}
