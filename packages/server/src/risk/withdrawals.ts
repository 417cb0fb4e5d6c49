// Withdrawal assessment (the payments port): money signals, the score, and whether a withdrawal
// goes straight through, waits for an operator (a case opens) or is refused.
import { newId } from '@fairground/core';
import type { HistoryItem } from '../ledger/index.ts';
import { intFromDb } from '../storage/sql.ts';
import type { CaseFeatures, FraudModels } from './learned.ts';
import { PLAY_CODES, type RiskOptions, type RiskParts, SYSTEM } from './model.ts';

export class WithdrawalAssessment {
  readonly #o: RiskOptions;
  readonly #p: RiskParts;
  readonly #models: FraudModels;

  constructor(o: RiskOptions, p: RiskParts, models: FraudModels) {
    this.#o = o;
    this.#p = p;
    this.#models = models;
  }

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
        await this.#p.signals.recordSignal(tx, {
          playerId: input.playerId,
          kind: 'deposit_withdraw_no_play',
          value: notPlayedPermille,
          subject,
          evidence: { depositsFen: deposits, playedFen: played },
        });
        await this.#p.signals.recordSignal(tx, {
          playerId: input.playerId,
          kind: 'structuring',
          value: near,
          subject,
          evidence: { nearLimitFen: nearFen, count: near },
        });
        await this.#p.signals.recordSignal(tx, {
          playerId: input.playerId,
          kind: 'withdrawal_velocity',
          value: lastDay,
          subject,
          evidence: { lastDay },
        });
        await this.#p.signals.recordSignal(tx, {
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
    const view = await this.#p.signals.score(input.playerId);
    const reasons = view.signals.map((s) => `${s.kind} (+${s.weight})`);
    const restricted = await this.#p.restrictions.restrictionFor(input.playerId, 'withdraw');
    let decision: 'allow' | 'review' | 'deny' = view.decision === 'block' ? 'deny' : view.decision;
    if (restricted) {
      decision = 'deny';
      reasons.push(restricted.code);
    }
    if (decision === 'allow' && input.amountFen >= w.reviewFromFen) {
      decision = 'review';
      reasons.push(`amount at or above ${w.reviewFromFen} fen`);
    }
    // A held withdrawal's case: its features and the active model's score, recorded with it. A
    // model in shadow mode decides nothing; one proven and switched to decide settles whether the
    // held withdrawal waits for an operator or is refused (a restriction still refuses).
    let scored: { features: CaseFeatures; model: Awaited<ReturnType<FraudModels['active']>> } | null = null;
    if (decision !== 'allow') {
      const active = await this.#models.active();
      scored = { features: await this.#models.featuresNow(input.playerId, view.score), model: active };
      if (active?.mode === 'decide' && !restricted) {
        const [p] = active.model.scoreMany([scored.features.features]);
        const t = active.model.doc.thresholdPermille;
        const flagged = (p ?? 0) >= t;
        if (flagged && decision === 'review') reasons.push(`fraud model v${active.version}: ${p}‰ ≥ ${t}‰`);
        if (!flagged && decision === 'deny') reasons.push(`fraud model v${active.version}: ${p}‰ < ${t}‰, an operator decides`);
        decision = flagged ? 'deny' : 'review';
      }
    }
    await this.#o.store.unitOfWork(
      async (tx) => {
        let caseId: string | null = null;
        if (decision !== 'allow') {
          caseId = await this.#p.cases.openCase(tx, {
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
          if (scored !== null) {
            const m = scored.model;
            await this.#models.recordInTx(
              tx,
              caseId,
              scored.features,
              m ? { version: m.version, model: m.model, deciding: m.mode === 'decide' } : null,
            );
          }
          if (decision === 'deny')
            await this.#p.cases.caseEvent(
              tx,
              caseId,
              SYSTEM,
              'blocked',
              scored?.model?.mode === 'decide' && !restricted
                ? 'rules and the fraud model call it fraud'
                : 'score at or above the block threshold',
              { score: view.score },
            );
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
}
