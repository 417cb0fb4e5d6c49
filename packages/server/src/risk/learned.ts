// The learned score beside the rules: each case's features gathered as of its opening (features.ts)
// and scored by the active model; versioned models in the database, trained by the `risk.train`
// job on reviewed cases (learner.ts); the active version and its mode chosen in the console
// (audited). In `shadow` mode the score is recorded and shown and decides nothing; an operator may
// switch a version to `decide` only once, on held-back cases, rules + model beat the rules alone
// at the same false-positive rate — otherwise the server refuses with RISK_MODEL_NOT_PROVEN.
// Deciding, the combined verdict settles whether a held withdrawal waits for an operator or is
// refused (withdrawals.ts); a player's restriction still refuses whatever the model says.
import { AppError } from '@fairground/core';
import type { OperatorActor } from '../accounts/index.ts';
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import type { HandSummary } from './collusion.ts';
import { RiskErrors } from './errors.ts';
import { type FeatureInput, fraudFeatures, rulesVerdict } from './features.ts';
import { type Evaluation, type LabelledCase, LoadedModel, type ModelDoc, NotEnoughCases, trainModel } from './learner.ts';
import { FEATURE_ROWS_MAX, SCORE_PER_PASS_MAX, TRAIN_CASES_MAX } from './limits.ts';
import { LinkedAccountsSource } from './links.ts';
import type { RequestMeta } from './ports.ts';
import { PLAY_CODES, type RiskOptions, type Row } from './model.ts';

export type ModelMode = 'shadow' | 'decide';
export type ModelStatus = 'trained' | ModelMode | 'retired';

/** The seed every training pass uses: the same reviewed cases give the same model. */
export const TRAINING_SEED = 32;

export interface ModelView {
  readonly version: number;
  readonly status: ModelStatus;
  readonly seed: number;
  readonly trainedAtMs: number;
  readonly reviewedCases: number;
  readonly evaluation: Evaluation;
  readonly activatedBy: string | null;
  readonly activatedAtMs: number | null;
}

export interface CaseModelScore {
  readonly version: number;
  readonly mode: ModelStatus;
  readonly scorePermille: number;
  readonly thresholdPermille: number;
  readonly flagged: boolean;
  readonly deciding: boolean;
  readonly top: readonly { readonly feature: string; readonly value: number; readonly push: number }[];
  readonly atMs: number;
}

export interface CaseFeatures {
  readonly features: readonly number[];
  readonly rulesFlag: boolean;
}

const toView = (r: Row): ModelView => ({
  version: intFromDb(r.version),
  status: r.status as ModelStatus,
  seed: intFromDb(r.seed),
  trainedAtMs: intFromDb(r.trained_at_ms),
  reviewedCases: intFromDb(r.reviewed_cases),
  evaluation: JSON.parse(r.evaluation as string) as Evaluation,
  activatedBy: (r.activated_by as string | null) ?? null,
  activatedAtMs: intOrNullFromDb(r.activated_at_ms),
});

export class FraudModels {
  readonly #o: RiskOptions;
  readonly #links: LinkedAccountsSource;
  /** The active model, loaded once per version. */
  #loaded: { version: number; model: LoadedModel } | null = null;

  constructor(o: RiskOptions) {
    this.#o = o;
    this.#links = new LinkedAccountsSource(o);
  }

  /** What a case's features are computed from, as of `atMs` (only the risk tables and the ledger's amounts). */
  async featureInput(playerId: string, ruleScore: number, atMs: number, reader: Reader = this.#o.store.reader): Promise<FeatureInput> {
    const cfg = this.#o.config;
    const since = atMs - cfg.withdrawal.lookbackMs;
    const [signals, handRows, withdrawals, links, history] = await Promise.all([
      reader.query<{ kind: string }>(
        'SELECT kind FROM risk_signals WHERE player_id = ? AND created_at_ms >= ? AND created_at_ms <= ? ORDER BY created_at_ms DESC, id LIMIT ?',
        [playerId, since, atMs, FEATURE_ROWS_MAX],
      ),
      reader.query<{ summary: string }>(
        `SELECT h.summary FROM risk_hands h JOIN risk_hand_players p ON p.hand_id = h.hand_id
          WHERE p.player_id = ? AND p.ended_at_ms >= ? AND p.ended_at_ms <= ? ORDER BY p.ended_at_ms DESC, h.hand_id LIMIT ?`,
        [playerId, atMs - cfg.collusion.lookbackMs, atMs, FEATURE_ROWS_MAX],
      ),
      reader.query<{ amount_fen: unknown; decision: string }>(
        'SELECT amount_fen, decision FROM risk_withdrawals WHERE player_id = ? AND at_ms >= ? AND at_ms <= ? ORDER BY at_ms DESC, id LIMIT ?',
        [playerId, since, atMs, FEATURE_ROWS_MAX],
      ),
      this.#links.view(playerId),
      this.#o.ledger.history({ ownerKind: 'player', ownerId: playerId, asset: 'CNY', fromMs: since, toMs: atMs, limit: 200 }),
    ]);
    const deposits = history.items
      .filter((i) => i.code === 'deposit' && i.direction === 'in' && i.kind === 'posted')
      .reduce((t, i) => t + i.amount, 0);
    const played = history.items
      .filter((i) => PLAY_CODES.has(i.code) && i.direction === 'out' && (i.kind === 'posted' || i.kind === 'pending'))
      .reduce((t, i) => t + i.amount, 0);
    return {
      playerId,
      ruleScore,
      signals: signals.map((s) => ({ kind: s.kind })),
      hands: handRows.map((h) => JSON.parse(h.summary) as HandSummary),
      links: {
        group: links.group.length,
        strong: links.evidence.filter((e) => e.strong).length,
        weak: links.evidence.filter((e) => !e.strong).length,
      },
      withdrawals: withdrawals.map((w) => ({ amountFen: intFromDb(w.amount_fen), decision: w.decision })),
      money: {
        depositsFen: deposits,
        playedFen: played,
        nearLimitFen: Math.floor((cfg.withdrawal.perTransactionFenMax * cfg.withdrawal.nearLimitPermille) / 1000),
      },
    };
  }

  /** The features of a player now (a withdrawal being assessed). */
  async featuresNow(playerId: string, ruleScore: number): Promise<CaseFeatures> {
    const input = await this.featureInput(playerId, ruleScore, this.#o.clock.nowMs());
    return { features: fraudFeatures(input, this.#o.config.timing.humanFloorMs), rulesFlag: rulesVerdict(input, this.#o.config) };
  }

  /** The active model (shadow or deciding), if any. */
  async active(reader: Reader = this.#o.store.reader): Promise<{ version: number; mode: ModelMode; model: LoadedModel } | null> {
    const rows = await reader.query<Row>("SELECT version, status, model FROM risk_models WHERE status IN ('shadow', 'decide') LIMIT 1");
    const r = rows[0];
    if (!r) return null;
    const version = intFromDb(r.version);
    if (this.#loaded?.version !== version) this.#loaded = { version, model: new LoadedModel(JSON.parse(r.model as string) as ModelDoc) };
    return { version, mode: r.status as ModelMode, model: this.#loaded.model };
  }

  /** Records a case's features (once) and the active model's score of them, in the caller's unit. */
  async recordInTx(
    tx: Tx,
    caseId: string,
    f: CaseFeatures,
    scored: { version: number; model: LoadedModel; deciding: boolean } | null,
  ): Promise<void> {
    await tx.run(
      'INSERT INTO risk_case_features (case_id, features, rules_flag, created_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING',
      [caseId, JSON.stringify(f.features), f.rulesFlag ? 1 : 0, tx.nowMs],
    );
    if (scored === null) return;
    const e = scored.model.explain(f.features);
    await tx.run(
      `INSERT INTO risk_case_scores (case_id, model_version, score_permille, threshold_permille, top, deciding, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (case_id, model_version) DO NOTHING`,
      [
        caseId,
        scored.version,
        e.scorePermille,
        scored.model.doc.thresholdPermille,
        JSON.stringify(e.top),
        scored.deciding ? 1 : 0,
        tx.nowMs,
      ],
    );
  }

  /** Gathers a case's features as of its opening (when not yet kept) and records the active model's score. Returns whether anything was written. */
  async scoreCase(caseId: string): Promise<boolean> {
    const reader = this.#o.store.reader;
    const rows = await reader.query<Row>(
      `SELECT c.player_id, c.score, c.created_at_ms, f.features, f.rules_flag FROM risk_cases c
        LEFT JOIN risk_case_features f ON f.case_id = c.id WHERE c.id = ?`,
      [caseId],
    );
    const r = rows[0];
    if (!r) return false;
    const active = await this.active(reader);
    let f: CaseFeatures;
    if (r.features !== null && r.features !== undefined) {
      f = { features: JSON.parse(r.features as string) as number[], rulesFlag: intFromDb(r.rules_flag) === 1 };
      if (active === null) return false;
      const seen = await reader.query('SELECT 1 AS x FROM risk_case_scores WHERE case_id = ? AND model_version = ?', [
        caseId,
        active.version,
      ]);
      if (seen.length > 0) return false;
    } else {
      const score = intFromDb(r.score);
      const input = await this.featureInput(r.player_id as string, score, intFromDb(r.created_at_ms), reader);
      f = { features: fraudFeatures(input, this.#o.config.timing.humanFloorMs), rulesFlag: rulesVerdict(input, this.#o.config) };
    }
    await this.#o.store.unitOfWork(
      (tx) => this.recordInTx(tx, caseId, f, active ? { version: active.version, model: active.model, deciding: false } : null),
      { label: 'risk.scoreCase' },
    );
    return true;
  }

  /** One pass of scoring: open and recent cases without features, or without the active model's score. */
  async scorePending(): Promise<number> {
    const active = await this.active();
    const rows = await this.#o.store.reader.query<{ id: string }>(
      `SELECT c.id FROM risk_cases c WHERE NOT EXISTS (SELECT 1 FROM risk_case_features f WHERE f.case_id = c.id)
          OR (c.status = 'open' AND ? > 0 AND NOT EXISTS (SELECT 1 FROM risk_case_scores s WHERE s.case_id = c.id AND s.model_version = ?))
        ORDER BY c.created_at_ms DESC, c.id LIMIT ?`,
      [active?.version ?? 0, active?.version ?? 0, SCORE_PER_PASS_MAX],
    );
    let n = 0;
    for (const r of rows) if (await this.scoreCase(r.id)) n += 1;
    return n;
  }

  /** A case's kept features and the rules' verdict when it opened (null before they were gathered). */
  async caseFeatures(caseId: string): Promise<CaseFeatures | null> {
    const rows = await this.#o.store.reader.query<Row>('SELECT features, rules_flag FROM risk_case_features WHERE case_id = ?', [caseId]);
    const r = rows[0];
    return r ? { features: JSON.parse(r.features as string) as number[], rulesFlag: intFromDb(r.rules_flag) === 1 } : null;
  }

  /** The latest model score of a case (the console's case page). */
  async caseScore(caseId: string): Promise<CaseModelScore | null> {
    const rows = await this.#o.store.reader.query<Row>(
      `SELECT s.*, m.status FROM risk_case_scores s JOIN risk_models m ON m.version = s.model_version
        WHERE s.case_id = ? ORDER BY s.at_ms DESC, s.model_version DESC LIMIT 1`,
      [caseId],
    );
    const r = rows[0];
    if (!r) return null;
    const score = intFromDb(r.score_permille);
    const threshold = intFromDb(r.threshold_permille);
    return {
      version: intFromDb(r.model_version),
      mode: r.status as ModelStatus,
      scorePermille: score,
      thresholdPermille: threshold,
      flagged: score >= threshold,
      deciding: intFromDb(r.deciding) === 1,
      top: JSON.parse(r.top as string) as CaseModelScore['top'],
      atMs: intFromDb(r.at_ms),
    };
  }

  /** Reviewed cases with their features and the operators' decisions as labels. */
  async labelledCases(): Promise<LabelledCase[]> {
    const rows = await this.#o.store.reader.query<Row>(
      `SELECT c.id, c.status, f.features, f.rules_flag,
              (SELECT COUNT(*) FROM risk_case_events e WHERE e.case_id = c.id AND e.actor_kind = 'operator' AND e.action IN ('reject', 'restrict', 'ban')) AS against
         FROM risk_cases c JOIN risk_case_features f ON f.case_id = c.id
        WHERE c.status <> 'open' OR EXISTS (SELECT 1 FROM risk_case_events e WHERE e.case_id = c.id AND e.actor_kind = 'operator' AND e.action IN ('restrict', 'ban'))
        ORDER BY c.id LIMIT ?`,
      [TRAIN_CASES_MAX],
    );
    return rows.map((r) => ({
      caseId: r.id as string,
      features: JSON.parse(r.features as string) as number[],
      label: r.status === 'rejected' || intFromDb(r.against) > 0 ? 1 : 0,
      rulesFlag: intFromDb(r.rules_flag) === 1,
    }));
  }

  /**
   * One pass of the `risk.train` job: a new version trained on the reviewed cases when there are
   * more of them than the latest version saw (and enough of each label). Returns the new version or null.
   */
  async train(seed = TRAINING_SEED): Promise<ModelView | null> {
    await this.scorePending();
    const cases = await this.labelledCases();
    const latest = await this.#o.store.reader.query<{ reviewed_cases: unknown }>(
      'SELECT reviewed_cases FROM risk_models ORDER BY version DESC LIMIT 1',
    );
    if (latest[0] && intFromDb(latest[0].reviewed_cases) >= cases.length) return null;
    let trained: ReturnType<typeof trainModel>;
    try {
      trained = trainModel(cases, seed);
    } catch (e) {
      if (e instanceof NotEnoughCases) return null;
      throw e;
    }
    return this.#insert(trained, seed, cases.length);
  }

  /** Trains now (the console's button): refuses with RISK_MODEL_TOO_FEW_CASES when there is not enough to learn from. */
  async trainNow(op: OperatorActor, meta: RequestMeta, seed = TRAINING_SEED): Promise<ModelView> {
    await this.scorePending();
    const cases = await this.labelledCases();
    let trained: ReturnType<typeof trainModel>;
    try {
      trained = trainModel(cases, seed);
    } catch (e) {
      if (e instanceof NotEnoughCases) throw new AppError(RiskErrors.RISK_MODEL_TOO_FEW_CASES, { fraud: e.fraud, honest: e.honest });
      throw e;
    }
    const view = await this.#insert(trained, seed, cases.length, async (tx, version) => {
      await this.#o.audit.record(tx, {
        operator: { id: op.operatorId, username: op.username },
        action: 'risk.model_train',
        target: { kind: 'risk_model', id: String(version) },
        reason: 'trained from the console',
        before: null,
        after: { version, reviewedCases: cases.length, beatsRules: trained.evaluation.beatsRules },
        requestId: meta.requestId,
        ip: meta.ip,
      });
    });
    return view;
  }

  async #insert(
    trained: ReturnType<typeof trainModel>,
    seed: number,
    reviewed: number,
    also?: (tx: Tx, version: number) => Promise<void>,
  ): Promise<ModelView> {
    const version = await this.#o.store.unitOfWork(
      async (tx) => {
        const max = await tx.query<{ v: unknown }>('SELECT MAX(version) AS v FROM risk_models');
        const v = (intOrNullFromDb(max[0]?.v ?? null) ?? 0) + 1;
        await tx.run(
          'INSERT INTO risk_models (version, status, seed, model, evaluation, reviewed_cases, trained_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [v, 'trained', seed, JSON.stringify(trained.doc), JSON.stringify(trained.evaluation), reviewed, tx.nowMs],
        );
        if (also) await also(tx, v);
        return v;
      },
      { label: 'risk.trainModel' },
    );
    return this.model(version);
  }

  async model(version: number): Promise<ModelView> {
    const rows = await this.#o.store.reader.query<Row>('SELECT * FROM risk_models WHERE version = ?', [version]);
    if (!rows[0]) throw new AppError(RiskErrors.RISK_MODEL_NOT_FOUND, { version });
    return toView(rows[0]);
  }

  async models(limit: number): Promise<ModelView[]> {
    const rows = await this.#o.store.reader.query<Row>('SELECT * FROM risk_models ORDER BY version DESC LIMIT ?', [limit]);
    return rows.map(toView);
  }

  /**
   * Makes a version the active one, in `shadow` (scores recorded and shown, deciding nothing) or
   * `decide` mode — the latter only when its held-back comparison beat the rules. Audited.
   */
  async activate(op: OperatorActor, version: number, mode: ModelMode, reason: string, meta: RequestMeta): Promise<ModelView> {
    const target = await this.model(version);
    if (mode === 'decide' && !target.evaluation.beatsRules)
      throw new AppError(RiskErrors.RISK_MODEL_NOT_PROVEN, {
        version,
        reason: target.evaluation.reason,
        rules: { precisionPermille: target.evaluation.rules.precisionPermille, recallPermille: target.evaluation.rules.recallPermille },
        combined: {
          precisionPermille: target.evaluation.combined.precisionPermille,
          recallPermille: target.evaluation.combined.recallPermille,
        },
      });
    await this.#o.store.unitOfWork(
      async (tx) => {
        const before = await tx.query<{ version: unknown; status: string }>(
          "SELECT version, status FROM risk_models WHERE status IN ('shadow', 'decide')",
        );
        await tx.run("UPDATE risk_models SET status = 'retired' WHERE status IN ('shadow', 'decide') AND version <> ?", [version]);
        await tx.run('UPDATE risk_models SET status = ?, activated_by = ?, activated_at_ms = ? WHERE version = ?', [
          mode,
          op.username,
          tx.nowMs,
          version,
        ]);
        await this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'risk.model_activate',
          target: { kind: 'risk_model', id: String(version) },
          reason,
          before: { active: before.map((b) => ({ version: intFromDb(b.version), mode: b.status })) },
          after: { version, mode },
          requestId: meta.requestId,
          ip: meta.ip,
        });
      },
      { label: 'risk.activateModel' },
    );
    return this.model(version);
  }
}
