// The risk domain: signals with evidence, a score per player that decides withdrawals (straight
// through, review, block), review cases with an audit trail, restrictions, the credit score the
// rooms ask before creating or joining, and complaints. Weights, thresholds and credit rules come
// from the risk configuration; legal limits stay in the compliance policy.
import { AppError, type Clock, newId } from '@fairground/core';
import type { AuditLog } from '../admin/index.ts';
import type { Analytics } from '../analytics/index.ts';
import type { ComplianceAction } from '../compliance/index.ts';
import type { OperatorActor } from '../http/actors.ts';
import type { HistoryItem, Ledger } from '../ledger/index.ts';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { type HandSummary, judgePairs } from './collusion.ts';
import type { RiskConfig, SignalKind } from './config.ts';
import { RiskErrors } from './errors.ts';
import { EVIDENCE_BYTES_MAX, EVIDENCE_TRANSFERS_MAX, OPEN_COMPLAINTS_PER_PLAYER_MAX, PAGE_MAX, SIGNALS_PER_SCORE_MAX } from './limits.ts';
import type { GateAction, GateDecision, RequestMeta, WithdrawalReviews } from './ports.ts';
import { judgeTiming, timingFeatures } from './timing.ts';

/** What a restriction blocks when an operator does not list actions: money out and play. */
export const RESTRICT_DEFAULT_ACTIONS: readonly ComplianceAction[] = [
  'withdraw',
  'create_room',
  'join_room',
  'start_paid_session',
  'enter_tournament',
];
/** A ban blocks every money and play action; the balance stays frozen until an operator lifts it. */
export const BAN_ACTIONS: readonly ComplianceAction[] = [
  'deposit',
  'withdraw',
  'buy_room_cards',
  'create_room',
  'join_room',
  'start_paid_session',
  'start_free_session',
  'enter_tournament',
  'redeem_points',
];
/** Ledger codes that count as play when measuring deposits played through. */
const PLAY_CODES = new Set(['entry_fee', 'room_fee', 'room_card_purchase', 'escrow']);

export type CaseKind = 'withdrawal' | 'signal' | 'complaint';
export type CaseStatus = 'open' | 'approved' | 'rejected' | 'closed';
export type CaseAction = 'approve' | 'reject' | 'restrict' | 'ban' | 'note' | 'close';

export interface Signal {
  readonly id: string;
  readonly playerId: string;
  readonly kind: SignalKind;
  readonly value: number;
  readonly subject: { readonly kind: string; readonly id: string } | null;
  readonly evidence: unknown;
  readonly createdAtMs: number;
}

export interface ScoreView {
  readonly score: number;
  readonly decision: 'allow' | 'review' | 'block';
  readonly signals: readonly (Signal & { readonly weight: number })[];
}

export interface Restriction {
  readonly id: string;
  readonly playerId: string;
  readonly kind: 'restrict' | 'ban';
  readonly actions: readonly ComplianceAction[];
  readonly reason: string;
  readonly caseId: string | null;
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly untilMs: number | null;
}

export interface CaseSummary {
  readonly id: string;
  readonly playerId: string;
  readonly kind: CaseKind;
  readonly status: CaseStatus;
  readonly score: number;
  readonly amountFen: number | null;
  readonly summary: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly decidedBy: string | null;
}

export interface CaseEvent {
  readonly id: string;
  readonly actorKind: string;
  readonly actorName: string;
  readonly action: string;
  readonly note: string | null;
  readonly data: unknown;
  readonly atMs: number;
}

export interface CaseDetail extends CaseSummary {
  readonly evidence: unknown;
  readonly events: readonly CaseEvent[];
  readonly signals: readonly Signal[];
  readonly transfers: readonly HistoryItem[];
  readonly complaints: readonly Complaint[];
  readonly restrictions: readonly Restriction[];
  readonly credit: number;
}

export interface Complaint {
  readonly id: string;
  readonly reporterId: string;
  readonly targetPlayerId: string | null;
  readonly roomId: string | null;
  readonly reason: string;
  readonly text: string;
  readonly status: 'open' | 'upheld' | 'dismissed';
  readonly resolutionNote: string | null;
  readonly handledBy: string | null;
  readonly createdAtMs: number;
  readonly handledAtMs: number | null;
}

/** The signals rooms send (the rooms port's shape). */
export type RoomSignal =
  | { readonly kind: 'early_exit'; readonly playerId: string; readonly roomId: string; readonly reason: string }
  | {
      readonly kind: 'report_filed';
      readonly playerId: string;
      readonly roomId: string;
      readonly targetPlayerId: string | null;
      readonly reason: string;
    }
  | { readonly kind: 'same_ip_blocked'; readonly playerId: string; readonly roomId: string }
  | { readonly kind: 'same_ip_dissolved'; readonly roomId: string; readonly playerIds: readonly string[] }
  | { readonly kind: 'identity_check_failed'; readonly playerId: string; readonly roomId: string };

export interface RiskOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: RiskConfig;
  readonly ledger: Pick<Ledger, 'history'>;
  readonly audit: AuditLog;
  readonly analytics: Analytics;
  /** The address a player's latest request came from (compliance keeps it). */
  readonly addressOf: (playerId: string) => string | null;
  /** Withdrawals waiting for review in the payments domain: a withdrawal case's approve and reject decide them. */
  readonly withdrawals: WithdrawalReviews;
}

function evidenceJson(value: unknown): string {
  const text = JSON.stringify(value ?? {});
  if (text.length > EVIDENCE_BYTES_MAX) return JSON.stringify({ truncated: true, head: text.slice(0, EVIDENCE_BYTES_MAX - 100) });
  return text;
}

type Row = Record<string, unknown>;

function toSignal(r: Row): Signal {
  return {
    id: r.id as string,
    playerId: r.player_id as string,
    kind: r.kind as SignalKind,
    value: intFromDb(r.value),
    subject: r.subject_kind ? { kind: r.subject_kind as string, id: r.subject_id as string } : null,
    evidence: JSON.parse(r.evidence as string) as unknown,
    createdAtMs: intFromDb(r.created_at_ms),
  };
}

function toCase(r: Row): CaseSummary {
  return {
    id: r.id as string,
    playerId: r.player_id as string,
    kind: r.kind as CaseKind,
    status: r.status as CaseStatus,
    score: intFromDb(r.score),
    amountFen: intOrNullFromDb(r.amount_fen),
    summary: r.summary as string,
    createdAtMs: intFromDb(r.created_at_ms),
    updatedAtMs: intFromDb(r.updated_at_ms),
    decidedBy: (r.decided_by as string | null) ?? null,
  };
}

function toRestriction(r: Row): Restriction {
  return {
    id: r.id as string,
    playerId: r.player_id as string,
    kind: r.kind === 'ban' ? 'ban' : 'restrict',
    actions: JSON.parse(r.actions as string) as ComplianceAction[],
    reason: r.reason as string,
    caseId: (r.case_id as string | null) ?? null,
    createdBy: r.created_by as string,
    createdAtMs: intFromDb(r.created_at_ms),
    untilMs: intOrNullFromDb(r.until_ms),
  };
}

function toComplaint(r: Row): Complaint {
  return {
    id: r.id as string,
    reporterId: r.reporter_id as string,
    targetPlayerId: (r.target_player_id as string | null) ?? null,
    roomId: (r.room_id as string | null) ?? null,
    reason: r.reason as string,
    text: r.text as string,
    status: r.status as Complaint['status'],
    resolutionNote: (r.resolution_note as string | null) ?? null,
    handledBy: (r.handled_by as string | null) ?? null,
    createdAtMs: intFromDb(r.created_at_ms),
    handledAtMs: intOrNullFromDb(r.handled_at_ms),
  };
}

const SYSTEM = { kind: 'system', id: null, name: 'risk-engine' } as const;

export class Risk {
  readonly #o: RiskOptions;

  constructor(options: RiskOptions) {
    this.#o = options;
  }

  get config(): RiskConfig {
    return this.#o.config;
  }

  // ------------------------------------------------------------------ signals and score

  /**
   * Records a signal in the caller's unit when its value reaches the configured threshold.
   * A severe signal also restricts the player and opens a case. Returns the signal id or null.
   */
  async recordSignal(
    tx: Tx,
    s: { playerId: string; kind: SignalKind; value: number; subject?: { kind: string; id: string }; evidence?: unknown },
  ): Promise<string | null> {
    const rule = this.#o.config.signals[s.kind];
    if (s.value < rule.threshold) return null;
    const id = newId('sig');
    await tx.run(
      'INSERT INTO risk_signals (id, player_id, kind, value, subject_kind, subject_id, evidence, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [id, s.playerId, s.kind, s.value, s.subject?.kind ?? null, s.subject?.id ?? null, evidenceJson(s.evidence), tx.nowMs],
    );
    if (rule.severity === 'severe') {
      const caseId = await this.#openCase(tx, {
        playerId: s.playerId,
        kind: 'signal',
        score: rule.weight,
        amountFen: null,
        summary: `severe signal ${s.kind}`,
        evidence: { signalId: id, kind: s.kind, value: s.value, subject: s.subject ?? null, detail: s.evidence ?? null },
      });
      await this.#restrictIn(tx, {
        playerId: s.playerId,
        kind: 'restrict',
        actions: RESTRICT_DEFAULT_ACTIONS,
        reason: `automatic: severe signal ${s.kind}, pending review`,
        caseId,
        createdBy: SYSTEM.name,
        untilMs: null,
      });
    }
    return id;
  }

  async signalsOf(playerId: string, sinceMs = 0): Promise<Signal[]> {
    const rows = await this.#o.store.reader.query<Row>(
      'SELECT * FROM risk_signals WHERE player_id = ? AND created_at_ms >= ? ORDER BY created_at_ms DESC, id LIMIT ?',
      [playerId, sinceMs, SIGNALS_PER_SCORE_MAX],
    );
    return rows.map(toSignal);
  }

  /** The player's score: the weights of the distinct signal kinds fired within each kind's window. */
  async score(playerId: string): Promise<ScoreView> {
    const nowMs = this.#o.clock.nowMs();
    const all = await this.signalsOf(playerId);
    const counted = new Map<SignalKind, Signal & { weight: number }>();
    for (const s of all) {
      const rule = this.#o.config.signals[s.kind];
      if (rule === undefined || nowMs - s.createdAtMs > rule.windowMs) continue;
      if (!counted.has(s.kind)) counted.set(s.kind, { ...s, weight: rule.weight });
    }
    const score = [...counted.values()].reduce((t, s) => t + s.weight, 0);
    const w = this.#o.config.withdrawal;
    return {
      score,
      decision: score >= w.blockAtScore ? 'block' : score >= w.reviewAtScore ? 'review' : 'allow',
      signals: [...counted.values()],
    };
  }

  /** Judges a skill session's input timing; records `bot_timing` when it looks like a machine. */
  async ingestTiming(playerId: string, sessionId: string, intervalsMs: readonly number[]): Promise<boolean> {
    const f = timingFeatures(intervalsMs, this.#o.config.timing.humanFloorMs);
    const verdict = judgeTiming(f, this.#o.config.timing);
    if (verdict.kind !== 'bot') return false;
    await this.#o.store.unitOfWork(
      (tx) =>
        this.recordSignal(tx, {
          playerId,
          kind: 'bot_timing',
          value: 1,
          subject: { kind: 'skill_session', id: sessionId },
          evidence: { features: f, reasons: verdict.reasons },
        }),
      { label: 'risk.ingestTiming' },
    );
    return true;
  }

  /** Judges a batch of hands for collusion; records soft play, frequent pairs and one-way flows. */
  async ingestHands(hands: readonly HandSummary[]): Promise<{ softPlayPairs: number }> {
    const verdicts = judgePairs(hands, this.#o.config.collusion);
    let softPlayPairs = 0;
    await this.#o.store.unitOfWork(
      async (tx) => {
        for (const v of verdicts) {
          const evidence = {
            pair: [v.a, v.b],
            hands: v.hands,
            avoidancePermille: v.avoidancePermille,
            avoidanceZPermille: v.avoidanceZPermille,
            overlapPermille: v.overlapPermille,
            oneWayPermille: v.oneWayPermille,
          };
          for (const [me, other] of [
            [v.a, v.b],
            [v.b, v.a],
          ] as const) {
            const subject = { kind: 'player', id: other };
            if (v.softPlay) await this.recordSignal(tx, { playerId: me, kind: 'soft_play', value: 1, subject, evidence });
            if (v.frequent) await this.recordSignal(tx, { playerId: me, kind: 'frequent_pair', value: 1, subject, evidence });
            if (v.chipDumping) await this.recordSignal(tx, { playerId: me, kind: 'chip_dumping', value: 1, subject, evidence });
          }
          if (v.softPlay) softPlayPairs += 1;
        }
      },
      { label: 'risk.ingestHands' },
    );
    return { softPlayPairs };
  }

  // ------------------------------------------------------------------ rooms' ports

  /** The rooms port: signals from rooms, in the rooms' unit of work. */
  async recordRoomSignal(tx: Tx, signal: RoomSignal): Promise<void> {
    const c = this.#o.config.credit;
    switch (signal.kind) {
      case 'early_exit':
        await this.#adjustCredit(tx, signal.playerId, c.earlyExit, 'early_exit', signal.roomId);
        return;
      case 'identity_check_failed':
        await this.#adjustCredit(tx, signal.playerId, c.identityCheckFailed, 'identity_check_failed', signal.roomId);
        await this.recordSignal(tx, {
          playerId: signal.playerId,
          kind: 'identity_check_failed',
          value: 1,
          subject: { kind: 'room', id: signal.roomId },
        });
        return;
      case 'report_filed':
        await this.#insertComplaint(tx, {
          reporterId: signal.playerId,
          targetPlayerId: signal.targetPlayerId,
          roomId: signal.roomId,
          reason: signal.reason,
          text: '',
        });
        return;
      case 'same_ip_blocked':
        await this.recordSignal(tx, {
          playerId: signal.playerId,
          kind: 'shared_address',
          value: this.#o.config.signals.shared_address.threshold,
          subject: { kind: 'room', id: signal.roomId },
        });
        return;
      case 'same_ip_dissolved':
        for (const p of signal.playerIds)
          await this.recordSignal(tx, {
            playerId: p,
            kind: 'shared_address',
            value: Math.max(signal.playerIds.length, this.#o.config.signals.shared_address.threshold),
            subject: { kind: 'room', id: signal.roomId },
            evidence: { players: signal.playerIds },
          });
        return;
    }
  }

  /** The rooms port (credit score and restrictions) before creating or joining a room. */
  async allows(playerId: string, action: GateAction): Promise<GateDecision> {
    const r = await this.restrictionFor(playerId, action);
    if (r) return { allow: false, ...r };
    const credit = await this.credit(playerId);
    const min = action === 'create_room' ? this.#o.config.credit.createRoomMin : this.#o.config.credit.joinRoomMin;
    if (credit < min)
      return {
        allow: false,
        code: 'CREDIT_TOO_LOW',
        message: `your credit score ${credit} is below ${min}, needed to ${action === 'create_room' ? 'create' : 'join'} rooms`,
      };
    return { allow: true };
  }

  /** The compliance port: an active restriction that blocks this action, if any. */
  async restrictionFor(playerId: string, action: ComplianceAction): Promise<{ code: string; message: string } | null> {
    // A ban answers before a lesser restriction: the player is told the strongest reason.
    const active = (await this.restrictions(playerId)).sort((x, y) => (x.kind === y.kind ? 0 : x.kind === 'ban' ? -1 : 1));
    for (const r of active) {
      if (!r.actions.includes(action)) continue;
      return r.kind === 'ban'
        ? { code: 'PLAYER_BANNED', message: 'this account is banned; contact support' }
        : { code: 'PLAYER_RESTRICTED', message: `this account is restricted (${r.reason}); contact support` };
    }
    return null;
  }

  // ------------------------------------------------------------------ withdrawals

  /** The payments port: whether a withdrawal goes straight through, waits for review, or is refused. Opens a case unless allowed. */
  async assessWithdrawal(input: {
    playerId: string;
    amountFen: number;
    nowMs: number;
  }): Promise<{ action: 'allow' } | { action: 'review'; reasons: string[] } | { action: 'deny'; reasons: string[] }> {
    const cfg = this.#o.config;
    const w = cfg.withdrawal;
    const since = input.nowMs - w.lookbackMs;
    const history = await this.#history(input.playerId, since);
    const deposits = history
      .filter((i) => i.code === 'deposit' && i.direction === 'in' && i.kind === 'posted')
      .reduce((t, i) => t + i.amount, 0);
    const played = history
      .filter((i) => PLAY_CODES.has(i.code) && i.direction === 'out' && (i.kind === 'posted' || i.kind === 'pending'))
      .reduce((t, i) => t + i.amount, 0);
    const address = this.#o.addressOf(input.playerId);
    const recent = await this.#o.store.reader.query<{ amount_fen: unknown; at_ms: unknown }>(
      "SELECT amount_fen, at_ms FROM risk_withdrawals WHERE player_id = ? AND at_ms >= ? AND decision <> 'deny'",
      [input.playerId, input.nowMs - cfg.signals.structuring.windowMs],
    );
    const nearFen = Math.floor((w.perTransactionFenMax * w.nearLimitPermille) / 1000);
    const near =
      recent.filter((r) => intFromDb(r.amount_fen) >= nearFen && intFromDb(r.amount_fen) <= w.perTransactionFenMax).length +
      (input.amountFen >= nearFen && input.amountFen <= w.perTransactionFenMax ? 1 : 0);
    const lastDay = recent.filter((r) => intFromDb(r.at_ms) >= input.nowMs - cfg.signals.withdrawal_velocity.windowMs).length + 1;
    const sharers =
      address === null
        ? []
        : await this.#o.store.reader.query<{ player_id: string }>(
            'SELECT DISTINCT player_id FROM risk_withdrawals WHERE address = ? AND at_ms >= ? AND player_id <> ?',
            [address, input.nowMs - cfg.signals.shared_payout_address.windowMs, input.playerId],
          );
    const notPlayedPermille = deposits > 0 ? Math.max(0, Math.round(((deposits - played) * 1000) / deposits)) : 0;

    const result = await this.#o.store.unitOfWork(
      async (tx) => {
        const subject = { kind: 'withdrawal_request', id: `${input.playerId}:${input.nowMs}` };
        await this.recordSignal(tx, {
          playerId: input.playerId,
          kind: 'deposit_withdraw_no_play',
          value: notPlayedPermille,
          subject,
          evidence: { depositsFen: deposits, playedFen: played },
        });
        await this.recordSignal(tx, {
          playerId: input.playerId,
          kind: 'structuring',
          value: near,
          subject,
          evidence: { nearLimitFen: nearFen, count: near },
        });
        await this.recordSignal(tx, {
          playerId: input.playerId,
          kind: 'withdrawal_velocity',
          value: lastDay,
          subject,
          evidence: { lastDay },
        });
        await this.recordSignal(tx, {
          playerId: input.playerId,
          kind: 'shared_payout_address',
          value: sharers.length + 1,
          subject,
          evidence: { address, players: sharers.map((s) => s.player_id).slice(0, 20) },
        });
        return 'ok';
      },
      { label: 'risk.withdrawalSignals' },
    );
    void result;
    const view = await this.score(input.playerId);
    const reasons = view.signals.map((s) => `${s.kind} (+${s.weight})`);
    const restricted = await this.restrictionFor(input.playerId, 'withdraw');
    let decision: 'allow' | 'review' | 'deny' = view.decision === 'block' ? 'deny' : view.decision;
    if (restricted) {
      decision = 'deny';
      reasons.push(restricted.code);
    }
    if (decision === 'allow' && input.amountFen >= w.reviewFromFen) {
      decision = 'review';
      reasons.push(`amount at or above ${w.reviewFromFen} fen`);
    }
    await this.#o.store.unitOfWork(
      async (tx) => {
        let caseId: string | null = null;
        if (decision !== 'allow') {
          caseId = await this.#openCase(tx, {
            playerId: input.playerId,
            kind: 'withdrawal',
            score: view.score,
            amountFen: input.amountFen,
            summary: `withdrawal of ${input.amountFen} fen: ${decision === 'deny' ? 'blocked' : 'held for review'}`,
            evidence: {
              decision,
              reasons,
              score: view.score,
              depositsFen: deposits,
              playedFen: played,
              address,
              nearLimitCount: near,
              lastDayCount: lastDay,
            },
          });
          if (decision === 'deny')
            await this.#caseEvent(tx, caseId, SYSTEM, 'blocked', 'score at or above the block threshold', { score: view.score });
        }
        await tx.run(
          'INSERT INTO risk_withdrawals (id, player_id, amount_fen, address, decision, score, case_id, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [newId('rw'), input.playerId, input.amountFen, address, decision, view.score, caseId, input.nowMs],
        );
      },
      { label: 'risk.assessWithdrawal' },
    );
    return decision === 'allow' ? { action: 'allow' } : { action: decision, reasons };
  }

  async #history(playerId: string, fromMs: number): Promise<HistoryItem[]> {
    const out: HistoryItem[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const r = await this.#o.ledger.history({
        ownerKind: 'player',
        ownerId: playerId,
        asset: 'CNY',
        fromMs,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      out.push(...r.items);
      if (r.nextCursor === null) break;
      cursor = r.nextCursor;
    }
    return out;
  }

  // ------------------------------------------------------------------ cases

  async #openCase(
    tx: Tx,
    c: { playerId: string; kind: CaseKind; score: number; amountFen: number | null; summary: string; evidence: unknown },
  ): Promise<string> {
    const id = newId('case');
    await tx.run(
      'INSERT INTO risk_cases (id, player_id, kind, status, score, amount_fen, summary, evidence, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, c.playerId, c.kind, 'open', c.score, c.amountFen, c.summary.slice(0, 300), evidenceJson(c.evidence), tx.nowMs, tx.nowMs],
    );
    await this.#caseEvent(tx, id, SYSTEM, 'opened', c.summary, { score: c.score });
    return id;
  }

  async #caseEvent(
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
      this.signalsOf(c.playerId, c.createdAtMs - 30 * 24 * 3600 * 1000),
      this.complaints({ targetPlayerId: c.playerId }),
      this.restrictions(c.playerId),
      this.credit(c.playerId),
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
    const touched: string[] = [];
    if ((action === 'approve' || action === 'reject') && before.kind === 'withdrawal') {
      const waiting = await this.#o.withdrawals.inReview(before.playerId);
      for (const w of waiting) {
        if (w.amountFen !== before.amountFen || w.createdAtMs < before.createdAtMs) continue;
        if (action === 'approve') await this.#o.withdrawals.approve(op, w.id, note, meta);
        else await this.#o.withdrawals.reject(op, w.id, note, meta);
        touched.push(w.id);
        break;
      }
    }
    const status: CaseStatus | null =
      action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : action === 'close' || action === 'ban' ? 'closed' : null;
    const actor = { kind: 'operator', id: op.operatorId, name: op.username };
    await this.#o.store.unitOfWork(
      async (tx) => {
        if (action === 'restrict' || action === 'ban') {
          await this.#restrictIn(tx, {
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
        await this.#caseEvent(tx, caseId, actor, action, note, { withdrawals: touched, ...(options.days ? { days: options.days } : {}) });
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

  // ------------------------------------------------------------------ restrictions

  async #restrictIn(
    tx: Tx,
    r: {
      playerId: string;
      kind: 'restrict' | 'ban';
      actions: readonly ComplianceAction[];
      reason: string;
      caseId: string | null;
      createdBy: string;
      untilMs: number | null;
    },
  ): Promise<string> {
    const id = newId('rst');
    await tx.run(
      'INSERT INTO risk_restrictions (id, player_id, kind, actions, reason, case_id, created_by, created_at_ms, until_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, r.playerId, r.kind, JSON.stringify(r.actions), r.reason.slice(0, 500), r.caseId, r.createdBy, tx.nowMs, r.untilMs],
    );
    return id;
  }

  /** Active restrictions of a player. */
  async restrictions(playerId: string): Promise<Restriction[]> {
    const nowMs = this.#o.clock.nowMs();
    const rows = await this.#o.store.reader.query<Row>(
      'SELECT * FROM risk_restrictions WHERE player_id = ? AND lifted_at_ms IS NULL AND (until_ms IS NULL OR until_ms > ?) ORDER BY created_at_ms, id',
      [playerId, nowMs],
    );
    return rows.map(toRestriction);
  }

  async restrict(
    op: OperatorActor,
    input: { playerId: string; kind: 'restrict' | 'ban'; actions?: readonly ComplianceAction[]; reason: string; days?: number },
    meta: RequestMeta,
  ): Promise<Restriction[]> {
    await this.#o.store.unitOfWork(
      async (tx) => {
        const actions =
          input.kind === 'ban' ? BAN_ACTIONS : input.actions && input.actions.length > 0 ? input.actions : RESTRICT_DEFAULT_ACTIONS;
        const id = await this.#restrictIn(tx, {
          playerId: input.playerId,
          kind: input.kind,
          actions,
          reason: input.reason,
          caseId: null,
          createdBy: op.username,
          untilMs: input.days ? tx.nowMs + input.days * 24 * 3600 * 1000 : null,
        });
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: `risk.${input.kind}`,
          target: { kind: 'player', id: input.playerId },
          reason: input.reason,
          after: { restrictionId: id, actions, days: input.days ?? null },
          requestId: meta.requestId,
          ip: meta.ip,
        });
      },
      { label: 'risk.restrict' },
    );
    return this.restrictions(input.playerId);
  }

  async lift(op: OperatorActor, playerId: string, restrictionId: string, reason: string, meta: RequestMeta): Promise<Restriction[]> {
    const changed = await this.#o.store.unitOfWork(
      async (tx) => {
        const n = await tx.run(
          'UPDATE risk_restrictions SET lifted_at_ms = ?, lifted_by = ? WHERE id = ? AND player_id = ? AND lifted_at_ms IS NULL',
          [tx.nowMs, op.username, restrictionId, playerId],
        );
        if (n === 0) return false;
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'risk.lift',
          target: { kind: 'player', id: playerId },
          reason,
          before: { restrictionId },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        return true;
      },
      { label: 'risk.lift' },
    );
    if (!changed) throw new AppError(RiskErrors.RISK_RESTRICTION_NOT_FOUND, { restrictionId });
    return this.restrictions(playerId);
  }

  // ------------------------------------------------------------------ credit

  async credit(playerId: string): Promise<number> {
    const rows = await this.#o.store.reader.query<{ score: unknown }>('SELECT score FROM risk_credit WHERE player_id = ?', [playerId]);
    return rows[0] ? intFromDb(rows[0].score) : this.#o.config.credit.initial;
  }

  async creditHistory(
    playerId: string,
  ): Promise<{ delta: number; scoreAfter: number; reason: string; subjectId: string | null; atMs: number }[]> {
    const rows = await this.#o.store.reader.query<Row>(
      'SELECT * FROM risk_credit_events WHERE player_id = ? ORDER BY at_ms DESC, id LIMIT ?',
      [playerId, PAGE_MAX],
    );
    return rows.map((r) => ({
      delta: intFromDb(r.delta),
      scoreAfter: intFromDb(r.score_after),
      reason: r.reason as string,
      subjectId: (r.subject_id as string | null) ?? null,
      atMs: intFromDb(r.at_ms),
    }));
  }

  async #adjustCredit(tx: Tx, playerId: string, delta: number, reason: string, subjectId: string | null): Promise<number> {
    const c = this.#o.config.credit;
    const rows = await tx.query<{ score: unknown }>('SELECT score FROM risk_credit WHERE player_id = ?', [playerId]);
    const before = rows[0] ? intFromDb(rows[0].score) : c.initial;
    const after = Math.max(0, Math.min(c.max, before + delta));
    await tx.run(
      'INSERT INTO risk_credit (player_id, score, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT (player_id) DO UPDATE SET score = excluded.score, updated_at_ms = excluded.updated_at_ms',
      [playerId, after, tx.nowMs],
    );
    await tx.run(
      'INSERT INTO risk_credit_events (id, player_id, delta, score_after, reason, subject_id, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [newId('cr'), playerId, after - before, after, reason, subjectId, tx.nowMs],
    );
    return after;
  }

  /** A room played to its end without incident (rooms report it): credit recovers slowly. */
  async roomCompleted(tx: Tx, playerId: string, roomId: string): Promise<void> {
    await this.#adjustCredit(tx, playerId, this.#o.config.credit.completedRoom, 'room_completed', roomId);
  }

  // ------------------------------------------------------------------ complaints

  async #insertComplaint(
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
        const cid = await this.#insertComplaint(tx, {
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
        if (outcome === 'upheld' && target !== null) {
          await this.#adjustCredit(tx, target, this.#o.config.credit.upheldReport, 'report_upheld', id);
          const upheld = await tx.query<{ n: unknown }>(
            "SELECT COUNT(*) AS n FROM risk_complaints WHERE target_player_id = ? AND status = 'upheld' AND handled_at_ms >= ?",
            [target, tx.nowMs - this.#o.config.signals.complaints_upheld.windowMs],
          );
          await this.recordSignal(tx, {
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
    const score = (await this.score(target)).score;
    const caseId = await this.#o.store.unitOfWork(
      async (tx) => {
        const caseId = await this.#openCase(tx, {
          playerId: target,
          kind: 'complaint',
          score,
          amountFen: null,
          summary: `complaint ${c.reason} escalated by support`,
          evidence: { complaint: c },
        });
        await this.#caseEvent(tx, caseId, { kind: 'operator', id: op.operatorId, name: op.username }, 'escalated', note, {
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
    return this.getCase(caseId);
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

  /** Reads new skill-session events from the analytics log: a flagged session is a signal. Returns the events read. */
  async pollEvents(): Promise<number> {
    const analytics = this.#o.analytics;
    const rows = await this.#o.store.reader.query<{ seq: unknown }>("SELECT seq FROM risk_cursors WHERE name = 'analytics'");
    const after = rows[0] ? intFromDb(rows[0].seq) : 0;
    const events = await analytics.list({ afterSeq: after, limit: 200 });
    if (events.length === 0) return 0;
    const last = events[events.length - 1]!.seq;
    await this.#o.store.unitOfWork(
      async (tx) => {
        for (const e of events) {
          if (e.kind === 'skill_session_ended' && e.data.flagged === true && e.actorId)
            await this.recordSignal(tx, {
              playerId: e.actorId,
              kind: 'skill_flagged',
              value: 1,
              subject: { kind: 'skill_session', id: String(e.data.sessionId) },
              evidence: e.data,
            });
        }
        await tx.run("INSERT INTO risk_cursors (name, seq) VALUES ('analytics', ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq", [
          last,
        ]);
      },
      { label: 'risk.pollEvents' },
    );
    return events.length;
  }
}
