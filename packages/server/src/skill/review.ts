// Fairness and review: a player's own finished session with its seed and the verifier's report,
// operators' lists and details of sessions (with their signals), and a player's ratings.
import { AppError } from '@fairground/core';
import { intFromDb } from '../storage/sql.ts';
import type { SkillContext } from './context.ts';
import { SkillErrors } from './errors.ts';
import { LIST_PAGE_MAX } from './limits.ts';
import { SESSION_COLUMNS, type SessionRow, sessionFromDb } from './rows.ts';
import type { AdminSession } from './schemas.ts';
import { loadSessionWithLog, type VerificationReport, verifySession } from './verifier.ts';

export class SkillReview {
  readonly #c: SkillContext;

  constructor(c: SkillContext) {
    this.#c = c;
  }

  /** The player's own finished session with its seed and log, and the verifier's report. */
  async replay(playerId: string, sessionId: string) {
    const stored = await loadSessionWithLog(this.#c.store.reader, sessionId);
    if (!stored) throw new AppError(SkillErrors.SKILL_SESSION_NOT_FOUND, { sessionId });
    const { row, commands } = stored;
    if (row.playerId !== playerId) throw new AppError(SkillErrors.SKILL_SESSION_NOT_YOURS, { sessionId });
    if (!(await this.#seedRevealed(row))) throw new AppError(SkillErrors.SKILL_SEED_NOT_REVEALED, { sessionId });
    return {
      sessionId: row.id,
      game: row.game,
      mode: row.mode,
      status: row.status,
      endReason: row.endReason,
      config: row.config,
      commitment: row.commitment,
      seedHex: row.seedHex,
      score: row.score,
      stateHash: row.stateHash,
      commands: commands.map((c) => ({ seq: c.seq, atMs: c.atMs, move: { from: c.move.from, to: c.move.to } })),
      verification: verifySession(row, commands),
    };
  }

  async #seedRevealed(row: SessionRow): Promise<boolean> {
    if (row.status === 'active') return false;
    if (row.mode === 'practice') return true;
    if (row.mode === 'match') {
      const m = await this.#c.store.reader.query<{ status: string }>('SELECT status FROM skill_matches WHERE id = ?', [row.matchId]);
      return m[0]?.status === 'settled' || m[0]?.status === 'refunded';
    }
    const t = await this.#c.store.reader.query<{ status: string }>('SELECT status FROM skill_tournaments WHERE id = ?', [row.tournamentId]);
    return t[0]?.status === 'settled' || t[0]?.status === 'cancelled';
  }

  /** Re-runs any stored session (operators, risk review). */
  async verify(sessionId: string): Promise<VerificationReport> {
    const stored = await loadSessionWithLog(this.#c.store.reader, sessionId);
    if (!stored) throw new AppError(SkillErrors.SKILL_SESSION_NOT_FOUND, { sessionId });
    return verifySession(stored.row, stored.commands);
  }

  /** Sessions for review, newest first; `flagged` limits to those with signals. */
  async reviewList(q: { flagged?: boolean; playerId?: string; limit?: number }): Promise<AdminSession[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.flagged !== undefined) {
      where.push('flagged = ?');
      params.push(q.flagged ? 1 : 0);
    }
    if (q.playerId !== undefined) {
      where.push('player_id = ?');
      params.push(q.playerId);
    }
    params.push(Math.min(Math.max(1, q.limit ?? 50), LIST_PAGE_MAX));
    const rows = await this.#c.store.reader.query(
      `SELECT ${SESSION_COLUMNS} FROM skill_sessions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at_ms DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map((r) => adminView(sessionFromDb(r)));
  }

  async reviewDetail(sessionId: string) {
    const stored = await loadSessionWithLog(this.#c.store.reader, sessionId);
    if (!stored) throw new AppError(SkillErrors.SKILL_SESSION_NOT_FOUND, { sessionId });
    const signals = await this.#c.store.reader.query<{ kind: string; detail: string; created_at_ms: unknown }>(
      'SELECT kind, detail, created_at_ms FROM skill_signals WHERE session_id = ? ORDER BY created_at_ms, id',
      [sessionId],
    );
    return {
      session: adminView(stored.row),
      signals: signals.map((s) => ({
        kind: s.kind,
        detail: JSON.parse(s.detail) as Record<string, unknown>,
        createdAtMs: intFromDb(s.created_at_ms),
      })),
      commands: stored.commands.map((c) => ({ seq: c.seq, atMs: c.atMs, receivedAtMs: c.receivedAtMs, move: c.move })),
      verification: verifySession(stored.row, stored.commands),
    };
  }

  async myRatings(playerId: string) {
    const out = [];
    for (const g of this.#c.catalogue.list()) {
      for (const pool of ['paid', 'practice'] as const) {
        const r = (await this.#c.ratings.current(this.#c.store.reader, g.id, pool, [playerId], this.#c.clock.nowMs())).get(playerId)!;
        out.push({ game: g.id, pool, rating: Math.round(r.rating), deviation: Math.round(r.deviation), games: r.games });
      }
    }
    return out;
  }
}

function adminView(r: SessionRow): AdminSession {
  return {
    sessionId: r.id,
    playerId: r.playerId,
    game: r.game,
    mode: r.mode,
    matchId: r.matchId,
    tournamentId: r.tournamentId,
    status: r.status,
    endReason: r.endReason,
    score: r.score,
    claimedScore: r.claimedScore,
    movesMade: r.moves,
    flagged: r.flagged,
    flags: [...(r.signals?.flags ?? [])],
    timing: r.signals ? { ...r.signals.timing } : null,
    startedAtMs: r.startedAtMs,
    endedAtMs: r.endedAtMs,
  };
}
