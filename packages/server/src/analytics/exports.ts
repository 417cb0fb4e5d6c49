// Operators export records as CSV for any period inside the last 180 days: ledger transfers,
// orders (deposits, withdrawals, refunds, room fee and room-card orders) and hand histories.
// Exports read the domains' tables read-only — reporting is the one place that reads across
// domains — and each export writes an audit entry (who, what, which period, how many rows).
import { AppError, type Clock } from '@fairground/core';
import type { AuditLog } from '../admin/index.ts';
import type { OperatorActor } from '../accounts/index.ts';
import type { Reader, Store } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { type Cell, csvLine, isoTime, yuanText } from './csv.ts';

/** An instant as the export writes it (ISO 8601 with the operator's offset). */
type TimeText = (ms: number | null) => string | null;
import { AnalyticsErrors } from './errors.ts';
import { EXPORT_PAGE_ROWS, EXPORT_RETENTION_MS, EXPORT_ROWS_MAX } from './limits.ts';

import type { ExportKind } from './export-kinds.ts';

export { EXPORT_KINDS, type ExportKind } from './export-kinds.ts';

/** Who may export what: money records to finance, hand histories to risk and support; admins everything. */
export const EXPORT_ROLES: Readonly<Record<ExportKind, readonly string[]>> = {
  transfers: ['finance', 'admin'],
  orders: ['finance', 'admin'],
  hands: ['risk', 'support', 'admin'],
};

export interface ExportsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly audit: AuditLog;
  /** Opens a sealed hand history (the rooms domain's sealer); returns its JSON text. */
  readonly openHand?: (sealed: string, roomId: string, handNumber: number) => string;
}

export interface ExportResult {
  readonly kind: ExportKind;
  readonly filename: string;
  readonly rows: number;
  readonly csv: string;
}

/** The ledger's transfers are chained by seq and stamped at commit, so seq order is time order within this slack. */
const SEQ_TIME_SLACK_MS = 60_000;

export class Exports {
  readonly #o: ExportsOptions;

  constructor(o: ExportsOptions) {
    this.#o = o;
  }

  checkPeriod(fromMs: number, toMs: number): void {
    const nowMs = this.#o.clock.nowMs();
    if (
      !Number.isSafeInteger(fromMs) ||
      !Number.isSafeInteger(toMs) ||
      toMs <= fromMs ||
      fromMs < nowMs - EXPORT_RETENTION_MS ||
      fromMs > nowMs
    ) {
      throw new AppError(AnalyticsErrors.ANALYTICS_EXPORT_PERIOD_INVALID, { fromMs, toMs, earliestMs: nowMs - EXPORT_RETENTION_MS });
    }
  }

  async export(
    op: OperatorActor,
    kind: ExportKind,
    period: { fromMs: number; toMs: number; utcOffsetMinutes?: number },
    meta: { requestId: string; ip: string },
  ): Promise<ExportResult> {
    if (!op.roles.some((r) => EXPORT_ROLES[kind].includes(r))) {
      throw new AppError(AnalyticsErrors.ANALYTICS_EXPORT_ROLE_MISSING, { kind, needs: [...EXPORT_ROLES[kind]] });
    }
    this.checkPeriod(period.fromMs, period.toMs);
    const toMs = Math.min(period.toMs, this.#o.clock.nowMs() + 1);
    const reader = this.#o.store.reader;
    const offset = period.utcOffsetMinutes ?? 0;
    const time: TimeText = (ms) => isoTime(ms, offset);
    const lines =
      kind === 'transfers'
        ? await transfersCsv(reader, period.fromMs, toMs, time)
        : kind === 'orders'
          ? await ordersCsv(reader, period.fromMs, toMs, time)
          : await this.#handsCsv(period.fromMs, toMs, time);
    const rows = lines.length - 1;
    // The days in the file's name are the operator's days, like its times.
    const day = (ms: number) => (isoTime(ms, offset) ?? '').slice(0, 10);
    const filename = `fairground-${kind}-${day(period.fromMs)}-${day(toMs - 1)}.csv`;
    await this.#o.store.unitOfWork(
      (tx) =>
        this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'analytics.export',
          target: { kind: 'export', id: kind },
          after: { kind, fromMs: period.fromMs, toMs, utcOffsetMinutes: offset, rows, filename },
          requestId: meta.requestId,
          ip: meta.ip,
        }),
      { label: 'analytics.export' },
    );
    // A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
    return { kind, filename, rows, csv: `\uFEFF${lines.join('')}` };
  }

  async #handsCsv(fromMs: number, toMs: number, time: TimeText): Promise<string[]> {
    const reader = this.#o.store.reader;
    await assertRowsWithin(reader, 'SELECT COUNT(*) AS n FROM room_hands WHERE created_at_ms >= ? AND created_at_ms < ?', [fromMs, toMs]);
    const out = [
      csvLine([
        'room_id',
        'room_code',
        'hand_number',
        'ended_at',
        'aborted',
        'server_commitment',
        'server_seed',
        'client_seed',
        'players',
        'actions',
        'result',
        'record_hash',
        'chain_hash',
      ]),
    ];
    let after: { at: number; room: string; hand: number } = { at: fromMs - 1, room: '', hand: 0 };
    for (;;) {
      const rows = await reader.query<{
        room_id: string;
        code: string | null;
        hand_number: unknown;
        sealed: string;
        record_hash: string;
        chain_hash: string;
        created_at_ms: unknown;
      }>(
        `SELECT h.room_id, r.code, h.hand_number, h.sealed, h.record_hash, h.chain_hash, h.created_at_ms
           FROM room_hands h LEFT JOIN rooms r ON r.id = h.room_id
          WHERE h.created_at_ms < ? AND (h.created_at_ms > ? OR (h.created_at_ms = ? AND (h.room_id > ? OR (h.room_id = ? AND h.hand_number > ?))))
          ORDER BY h.created_at_ms, h.room_id, h.hand_number LIMIT ?`,
        [toMs, after.at, after.at, after.room, after.room, after.hand, EXPORT_PAGE_ROWS],
      );
      for (const r of rows) {
        const handNumber = intFromDb(r.hand_number);
        let record: {
          aborted?: boolean;
          serverCommitment?: string;
          serverSeed?: string;
          clientSeed?: string;
          players?: unknown;
          actions?: unknown;
          result?: unknown;
        } = {};
        let opened = false;
        if (this.#o.openHand) {
          try {
            record = JSON.parse(this.#o.openHand(r.sealed, r.room_id, handNumber)) as typeof record;
            opened = true;
          } catch {
            // A record that does not open is exported with its hashes and flagged, never skipped.
          }
        }
        out.push(
          csvLine([
            r.room_id,
            r.code,
            handNumber,
            time(intFromDb(r.created_at_ms)),
            opened ? (record.aborted ?? false) : 'unreadable',
            record.serverCommitment ?? null,
            record.serverSeed ?? null,
            record.clientSeed ?? null,
            opened ? JSON.stringify(record.players ?? []) : null,
            opened ? JSON.stringify(record.actions ?? []) : null,
            opened ? JSON.stringify(record.result ?? null) : null,
            r.record_hash,
            r.chain_hash,
          ]),
        );
      }
      const last = rows[rows.length - 1];
      if (rows.length < EXPORT_PAGE_ROWS || last === undefined) return out;
      after = { at: intFromDb(last.created_at_ms), room: last.room_id, hand: intFromDb(last.hand_number) };
    }
  }
}

async function assertRowsWithin(reader: Reader, sql: string, params: (string | number)[]): Promise<void> {
  const rows = await reader.query<{ n: unknown }>(sql, params);
  const n = intFromDb(rows[0]?.n ?? 0);
  if (n > EXPORT_ROWS_MAX) throw new AppError(AnalyticsErrors.ANALYTICS_EXPORT_TOO_LARGE, { rows: n, rowsMax: EXPORT_ROWS_MAX });
}

/** The first transfer seq at or after `atMs` (minus the slack), by binary search over the primary key. */
async function seqAtOrAfter(reader: Reader, atMs: number): Promise<number> {
  // The highest seq, not a chain head: with several chain shards seqs interleave and leave gaps.
  const head = await reader.query<{ seq: unknown }>('SELECT MAX(seq) AS seq FROM ledger_transfers');
  let lo = 1;
  let hi = intFromDb(head[0]?.seq ?? 0) + 1;
  // Bounded: at most 64 halvings of a safe-integer range.
  for (let i = 0; i < 64 && lo < hi; i++) {
    const mid = Math.floor((lo + hi) / 2);
    const rows = await reader.query<{ created_at_ms: unknown }>(
      'SELECT created_at_ms FROM ledger_transfers WHERE seq >= ? ORDER BY seq LIMIT 1',
      [mid],
    );
    const at = rows[0] ? intFromDb(rows[0].created_at_ms) : Number.MAX_SAFE_INTEGER;
    if (at < atMs - SEQ_TIME_SLACK_MS) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function transfersCsv(reader: Reader, fromMs: number, toMs: number, time: TimeText): Promise<string[]> {
  const firstSeq = await seqAtOrAfter(reader, fromMs);
  const endSeq = await seqAtOrAfter(reader, toMs + 2 * SEQ_TIME_SLACK_MS);
  await assertRowsWithin(
    reader,
    'SELECT COUNT(*) AS n FROM ledger_transfers WHERE seq >= ? AND seq < ? AND created_at_ms >= ? AND created_at_ms < ?',
    [firstSeq, endSeq, fromMs, toMs],
  );
  const out = [
    csvLine([
      'seq',
      'id',
      'created_at',
      'debit_account',
      'credit_account',
      'asset',
      'amount',
      'amount_yuan',
      'code',
      'kind',
      'pending_id',
      'metadata',
      'hash',
    ]),
  ];
  let afterSeq = firstSeq - 1;
  for (;;) {
    const rows = await reader.query<{
      seq: unknown;
      id: string;
      created_at_ms: unknown;
      debit_account: string;
      credit_account: string;
      asset: string;
      amount: unknown;
      code: string;
      flags: unknown;
      pending_id: string | null;
      metadata: string | null;
      hash: string;
    }>(
      `SELECT seq, id, created_at_ms, debit_account, credit_account, asset, amount, code, flags, pending_id, metadata, hash
         FROM ledger_transfers WHERE seq > ? AND seq < ? AND created_at_ms >= ? AND created_at_ms < ? ORDER BY seq LIMIT ?`,
      [afterSeq, endSeq, fromMs, toMs, EXPORT_PAGE_ROWS],
    );
    for (const r of rows) {
      const amount = intFromDb(r.amount);
      const flags = intFromDb(r.flags);
      const kind = flags & 1 ? 'pending' : flags & 2 ? 'post' : flags & 8 ? 'expired' : flags & 4 ? 'void' : 'posted';
      const money = r.asset === 'CNY' || r.asset === 'BONUS';
      out.push(
        csvLine([
          intFromDb(r.seq),
          r.id,
          time(intFromDb(r.created_at_ms)),
          r.debit_account,
          r.credit_account,
          r.asset,
          amount,
          money ? yuanText(amount) : null,
          r.code,
          kind,
          r.pending_id,
          r.metadata,
          r.hash,
        ]),
      );
    }
    const last = rows[rows.length - 1];
    if (rows.length < EXPORT_PAGE_ROWS || last === undefined) return out;
    afterSeq = intFromDb(last.seq);
  }
}

interface OrderLine {
  readonly createdAtMs: number;
  readonly cells: Cell[];
}

async function ordersCsv(reader: Reader, fromMs: number, toMs: number, time: TimeText): Promise<string[]> {
  const counts = await Promise.all(
    ['payment_deposits', 'payment_withdrawals', 'payment_refunds', 'room_orders'].map((t) =>
      reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${t} WHERE created_at_ms >= ? AND created_at_ms < ?`, [fromMs, toMs]),
    ),
  );
  const total = counts.reduce((a, r) => a + intFromDb(r[0]?.n ?? 0), 0);
  if (total > EXPORT_ROWS_MAX) throw new AppError(AnalyticsErrors.ANALYTICS_EXPORT_TOO_LARGE, { rows: total, rowsMax: EXPORT_ROWS_MAX });
  const lines: OrderLine[] = [];
  const range = [fromMs, toMs];
  const line = (
    createdAtMs: number,
    kind: string,
    id: string,
    playerId: string,
    amountFen: number,
    state: string,
    providerRef: string | null,
    updatedAtMs: number,
    finishedAtMs: number | null,
    detail: string | null,
  ) =>
    lines.push({
      createdAtMs,
      cells: [
        kind,
        id,
        playerId,
        amountFen,
        yuanText(amountFen),
        state,
        providerRef,
        time(createdAtMs),
        time(updatedAtMs),
        time(finishedAtMs),
        detail,
      ],
    });

  for (const r of await reader.query<Record<string, unknown>>(
    `SELECT id, player_id, amount_fen, state, transaction_id, channel, refunded_fen, credited_at_ms, created_at_ms, updated_at_ms
       FROM payment_deposits WHERE created_at_ms >= ? AND created_at_ms < ?`,
    range,
  )) {
    line(
      intFromDb(r.created_at_ms),
      'deposit',
      String(r.id),
      String(r.player_id),
      intFromDb(r.amount_fen),
      String(r.state),
      (r.transaction_id as string | null) ?? null,
      intFromDb(r.updated_at_ms),
      intOrNullFromDb(r.credited_at_ms),
      `channel=${String(r.channel)};refunded_fen=${intFromDb(r.refunded_fen)}`,
    );
  }
  for (const r of await reader.query<Record<string, unknown>>(
    `SELECT id, player_id, amount_fen, state, provider_bill_no, reviewed_by, finished_at_ms, created_at_ms, updated_at_ms
       FROM payment_withdrawals WHERE created_at_ms >= ? AND created_at_ms < ?`,
    range,
  )) {
    line(
      intFromDb(r.created_at_ms),
      'withdrawal',
      String(r.id),
      String(r.player_id),
      intFromDb(r.amount_fen),
      String(r.state),
      (r.provider_bill_no as string | null) ?? null,
      intFromDb(r.updated_at_ms),
      intOrNullFromDb(r.finished_at_ms),
      r.reviewed_by ? `reviewed_by=${String(r.reviewed_by)}` : null,
    );
  }
  for (const r of await reader.query<Record<string, unknown>>(
    `SELECT id, deposit_id, player_id, amount_fen, state, provider_refund_id, reason, finished_at_ms, created_at_ms, updated_at_ms
       FROM payment_refunds WHERE created_at_ms >= ? AND created_at_ms < ?`,
    range,
  )) {
    line(
      intFromDb(r.created_at_ms),
      'refund',
      String(r.id),
      String(r.player_id),
      intFromDb(r.amount_fen),
      String(r.state),
      (r.provider_refund_id as string | null) ?? null,
      intFromDb(r.updated_at_ms),
      intOrNullFromDb(r.finished_at_ms),
      `deposit=${String(r.deposit_id)};reason=${String(r.reason)}`,
    );
  }
  for (const r of await reader.query<Record<string, unknown>>(
    `SELECT order_id, kind, room_id, player_id, mode, cards, points, cash_fen, commission_fen, status, created_at_ms, updated_at_ms
       FROM room_orders WHERE created_at_ms >= ? AND created_at_ms < ?`,
    range,
  )) {
    line(
      intFromDb(r.created_at_ms),
      `room_${String(r.kind)}`,
      String(r.order_id),
      String(r.player_id),
      intFromDb(r.cash_fen),
      String(r.status),
      (r.room_id as string | null) ?? null,
      intFromDb(r.updated_at_ms),
      null,
      `mode=${String(r.mode)};cards=${intFromDb(r.cards)};points=${intFromDb(r.points)};commission_fen=${intFromDb(r.commission_fen)}`,
    );
  }
  lines.sort((a, b) => a.createdAtMs - b.createdAtMs);
  return [
    csvLine([
      'kind',
      'id',
      'player_id',
      'amount_fen',
      'amount_yuan',
      'state',
      'reference',
      'created_at',
      'updated_at',
      'finished_at',
      'detail',
    ]),
    ...lines.map((l) => csvLine(l.cells)),
  ];
}
