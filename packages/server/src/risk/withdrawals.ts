// Withdrawal assessment (the payments port): money signals, the score, and whether a withdrawal
// goes straight through, waits for an operator (a case opens) or is refused.
import { newId } from '@fairground/core';
import type { CaseFeatures, FraudModels } from './learned.ts';
import { type RiskOptions, type RiskParts, SYSTEM } from './model.ts';
import { gatherWithdrawalSignals, recordWithdrawalSignals, type WithdrawalRequest, type WithdrawalSignals } from './withdrawal-signals.ts';

interface Verdict {
  readonly decision: 'allow' | 'review' | 'deny';
  readonly reasons: string[];
  readonly score: number;
  /** A restriction refuses the withdrawal whatever the model says. */
  readonly restricted: boolean;
  readonly scored: { features: CaseFeatures; model: Awaited<ReturnType<FraudModels['active']>> } | null;
}

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
  async assessWithdrawal(
    input: WithdrawalRequest,
  ): Promise<{ action: 'allow' } | { action: 'review'; reasons: string[] } | { action: 'deny'; reasons: string[] }> {
    const signals = await gatherWithdrawalSignals(this.#o, input);
    await recordWithdrawalSignals(this.#o, this.#p, input, signals);
    const verdict = await this.#decide(input);
    await this.#record(input, signals, verdict);
    const { decision, reasons } = verdict;
    return decision === 'allow' ? { action: 'allow' } : { action: decision, reasons };
  }

  /**
   * The decision from the player's score, their restrictions and the operator's review line; for a
   * held withdrawal, its features and the active fraud model's score. A model in shadow mode decides
   * nothing; one proven and switched to decide settles whether the held withdrawal waits for an
   * operator or is refused (a restriction still refuses).
   */
  async #decide(input: WithdrawalRequest): Promise<Verdict> {
    const w = this.#o.config.withdrawal;
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
    return { decision, reasons, score: view.score, restricted: Boolean(restricted), scored };
  }

  /** The request's row, and for a held or refused one its case (with the model's score, and the block event). */
  async #record(input: WithdrawalRequest, s: WithdrawalSignals, v: Verdict): Promise<void> {
    const { decision, reasons, scored, restricted } = v;
    await this.#o.store.unitOfWork(
      async (tx) => {
        let caseId: string | null = null;
        if (decision !== 'allow') {
          caseId = await this.#p.cases.openCase(tx, {
            playerId: input.playerId,
            kind: 'withdrawal',
            score: v.score,
            amountFen: input.amountFen,
            summary: `withdrawal of ${input.amountFen} fen: ${decision === 'deny' ? 'blocked' : 'held for review'}`,
            evidence: {
              decision,
              reasons,
              score: v.score,
              depositsFen: s.depositsFen,
              playedFen: s.playedFen,
              address: s.address,
              nearLimitCount: s.near,
              lastDayCount: s.lastDay,
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
              { score: v.score },
            );
        }
        await tx.run(
          'INSERT INTO risk_withdrawals (id, player_id, amount_fen, address, decision, score, case_id, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [newId('rw'), input.playerId, input.amountFen, s.address, decision, v.score, caseId, input.nowMs],
        );
      },
      { label: 'risk.assessWithdrawal' },
    );
  }
}
