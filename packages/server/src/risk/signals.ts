// Signals and the score: a signal recorded with its evidence when it reaches its threshold (a
// severe one restricts and opens a case), a player's score from the signals in their windows, and
// the detectors' inputs: skill-session timing, card-room hands, and the event log.
import { newId } from '@fairground/core';
import type { Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { type HandSummary, judgePairs, type PairVerdict } from './collusion.ts';
import type { SignalKind } from './config.ts';
import { SIGNALS_PER_SCORE_MAX } from './limits.ts';
import { judgeTiming, timingFeatures } from './timing.ts';
import {
  evidenceJson,
  RESTRICT_DEFAULT_ACTIONS,
  type RiskOptions,
  type RiskParts,
  type Row,
  type ScoreView,
  type Signal,
  SYSTEM,
  toSignal,
} from './model.ts';

export class RiskSignals {
  readonly #o: RiskOptions;
  readonly #p: RiskParts;

  constructor(o: RiskOptions, p: RiskParts) {
    this.#o = o;
    this.#p = p;
  }

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
      const caseId = await this.#p.cases.openCase(tx, {
        playerId: s.playerId,
        kind: 'signal',
        score: rule.weight,
        amountFen: null,
        summary: `severe signal ${s.kind}`,
        evidence: { signalId: id, kind: s.kind, value: s.value, subject: s.subject ?? null, detail: s.evidence ?? null },
      });
      await this.#p.restrictions.restrictIn(tx, {
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

  /**
   * Records a signal unless the same player already has one of this kind about the same subject
   * inside the kind's window (a pair judged again on each pass is one finding, not one per pass).
   */
  async recordSignalOnce(
    tx: Tx,
    s: { playerId: string; kind: SignalKind; value: number; subject: { kind: string; id: string }; evidence?: unknown },
  ): Promise<string | null> {
    const windowMs = this.#o.config.signals[s.kind].windowMs;
    const seen = await tx.query(
      'SELECT id FROM risk_signals WHERE player_id = ? AND kind = ? AND subject_id = ? AND created_at_ms >= ? LIMIT 1',
      [s.playerId, s.kind, s.subject.id, tx.nowMs - windowMs],
    );
    if (seen.length > 0) return null;
    return this.recordSignal(tx, s);
  }

  /**
   * Judges a batch of hands for collusion; records soft play, frequent pairs and one-way flows
   * (once per pair and window). Returns the pairs that soft-play or dump chips.
   */
  async ingestHands(hands: readonly HandSummary[]): Promise<{ softPlayPairs: number; colluding: PairVerdict[] }> {
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
            if (v.softPlay) await this.recordSignalOnce(tx, { playerId: me, kind: 'soft_play', value: 1, subject, evidence });
            if (v.frequent) await this.recordSignalOnce(tx, { playerId: me, kind: 'frequent_pair', value: 1, subject, evidence });
            if (v.chipDumping) await this.recordSignalOnce(tx, { playerId: me, kind: 'chip_dumping', value: 1, subject, evidence });
          }
          if (v.softPlay) softPlayPairs += 1;
        }
      },
      { label: 'risk.ingestHands' },
    );
    return { softPlayPairs, colluding: verdicts.filter((v) => v.softPlay || v.chipDumping) };
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
