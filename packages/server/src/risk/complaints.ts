// Complaints players file against players or rooms: filed, upheld or dismissed by support (an
// upheld one costs the target credit), escalated to a case, and the complaint rate of the metrics.
import { AppError, newId } from '@fairground/core';
import type { OperatorActor } from '../accounts/index.ts';
import type { Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { RiskErrors } from './errors.ts';
import { OPEN_COMPLAINTS_PER_PLAYER_MAX, PAGE_MAX } from './limits.ts';
import type { RequestMeta } from './ports.ts';
import { type CaseDetail, type Complaint, type RiskOptions, type RiskParts, type Row, toComplaint } from './model.ts';

export class Complaints {
  readonly #o: RiskOptions;
  readonly #p: RiskParts;

  constructor(o: RiskOptions, p: RiskParts) {
    this.#o = o;
    this.#p = p;
  }

  async insertComplaint(
    tx: Tx,
    c: { reporterId: string; targetPlayerId: string | null; roomId: string | null; reason: string; text: string },
  ): Promise<string> {
    const open = await tx.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM risk_complaints WHERE reporter_id = ? AND status = 'open'", [
      c.reporterId,
    ]);
    if (intFromDb(open[0]?.n ?? 0) >= OPEN_COMPLAINTS_PER_PLAYER_MAX) throw new AppError(RiskErrors.COMPLAINTS_TOO_MANY);
    const id = newId('cpl');
    await tx.run(
      'INSERT INTO risk_complaints (id, reporter_id, target_player_id, room_id, reason, text, status, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [id, c.reporterId, c.targetPlayerId, c.roomId, c.reason.slice(0, 64), c.text, 'open', tx.nowMs],
    );
    return id;
  }

  async fileComplaint(
    reporterId: string,
    c: { targetPlayerId?: string; roomId?: string; reason: string; text: string },
  ): Promise<Complaint> {
    if (c.targetPlayerId === undefined && c.roomId === undefined) throw new AppError(RiskErrors.COMPLAINT_TARGET_REQUIRED);
    if (c.targetPlayerId === reporterId) throw new AppError(RiskErrors.COMPLAINT_SELF);
    const id = await this.#o.store.unitOfWork(
      async (tx) => {
        const cid = await this.insertComplaint(tx, {
          reporterId,
          targetPlayerId: c.targetPlayerId ?? null,
          roomId: c.roomId ?? null,
          reason: c.reason,
          text: c.text,
        });
        await this.#o.analytics.append(tx, {
          kind: 'complaint_filed',
          actor: { kind: 'player', id: reporterId },
          data: { complaintId: cid, roomId: c.roomId ?? null },
        });
        return cid;
      },
      { label: 'risk.fileComplaint' },
    );
    return this.getComplaint(id);
  }

  async getComplaint(id: string): Promise<Complaint> {
    const rows = await this.#o.store.reader.query<Row>('SELECT * FROM risk_complaints WHERE id = ?', [id]);
    if (!rows[0]) throw new AppError(RiskErrors.COMPLAINT_NOT_FOUND, { complaintId: id });
    return toComplaint(rows[0]);
  }

  async complaints(q: {
    status?: Complaint['status'];
    targetPlayerId?: string;
    reporterId?: string;
    limit?: number;
  }): Promise<Complaint[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    for (const [col, v] of [
      ['status', q.status],
      ['target_player_id', q.targetPlayerId],
      ['reporter_id', q.reporterId],
    ] as const) {
      if (v === undefined) continue;
      where.push(`${col} = ?`);
      params.push(v);
    }
    params.push(Math.min(q.limit ?? 50, PAGE_MAX));
    const rows = await this.#o.store.reader.query<Row>(
      `SELECT * FROM risk_complaints ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at_ms DESC, id LIMIT ?`,
      params,
    );
    return rows.map(toComplaint);
  }

  /** Support upholds or dismisses a complaint. Upheld: the target's credit drops, and enough upheld complaints fire a signal. */
  async resolveComplaint(
    id: string,
    op: OperatorActor,
    outcome: 'upheld' | 'dismissed',
    note: string,
    meta: RequestMeta,
  ): Promise<Complaint> {
    const done = await this.#o.store.unitOfWork(
      async (tx) => {
        const n = await tx.run(
          "UPDATE risk_complaints SET status = ?, resolution_note = ?, handled_by = ?, handled_at_ms = ? WHERE id = ? AND status = 'open'",
          [outcome, note, op.username, tx.nowMs, id],
        );
        if (n === 0) return false;
        const row = (await tx.query<Row>('SELECT * FROM risk_complaints WHERE id = ?', [id]))[0]!;
        const target = (row.target_player_id as string | null) ?? null;
        if (outcome === 'dismissed') {
          // Reports dismissed again and again are harassment, not vigilance: past the configured
          // count in the window, each further dismissal costs the reporter credit.
          const reporter = row.reporter_id as string;
          const dismissed = await tx.query<{ n: unknown }>(
            "SELECT COUNT(*) AS n FROM risk_complaints WHERE reporter_id = ? AND status = 'dismissed' AND handled_at_ms >= ?",
            [reporter, tx.nowMs - this.#o.config.signals.complaints_upheld.windowMs],
          );
          if (intFromDb(dismissed[0]?.n ?? 0) >= this.#o.config.complaints.dismissedForPenalty)
            await this.#p.credit.adjustCredit(tx, reporter, this.#o.config.credit.dismissedReports, 'reports_dismissed', id);
        }
        if (outcome === 'upheld' && target !== null) {
          await this.#p.credit.adjustCredit(tx, target, this.#o.config.credit.upheldReport, 'report_upheld', id);
          const upheld = await tx.query<{ n: unknown }>(
            "SELECT COUNT(*) AS n FROM risk_complaints WHERE target_player_id = ? AND status = 'upheld' AND handled_at_ms >= ?",
            [target, tx.nowMs - this.#o.config.signals.complaints_upheld.windowMs],
          );
          await this.#p.signals.recordSignal(tx, {
            playerId: target,
            kind: 'complaints_upheld',
            value: intFromDb(upheld[0]?.n ?? 0),
            subject: { kind: 'complaint', id },
          });
        }
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: `risk.complaint_${outcome}`,
          target: target ? { kind: 'player', id: target } : { kind: 'complaint', id },
          reason: note,
          before: { complaintId: id, status: 'open' },
          after: { complaintId: id, status: outcome },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        return true;
      },
      { label: 'risk.resolveComplaint' },
    );
    if (!done) {
      await this.getComplaint(id);
      throw new AppError(RiskErrors.COMPLAINT_ALREADY_HANDLED);
    }
    return this.getComplaint(id);
  }

  /** Support escalates a complaint to a review case about its target, with the complaint as evidence (audited). */
  async escalateComplaint(id: string, op: OperatorActor, note: string, meta: RequestMeta): Promise<CaseDetail> {
    const c = await this.getComplaint(id);
    if (c.targetPlayerId === null) throw new AppError(RiskErrors.RISK_ACTION_INVALID, { reason: 'the complaint names no player' });
    const target = c.targetPlayerId;
    const score = (await this.#p.signals.score(target)).score;
    const caseId = await this.#o.store.unitOfWork(
      async (tx) => {
        const caseId = await this.#p.cases.openCase(tx, {
          playerId: target,
          kind: 'complaint',
          score,
          amountFen: null,
          summary: `complaint ${c.reason} escalated by support`,
          evidence: { complaint: c },
        });
        await this.#p.cases.caseEvent(tx, caseId, { kind: 'operator', id: op.operatorId, name: op.username }, 'escalated', note, {
          complaintId: id,
        });
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'risk.complaint_escalate',
          target: { kind: 'player', id: target },
          reason: note,
          after: { complaintId: id, caseId },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        return caseId;
      },
      { label: 'risk.escalateComplaint' },
    );
    return this.#p.cases.getCase(caseId);
  }

  /**
   * The complaint rate of the seed's operating metrics: rooms complained about per thousand rooms
   * created since `fromMs`. Rooms are counted from the analytics log.
   */
  async complaintRate(fromMs: number): Promise<{ rooms: number; roomsComplained: number; ratePermille: number; alert: boolean }> {
    const complained = await this.#o.store.reader.query<{ n: unknown }>(
      'SELECT COUNT(DISTINCT room_id) AS n FROM risk_complaints WHERE room_id IS NOT NULL AND created_at_ms >= ?',
      [fromMs],
    );
    let rooms = 0;
    let after = 0;
    for (let page = 0; page < 50; page++) {
      const events = await this.#o.analytics.list({ kind: 'room_created', afterSeq: after, limit: 200 });
      rooms += events.filter((e) => e.atMs >= fromMs).length;
      if (events.length < 200) break;
      after = events[events.length - 1]!.seq;
    }
    const roomsComplained = intFromDb(complained[0]?.n ?? 0);
    const ratePermille = rooms > 0 ? Math.round((roomsComplained * 1000) / rooms) : 0;
    return { rooms, roomsComplained, ratePermille, alert: ratePermille > this.#o.config.complaints.roomRateAlertPermille };
  }
}
