// The credit score rooms ask before creating or joining: lowered by early exits, upheld reports and
// failed identity checks, recovered slowly by rooms played to their end.
import { newId } from '@fairground/core';
import type { Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { PAGE_MAX } from './limits.ts';
import type { RiskOptions, Row } from './model.ts';

export class Credit {
  readonly #o: RiskOptions;

  constructor(o: RiskOptions) {
    this.#o = o;
  }

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

  async adjustCredit(tx: Tx, playerId: string, delta: number, reason: string, subjectId: string | null): Promise<number> {
    const c = this.#o.config.credit;
    const rows = await tx.query<{ score: unknown }>('SELECT score FROM risk_credit WHERE player_id = ?', [playerId]);
    const before = rows[0] ? intFromDb(rows[0].score) : c.initial;
    const after = Math.max(0, Math.min(c.max, before + delta));
    // Queued (`Tx.write`): the score is known here; a later read in the unit sees them, sent ahead of it.
    tx.write(
      'INSERT INTO risk_credit (player_id, score, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT (player_id) DO UPDATE SET score = excluded.score, updated_at_ms = excluded.updated_at_ms',
      [playerId, after, tx.nowMs],
    );
    tx.write('INSERT INTO risk_credit_events (id, player_id, delta, score_after, reason, subject_id, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      newId('cr'),
      playerId,
      after - before,
      after,
      reason,
      subjectId,
      tx.nowMs,
    ]);
    return after;
  }

  /** A room played to its end without incident (rooms report it): credit recovers slowly. */
  async roomCompleted(tx: Tx, playerId: string, roomId: string): Promise<void> {
    await this.adjustCredit(tx, playerId, this.#o.config.credit.completedRoom, 'room_completed', roomId);
  }
}
