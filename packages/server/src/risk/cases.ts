// Review cases: opened by a severe signal, a held withdrawal or an escalated complaint; their
// evidence and event trail; an operator's approve, reject, restrict, ban, note or close (audited).
import { AppError, newId } from '@fairground/core';
import type { OperatorActor } from '../accounts/index.ts';
import type { Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { RiskErrors } from './errors.ts';
import { EVIDENCE_TRANSFERS_MAX, PAGE_MAX } from './limits.ts';
import type { RequestMeta } from './ports.ts';
import {
  BAN_ACTIONS,
  type CaseAction,
  type CaseDetail,
  type CaseKind,
  type CaseStatus,
  type CaseSummary,
  evidenceJson,
  RESTRICT_DEFAULT_ACTIONS,
  type RiskOptions,
  type RiskParts,
  type Row,
  SYSTEM,
  toCase,
} from './model.ts';

export class Cases {
  readonly #o: RiskOptions;
  readonly #p: RiskParts;

  constructor(o: RiskOptions, p: RiskParts) {
    this.#o = o;
    this.#p = p;
  }

  async openCase(
    tx: Tx,
    c: { playerId: string; kind: CaseKind; score: number; amountFen: number | null; summary: string; evidence: unknown },
  ): Promise<string> {
    const id = newId('case');
    await tx.run(
      'INSERT INTO risk_cases (id, player_id, kind, status, score, amount_fen, summary, evidence, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, c.playerId, c.kind, 'open', c.score, c.amountFen, c.summary.slice(0, 300), evidenceJson(c.evidence), tx.nowMs, tx.nowMs],
    );
    await this.caseEvent(tx, id, SYSTEM, 'opened', c.summary, { score: c.score });
    return id;
  }

  async caseEvent(
    tx: Tx,
    caseId: string,
    actor: { kind: string; id: string | null; name: string },
    action: string,
    note: string | null,
    data: unknown = {},
  ): Promise<void> {
    const count = await tx.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM risk_case_events WHERE case_id = ?', [caseId]);
    await tx.run(
      'INSERT INTO risk_case_events (id, case_id, actor_kind, actor_id, actor_name, action, note, data, at_ms, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [newId('ce'), caseId, actor.kind, actor.id, actor.name, action, note, evidenceJson(data), tx.nowMs, intFromDb(count[0]?.n ?? 0) + 1],
    );
  }

  async listCases(q: { status?: CaseStatus; playerId?: string; limit?: number }): Promise<CaseSummary[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.status) {
      where.push('status = ?');
      params.push(q.status);
    }
    if (q.playerId) {
      where.push('player_id = ?');
      params.push(q.playerId);
    }
    params.push(Math.min(q.limit ?? 50, PAGE_MAX));
    const rows = await this.#o.store.reader.query<Row>(
      `SELECT * FROM risk_cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at_ms DESC, id LIMIT ?`,
      params,
    );
    return rows.map(toCase);
  }

  async getCase(caseId: string): Promise<CaseDetail> {
    const rows = await this.#o.store.reader.query<Row>('SELECT * FROM risk_cases WHERE id = ?', [caseId]);
    const row = rows[0];
    if (!row) throw new AppError(RiskErrors.RISK_CASE_NOT_FOUND, { caseId });
    const c = toCase(row);
    const [events, signals, complaints, restrictions, credit, transfers] = await Promise.all([
      this.#o.store.reader.query<Row>('SELECT * FROM risk_case_events WHERE case_id = ? ORDER BY at_ms, n, id', [caseId]),
      this.#p.signals.signalsOf(c.playerId, c.createdAtMs - 30 * 24 * 3600 * 1000),
      this.#p.complaints.complaints({ targetPlayerId: c.playerId }),
      this.#p.restrictions.restrictions(c.playerId),
      this.#p.credit.credit(c.playerId),
      this.#o.ledger.history({ ownerKind: 'player', ownerId: c.playerId, limit: EVIDENCE_TRANSFERS_MAX }),
    ]);
    return {
      ...c,
      evidence: JSON.parse(row.evidence as string) as unknown,
      events: events.map((e) => ({
        id: e.id as string,
        actorKind: e.actor_kind as string,
        actorName: e.actor_name as string,
        action: e.action as string,
        note: (e.note as string | null) ?? null,
        data: JSON.parse(e.data as string) as unknown,
        atMs: intFromDb(e.at_ms),
      })),
      signals,
      transfers: transfers.items,
      complaints,
      restrictions,
      credit,
    };
  }

  /**
   * A withdrawal decided in the payments review (提现审核): the open withdrawal case its assessment
   * opened (same player and amount, opened at or before the request) takes the same decision, in the
   * decision's own unit of work, so 风控审核 does not keep showing it as waiting.
   */
  async withdrawalDecided(
    tx: Tx,
    w: {
      playerId: string;
      withdrawalId: string;
      amountFen: number;
      createdAtMs: number;
      decision: 'approve' | 'reject';
      operator: { id: string; username: string };
      note: string;
    },
  ): Promise<void> {
    const rows = await tx.query<{ id: string }>(
      "SELECT id FROM risk_cases WHERE player_id = ? AND kind = 'withdrawal' AND status = 'open' AND amount_fen = ? AND created_at_ms <= ? ORDER BY created_at_ms DESC, id LIMIT 1",
      [w.playerId, w.amountFen, w.createdAtMs],
    );
    const caseId = rows[0]?.id;
    if (caseId === undefined) return;
    const status: CaseStatus = w.decision === 'approve' ? 'approved' : 'rejected';
    await tx.run('UPDATE risk_cases SET status = ?, decided_by = ?, decided_at_ms = ?, updated_at_ms = ? WHERE id = ?', [
      status,
      w.operator.username,
      tx.nowMs,
      tx.nowMs,
      caseId,
    ]);
    await this.caseEvent(tx, caseId, { kind: 'operator', id: w.operator.id, name: w.operator.username }, w.decision, w.note, {
      withdrawals: [w.withdrawalId],
      via: 'withdrawal_review',
    });
  }

  /** An operator's action on a case: approve or reject its withdrawal, restrict or ban the player, close it, or note. Audited. */
  async actOnCase(
    caseId: string,
    op: OperatorActor,
    action: CaseAction,
    note: string,
    meta: RequestMeta,
    options: { days?: number } = {},
  ): Promise<CaseDetail> {
    const before = await this.getCase(caseId);
    if (before.status !== 'open' && action !== 'note') throw new AppError(RiskErrors.RISK_CASE_CLOSED, { status: before.status });
    if ((action === 'approve' || action === 'reject') && before.kind !== 'withdrawal' && before.kind !== 'signal')
      throw new AppError(RiskErrors.RISK_ACTION_INVALID, { action, kind: before.kind });
    // The payments domain decides the withdrawal first (its own unit and audit); the case records it.
    const { touched, decidedThroughPayments } =
      (action === 'approve' || action === 'reject') && before.kind === 'withdrawal'
        ? await this.#decideWithdrawal(before, op, action, note, meta)
        : { touched: [], decidedThroughPayments: false };
    const status: CaseStatus | null =
      action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : action === 'close' || action === 'ban' ? 'closed' : null;
    const actor = { kind: 'operator', id: op.operatorId, name: op.username };
    await this.#o.store.unitOfWork(
      async (tx) => {
        if (action === 'restrict' || action === 'ban') {
          await this.#p.restrictions.restrictIn(tx, {
            playerId: before.playerId,
            kind: action === 'ban' ? 'ban' : 'restrict',
            actions: action === 'ban' ? BAN_ACTIONS : RESTRICT_DEFAULT_ACTIONS,
            reason: note,
            caseId,
            createdBy: op.username,
            untilMs: options.days ? tx.nowMs + options.days * 24 * 3600 * 1000 : null,
          });
        }
        if (action === 'approve' && before.kind === 'signal') {
          // Approving a signal case clears the automatic restriction it placed.
          await tx.run('UPDATE risk_restrictions SET lifted_at_ms = ?, lifted_by = ? WHERE case_id = ? AND lifted_at_ms IS NULL', [
            tx.nowMs,
            op.username,
            caseId,
          ]);
        }
        if (status) {
          await tx.run('UPDATE risk_cases SET status = ?, decided_by = ?, decided_at_ms = ?, updated_at_ms = ? WHERE id = ?', [
            status,
            op.username,
            tx.nowMs,
            tx.nowMs,
            caseId,
          ]);
        } else {
          await tx.run('UPDATE risk_cases SET updated_at_ms = ? WHERE id = ?', [tx.nowMs, caseId]);
        }
        // The payments decision already wrote this case's event (withdrawalDecided), so it is not written twice.
        if (!decidedThroughPayments)
          await this.caseEvent(tx, caseId, actor, action, note, { withdrawals: touched, ...(options.days ? { days: options.days } : {}) });
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: `risk.case_${action}`,
          target: { kind: 'player', id: before.playerId },
          reason: note,
          before: { caseId, status: before.status },
          after: { caseId, status: status ?? before.status, withdrawals: touched },
          requestId: meta.requestId,
          ip: meta.ip,
        });
      },
      { label: 'risk.actOnCase' },
    );
    return this.getCase(caseId);
  }

  /**
   * Approves or rejects, through payments, the withdrawal in review that this case holds (the same
   * amount, requested no earlier than the case opened). Returns the withdrawals decided, and whether
   * the decision already decided this case (payments' `withdrawalDecided` in its own unit).
   */
  async #decideWithdrawal(
    before: CaseDetail,
    op: OperatorActor,
    action: 'approve' | 'reject',
    note: string,
    meta: RequestMeta,
  ): Promise<{ touched: string[]; decidedThroughPayments: boolean }> {
    const touched: string[] = [];
    const waiting = await this.#o.withdrawals.inReview(before.playerId);
    for (const w of waiting) {
      if (w.amountFen !== before.amountFen || w.createdAtMs < before.createdAtMs) continue;
      if (action === 'approve') await this.#o.withdrawals.approve(op, w.id, note, meta);
      else await this.#o.withdrawals.reject(op, w.id, note, meta);
      touched.push(w.id);
      break;
    }
    // The decision decides its case in the same unit (withdrawalDecided), normally this one; when
    // it was another open case of the same amount, this one is still recorded below.
    const now = await this.#o.store.reader.query<{ status: string }>('SELECT status FROM risk_cases WHERE id = ?', [before.id]);
    return { touched, decidedThroughPayments: now[0]?.status !== 'open' };
  }
}
