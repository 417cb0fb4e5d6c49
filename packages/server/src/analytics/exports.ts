// Operators export records as CSV for any period inside the last 180 days: ledger transfers,
// orders (deposits, withdrawals, refunds, room fee and room-card orders) and hand histories.
// Exports read the other domains' records through the read functions those domains expose (see
// ports.ts), and each export writes an audit entry (who, what, which period, how many rows).
import { AppError, type Clock } from '@fairground/core';
import type { AuditLog } from '../audit/index.ts';
import type { Store } from '../storage/ports.ts';
import { type Cell, csvLine, isoTime, yuanText } from './csv.ts';

/** An instant as the export writes it (ISO 8601 with the operator's offset). */
type TimeText = (ms: number | null) => string | null;
import { AnalyticsErrors } from './errors.ts';
import { EXPORT_PAGE_ROWS, EXPORT_RETENTION_MS, EXPORT_ROWS_MAX } from './limits.ts';
import type { AnalyticsReads, TransferTables, OperatorRef } from './ports.ts';

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
  /** The owning domains' reads of transfers, payment orders, room orders and hands. */
  readonly reads: AnalyticsReads;
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
    op: OperatorRef,
    kind: ExportKind,
    period: { fromMs: number; toMs: number; utcOffsetMinutes?: number },
    meta: { requestId: string; ip: string },
  ): Promise<ExportResult> {
    if (!op.roles.some((r) => EXPORT_ROLES[kind].includes(r))) {
      throw new AppError(AnalyticsErrors.ANALYTICS_EXPORT_ROLE_MISSING, { kind, needs: [...EXPORT_ROLES[kind]] });
    }
    this.checkPeriod(period.fromMs, period.toMs);
    const toMs = Math.min(period.toMs, this.#o.clock.nowMs() + 1);
    const reads = this.#o.reads;
    const offset = period.utcOffsetMinutes ?? 0;
    const time: TimeText = (ms) => isoTime(ms, offset);
    const lines =
      kind === 'transfers'
        ? await transfersCsv(reads.transfers, period.fromMs, toMs, time)
        : kind === 'orders'
          ? await ordersCsv(reads, period.fromMs, toMs, time)
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
    const rooms = this.#o.reads.rooms;
    assertRowsWithin(await rooms.handsCount(fromMs, toMs));
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
      const rows = await rooms.handsAfter(toMs, after, EXPORT_PAGE_ROWS);
      for (const r of rows) {
        const handNumber = r.handNumber;
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
            record = JSON.parse(this.#o.openHand(r.sealed, r.roomId, handNumber)) as typeof record;
            opened = true;
          } catch {
            // A record that does not open is exported with its hashes and flagged, never skipped.
          }
        }
        out.push(
          csvLine([
            r.roomId,
            r.roomCode,
            handNumber,
            time(r.createdAtMs),
            opened ? (record.aborted ?? false) : 'unreadable',
            record.serverCommitment ?? null,
            record.serverSeed ?? null,
            record.clientSeed ?? null,
            opened ? JSON.stringify(record.players ?? []) : null,
            opened ? JSON.stringify(record.actions ?? []) : null,
            opened ? JSON.stringify(record.result ?? null) : null,
            r.recordHash,
            r.chainHash,
          ]),
        );
      }
      const last = rows[rows.length - 1];
      if (rows.length < EXPORT_PAGE_ROWS || last === undefined) return out;
      after = { at: last.createdAtMs, room: last.roomId, hand: last.handNumber };
    }
  }
}

function assertRowsWithin(n: number): void {
  if (n > EXPORT_ROWS_MAX) throw new AppError(AnalyticsErrors.ANALYTICS_EXPORT_TOO_LARGE, { rows: n, rowsMax: EXPORT_ROWS_MAX });
}

/** The first transfer seq at or after `atMs` (minus the slack), by binary search over the primary key. */
async function seqAtOrAfter(transfers: TransferTables, atMs: number): Promise<number> {
  // The highest seq, not a chain head: with several chain shards seqs interleave and leave gaps.
  let lo = 1;
  let hi = (await transfers.maxSeq()) + 1;
  // Bounded: at most 64 halvings of a safe-integer range.
  for (let i = 0; i < 64 && lo < hi; i++) {
    const mid = Math.floor((lo + hi) / 2);
    const at = (await transfers.createdAtFrom(mid)) ?? Number.MAX_SAFE_INTEGER;
    if (at < atMs - SEQ_TIME_SLACK_MS) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function transfersCsv(transfers: TransferTables, fromMs: number, toMs: number, time: TimeText): Promise<string[]> {
  const firstSeq = await seqAtOrAfter(transfers, fromMs);
  const endSeq = await seqAtOrAfter(transfers, toMs + 2 * SEQ_TIME_SLACK_MS);
  assertRowsWithin(await transfers.countIn(firstSeq, endSeq, fromMs, toMs));
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
    const rows = await transfers.pageIn(afterSeq, endSeq, fromMs, toMs, EXPORT_PAGE_ROWS);
    for (const r of rows) {
      const money = r.asset === 'CNY' || r.asset === 'BONUS';
      out.push(
        csvLine([
          r.seq,
          r.id,
          time(r.createdAtMs),
          r.debitAccount,
          r.creditAccount,
          r.asset,
          r.amount,
          money ? yuanText(r.amount) : null,
          r.code,
          r.kind,
          r.pendingId,
          r.metadata,
          r.hash,
        ]),
      );
    }
    const last = rows[rows.length - 1];
    if (rows.length < EXPORT_PAGE_ROWS || last === undefined) return out;
    afterSeq = last.seq;
  }
}

interface OrderLine {
  readonly createdAtMs: number;
  readonly cells: Cell[];
}

async function ordersCsv(reads: AnalyticsReads, fromMs: number, toMs: number, time: TimeText): Promise<string[]> {
  const total = (await reads.payments.ordersCount(fromMs, toMs)) + (await reads.rooms.ordersCount(fromMs, toMs));
  if (total > EXPORT_ROWS_MAX) throw new AppError(AnalyticsErrors.ANALYTICS_EXPORT_TOO_LARGE, { rows: total, rowsMax: EXPORT_ROWS_MAX });
  const lines: OrderLine[] = [];
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

  for (const r of await reads.payments.orders(fromMs, toMs)) {
    line(r.createdAtMs, r.kind, r.id, r.playerId, r.amountFen, r.state, r.providerRef, r.updatedAtMs, r.finishedAtMs, r.detail);
  }
  for (const r of await reads.rooms.orders(fromMs, toMs)) {
    line(
      r.createdAtMs,
      `room_${r.kind}`,
      r.orderId,
      r.playerId,
      r.cashFen,
      r.status,
      r.roomId,
      r.updatedAtMs,
      null,
      `mode=${r.mode};cards=${r.cards};points=${r.points};commission_fen=${r.commissionFen}`,
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
